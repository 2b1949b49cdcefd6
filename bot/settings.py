"""Typed settings loaded from TOML and validated at start-up."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = PROJECT_ROOT / "config.example.toml"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the key."""


@dataclasses.dataclass(frozen=True)
class WechatSettings:
    token: str
    app_id: str
    app_secret: str
    encoding_aes_key: str
    api_base_url: str
    account_type: str
    max_body_bytes: int
    reply_deadline_seconds: float
    api_timeout_seconds: float
    token_api: str = "stable"
    token_margin_seconds: int = 300
    token_lock_seconds: float = 10.0
    shed_after_seconds: float = 3.5
    clock_skew_seconds: float = 60.0


@dataclasses.dataclass(frozen=True)
class DatabaseSettings:
    url: str


@dataclasses.dataclass(frozen=True)
class RedisSettings:
    url: str
    socket_timeout_seconds: float


@dataclasses.dataclass(frozen=True)
class AdminSettings:
    openids: list[str]


@dataclasses.dataclass(frozen=True)
class SchedulerSettings:
    mode: str
    timezone: str
    lock_seconds: int
    misfire_grace_seconds: int
    sweep_minutes: int
    jobs: dict[str, str]


@dataclasses.dataclass(frozen=True)
class TemplateSettings:
    template_id: str
    url: str = ""
    fields: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class PushSettings:
    rate_per_minute: int
    pool_size: int
    batch_size: int
    max_attempts: int
    backoff_seconds: list[int]
    lease_seconds: int
    drain_seconds: int
    template_value_max: int
    mass_per_month: int
    mass_per_day: int
    late_reply_template: str
    alert_template: str
    templates: dict[str, TemplateSettings]


@dataclasses.dataclass(frozen=True)
class AnnounceSettings:
    auto: bool
    mass_send: bool
    result_template: str
    subscriber_template: str


@dataclasses.dataclass(frozen=True)
class ReminderSettings:
    filing_deadline: dt.date | None
    days_before: list[int]
    template: str


@dataclasses.dataclass(frozen=True)
class AccountSettings:
    binding_code_ttl_hours: int
    binding_max_failures_per_hour: int
    dedupe_ttl_seconds: int
    user_lock_seconds: float
    touch_interval_seconds: int = 60


@dataclasses.dataclass(frozen=True)
class DataSettings:
    towns_file: str


@dataclasses.dataclass(frozen=True)
class ExpertSettings:
    min_answers: int
    smoothing_m: float
    weight_answers: float
    weight_rate: float
    top_n: int
    evaluate_day: int
    quarter_day: int
    fields_file: str
    month_template: str
    quarter_template: str


@dataclasses.dataclass(frozen=True)
class DialogSettings:
    draft_ttl_days: int
    idle_minutes: int
    max_tries: int


@dataclasses.dataclass(frozen=True)
class CampaignSettings:
    filing_opens: dt.date
    filing_deadline: dt.date
    activities_from: dt.date
    activities_to: dt.date


@dataclasses.dataclass(frozen=True)
class FilingSettings:
    max_activities: int
    name_max_chars: int
    location_max_chars: int
    description_min_chars: int
    description_max_chars: int
    scale_max: int
    my_filings_shown: int
    review_list_shown: int
    review_template: str


@dataclasses.dataclass(frozen=True)
class SupportSettings:
    goods_min_participants: int
    goods_ratio: float
    goods_cap: int
    linkage_cohost_min: int
    linkage_promo_min: int
    training_support_min: int


@dataclasses.dataclass(frozen=True)
class MenuButton:
    name: str
    type: str = ""
    key: str = ""
    url: str = ""
    sub_button: list[MenuButton] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class MenuSettings:
    button: list[MenuButton]


@dataclasses.dataclass(frozen=True)
class ContestSettings:
    shortlist_size: int
    winners: int
    votes_per_user_per_day: int
    votes_per_entry_per_user_per_day: int
    votes_per_entry_per_user_per_round: int
    followers_only: bool
    voting_opens_day: int
    voting_closes_day: int
    min_seconds_between_votes: float
    unsubscribe_void_hours: int
    burst_window_minutes: int
    burst_baseline_hours: int
    burst_factor: float
    burst_min_votes: int
    alert_channel: str
    alert_template: str
    judges_weight: float
    frozen_dir: str
    leaderboard_ttl_days: int
    reply_max_bytes: int
    name_chars_in_lists: int


