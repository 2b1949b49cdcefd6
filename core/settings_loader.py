"""Typed validation of TOML tables into frozen dataclasses, naming any bad key."""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import types
import typing
from collections.abc import Iterable
from typing import Any

from core.texts import CATALOG, t


class SettingsError(ValueError):
    """A setting is missing, unknown or malformed; the (Chinese) message names the key."""

    def __init__(self, text: str, /, **values: object) -> None:
        super().__init__(CATALOG[text].format(**values))


ENUMS: dict[str, tuple[str, ...]] = {
    "scheduler.mode": ("embedded", "external", "off"),
    "wechat.account_type": ("service", "subscription"),
    "wechat.token_api": ("stable", "classic"),
    "contest.alert_channel": ("custom", "template"),
}

# Keys that later releases moved: an operator's file that still has one is told where it went.
MOVED: dict[str, str] = {"reminders.filing_deadline": "campaign.filing_deadline"}


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name nearest to a mistyped one, if any is close."""
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def refuse_unknown(data: dict[str, Any], known: Iterable[str], prefix: str) -> None:
    """Refuse a key the table does not define, naming it and the closest known key."""
    names = list(known)
    for name in data:
        if name in names:
            continue
        key = f"{prefix}.{name}" if prefix else name
        if key in MOVED:
            raise SettingsError("settings.moved", key=key, target=MOVED[key])
        hint = closest(name, names)
        kind = "settings.unknown" if prefix else "settings.unknown_section"
        if hint is None:
            raise SettingsError(kind, key=key)
        raise SettingsError(f"{kind}_hint", key=key,
                            hint=f"{prefix}.{hint}" if prefix else hint)


def _coerce(value: Any, tp: Any, key: str) -> Any:
    """Check one value against its annotated type, converting where TOML is looser."""
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise SettingsError("settings.table", key=key)
        return build(tp, value, key)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise SettingsError("settings.list", key=key)
        return [_coerce(v, item_tp, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise SettingsError("settings.table", key=key)
        _, val_tp = typing.get_args(tp)
        return {k: _coerce(v, val_tp, f"{key}.{k}") for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        if value is None or value == "":
            return None
        inner = next(a for a in typing.get_args(tp) if a is not type(None))
        return _coerce(value, inner, key)
    return _scalar(value, tp, key)


def _type_name(tp: type) -> str:
    """The type a setting wants, in the operator's words."""
    if tp.__name__ in ("str", "int", "float", "bool"):
        return t(f"settings.type.{tp.__name__}")
    return t("settings.type.other", name=tp.__name__)


def _scalar(value: Any, tp: Any, key: str) -> Any:
    """Validate a scalar setting."""
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is dt.date and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if tp is dt.date and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise SettingsError("settings.date", key=key) from None
    if tp is dt.date:
        raise SettingsError("settings.date", key=key)
    if tp is dt.time and isinstance(value, (dt.time, str)):
        try:
            return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)
        except ValueError:
            raise SettingsError("settings.time", key=key) from None
    if tp is int and isinstance(value, bool):
        raise SettingsError("settings.integer", key=key)
    if isinstance(tp, type) and not isinstance(value, tp):
        raise SettingsError("settings.type", key=key, type=_type_name(tp))
    allowed = ENUMS.get(key)
    if allowed and value not in allowed:
        raise SettingsError("settings.enum", key=key, allowed=" | ".join(allowed))
    return value


def build(cls: Any, data: dict[str, Any], prefix: str) -> Any:
    """Build a settings dataclass from a TOML table, refusing unknown keys and naming bad ones."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    refuse_unknown(data, [f.name for f in fields], prefix)
    kwargs: dict[str, Any] = {}
    for field in fields:
        key = f"{prefix}.{field.name}" if prefix else field.name
        if field.name in data:
            kwargs[field.name] = _coerce(data[field.name], hints[field.name], key)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise SettingsError("settings.missing", key=key)
    return cls(**kwargs)
