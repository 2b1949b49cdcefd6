"""Typed validation of TOML tables into frozen dataclasses, naming any bad key."""
from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from typing import Any


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the key."""


ENUMS: dict[str, tuple[str, ...]] = {
    "scheduler.mode": ("embedded", "external", "off"),
    "wechat.account_type": ("service", "subscription"),
    "wechat.token_api": ("stable", "classic"),
    "contest.alert_channel": ("custom", "template"),
}


def _coerce(value: Any, tp: Any, key: str) -> Any:
    """Check one value against its annotated type, converting where TOML is looser."""
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise SettingsError(f"setting {key} must be a table")
        return build(tp, value, key)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise SettingsError(f"setting {key} must be a list")
        return [_coerce(v, item_tp, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise SettingsError(f"setting {key} must be a table")
        _, val_tp = typing.get_args(tp)
        return {k: _coerce(v, val_tp, f"{key}.{k}") for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        if value is None or value == "":
            return None
        inner = [a for a in typing.get_args(tp) if a is not type(None)][0]
        return _coerce(value, inner, key)
    return _scalar(value, tp, key)


def _scalar(value: Any, tp: Any, key: str) -> Any:
    """Validate a scalar setting."""
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is dt.date and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if tp is dt.date and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise SettingsError(f"setting {key} must be a date YYYY-MM-DD") from exc
    if tp is dt.time and isinstance(value, (dt.time, str)):
        try:
            return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)
        except ValueError as exc:
            raise SettingsError(f"setting {key} must be a time HH:MM") from exc
    if tp is int and isinstance(value, bool):
        raise SettingsError(f"setting {key} must be an integer")
    if isinstance(tp, type) and not isinstance(value, tp):
        raise SettingsError(f"setting {key} must be of type {tp.__name__}")
    allowed = ENUMS.get(key)
    if allowed and value not in allowed:
        raise SettingsError(f"setting {key} must be one of {', '.join(allowed)}")
    return value


def build(cls: Any, data: dict[str, Any], prefix: str) -> Any:
    """Build a settings dataclass from a TOML table, naming any bad key."""
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        key = f"{prefix}.{field.name}" if prefix else field.name
        if field.name in data:
            kwargs[field.name] = _coerce(data[field.name], hints[field.name], key)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise SettingsError(f"setting {key} is missing")
    return cls(**kwargs)