@dataclasses.dataclass(frozen=True)
class Settings:
    wechat: WechatSettings
    database: DatabaseSettings
    redis: RedisSettings
    admins: AdminSettings
    scheduler: SchedulerSettings
    accounts: AccountSettings
    data: DataSettings
    menu: MenuSettings
    experts: ExpertSettings
    dialog: DialogSettings
    campaign: CampaignSettings
    filing: FilingSettings
    support: SupportSettings
    push: PushSettings
    announce: AnnounceSettings
    reminders: ReminderSettings
    contest: ContestSettings

    @property
    def safe_mode(self) -> bool:
        """Whether an EncodingAESKey is configured."""
        return bool(self.wechat.encoding_aes_key)


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
        return _build(tp, value, key)
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


def _build(cls: Any, data: dict[str, Any], prefix: str) -> Any:
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


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Pick the settings file: explicit, $YOUTHVOICE_CONFIG, ./config.toml, else the example."""
    if explicit:
        return Path(explicit)
    if os.environ.get("YOUTHVOICE_CONFIG"):
        return Path(os.environ["YOUTHVOICE_CONFIG"])
    local = Path.cwd() / "config.toml"
    return local if local.exists() else EXAMPLE_CONFIG


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning syntax errors into a SettingsError."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise SettingsError(f"settings file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from exc


def merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge override tables into base (used by tests and env overrides)."""
    out = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def env_overrides() -> dict[str, Any]:
    """DATABASE_URL and REDIS_URL override the file."""
    out: dict[str, Any] = {}
    if os.environ.get("DATABASE_URL"):
        out["database"] = {"url": os.environ["DATABASE_URL"]}
    if os.environ.get("REDIS_URL"):
        out["redis"] = {"url": os.environ["REDIS_URL"]}
    return out


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Validate a raw table into Settings."""
    settings = _build(Settings, data, "")
    _check_aes_key(settings.wechat.encoding_aes_key)
    _check_experts(settings.experts)
    _check_contest(settings.contest)
    return settings


def _check_contest(c: ContestSettings) -> None:
    """Contest numbers that would make the rules meaningless stop start-up."""
    checks = {"shortlist_size": c.shortlist_size >= 1, "winners": c.winners >= 1,
              "votes_per_user_per_day": c.votes_per_user_per_day >= 1,
              "votes_per_entry_per_user_per_day": c.votes_per_entry_per_user_per_day >= 1,
              "votes_per_entry_per_user_per_round": c.votes_per_entry_per_user_per_round >= 0,
              "voting_opens_day": 1 <= c.voting_opens_day <= 28,
              "voting_closes_day": 0 <= c.voting_closes_day <= 31,
              "judges_weight": 0.0 <= c.judges_weight <= 1.0,
              "burst_window_minutes": c.burst_window_minutes >= 1,
              "burst_baseline_hours": c.burst_baseline_hours >= 1,
              "reply_max_bytes": 200 <= c.reply_max_bytes <= 2048}
    checks["alert_template"] = c.alert_channel != "template" or bool(c.alert_template)
    for key, ok in checks.items():
        if not ok:
            raise SettingsError(f"setting contest.{key} is out of range")


def _check_aes_key(key: str) -> None:
    """An EncodingAESKey is empty (plaintext mode) or exactly 43 characters."""
    if key and len(key) != 43:
        raise SettingsError("setting wechat.encoding_aes_key must be 43 characters or empty")


def _check_experts(experts: ExpertSettings) -> None:
    """The score stays within 0..100 only with non-negative weights that sum to 1."""
    if min(experts.weight_answers, experts.weight_rate) < 0 or \
            abs(experts.weight_answers + experts.weight_rate - 1) > 1e-9:
        raise SettingsError("settings experts.weight_answers and experts.weight_rate must be "
                            ">= 0 and sum to 1")
    for key in ("min_answers", "top_n"):
        if getattr(experts, key) < 1:
            raise SettingsError(f"setting experts.{key} must be at least 1")
    if experts.smoothing_m < 0:
        raise SettingsError("setting experts.smoothing_m must be >= 0")
    for key in ("evaluate_day", "quarter_day"):
        if not 1 <= getattr(experts, key) <= 28:
            raise SettingsError(f"setting experts.{key} must be a day 1..28")


def load_settings(path: str | os.PathLike[str] | None = None,
                  overrides: dict[str, Any] | None = None) -> Settings:
    """Load, override and validate the settings."""
    data = read_toml(config_path(path))
    data = merge(merge(data, env_overrides()), overrides or {})
    return settings_from_dict(data)
