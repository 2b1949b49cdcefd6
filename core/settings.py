"""Typed settings loaded from TOML and validated at start-up.

The operator's file holds only what it changes: it is laid over the documented defaults
(config.example.toml). The sections live in core/settings_sections.py, the typed validation in
core/settings_loader.py and the cross-checks in core/settings_checks.py; this module assembles
them and is what the rest of the bot imports.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from core.settings_checks import check_all
from core.settings_loader import SettingsError, build

# The sections are re-exported: the rest of the bot imports them from here.
from core.settings_sections import (  # noqa: F401
    AccountSettings,
    ActivitySettings,
    AdminSettings,
    AnnounceSettings,
    CampaignSettings,
    ConsoleSettings,
    ContestSettings,
    DatabaseSettings,
    DataSettings,
    DialogSettings,
    ExpertSettings,
    FilingSettings,
    MenuButton,
    MenuSettings,
    PushSettings,
    RedisSettings,
    ReminderSettings,
    SchedulerSettings,
    SupervisorSettings,
    SupportSettings,
    TemplateSettings,
    WechatSettings,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = PROJECT_ROOT / "config.example.toml"


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every section of the settings file."""

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
    supervisor: SupervisorSettings
    console: ConsoleSettings
    activities: ActivitySettings = dataclasses.field(default_factory=ActivitySettings)

    @property
    def safe_mode(self) -> bool:
        """Whether an EncodingAESKey is configured."""
        return bool(self.wechat.encoding_aes_key)


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The operator's file: explicit, $YOUTHVOICE_CONFIG, ./config.toml; None = defaults only."""
    if explicit:
        return Path(explicit)
    if os.environ.get("YOUTHVOICE_CONFIG"):
        return Path(os.environ["YOUTHVOICE_CONFIG"])
    local = Path.cwd() / "config.toml"
    return local if local.exists() else None


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning a missing file or a syntax error into a SettingsError."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError("settings.file_missing", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        line, column = _toml_position(exc)
        raise SettingsError("settings.bad_toml", path=path, line=line, column=column) from None


def _toml_position(exc: tomllib.TOMLDecodeError) -> tuple[str, str]:
    """The line and column of a syntax error: tomllib's own sentence is English, so only these are kept."""
    found = re.search(r"line (\d+), column (\d+)", str(exc))
    return (found.group(1), found.group(2)) if found else ("?", "?")


@functools.cache
def _defaults() -> dict[str, Any]:
    """The documented defaults, read once."""
    return read_toml(EXAMPLE_CONFIG)


def defaults() -> dict[str, Any]:
    """A fresh copy of the documented defaults (config.example.toml)."""
    return merge({}, _defaults())


def known_jobs() -> frozenset[str]:
    """The scheduled jobs the documented defaults name (the only names [scheduler.jobs] takes)."""
    return frozenset(_defaults()["scheduler"]["jobs"])


def merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge override tables into base (the operator's file over the defaults)."""
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
    """Validate a complete raw table into Settings."""
    settings = build(Settings, data, "")
    _check_aes_key(settings.wechat.encoding_aes_key)
    _check_experts(settings.experts)
    _check_contest(settings.contest)
    _check_supervisor(settings.supervisor)
    check_all(settings, known_jobs())
    return settings


def _check_contest(c: ContestSettings) -> None:
    """Contest numbers that would make the rules meaningless stop start-up."""
    checks = {"shortlist_size": c.shortlist_size >= 1, "winners": c.winners >= 1,
              "votes_per_user_per_day": c.votes_per_user_per_day >= 1,
              "votes_per_entry_per_user_per_day": c.votes_per_entry_per_user_per_day >= 1,
              "votes_per_entry_per_user_per_round": c.votes_per_entry_per_user_per_round >= 0,
              "voting_opens_day": 1 <= c.voting_opens_day <= 28,
              "voting_closes_day": 0 <= c.voting_closes_day <= 31,
              "burst_window_minutes": c.burst_window_minutes >= 1,
              "burst_baseline_hours": c.burst_baseline_hours >= 1,
              "reply_max_bytes": 200 <= c.reply_max_bytes <= 2048}
    for key, ok in checks.items():
        if not ok:
            raise SettingsError("settings.range", key=f"contest.{key}")


def _check_supervisor(s: SupervisorSettings) -> None:
    """The 督导 reply lists at least one name, each at least a few characters long."""
    checks = {"unfiled_shown": s.unfiled_shown >= 1, "entries_shown": s.entries_shown >= 1,
              "name_chars": s.name_chars >= 4}
    for key, ok in checks.items():
        if not ok:
            raise SettingsError("settings.range", key=f"supervisor.{key}")


def _check_aes_key(key: str) -> None:
    """An EncodingAESKey is empty (plaintext mode) or exactly 43 characters."""
    if key and len(key) != 43:
        raise SettingsError("settings.aes_key", key="wechat.encoding_aes_key")


def _check_experts(experts: ExpertSettings) -> None:
    """The score stays within 0..100 only with non-negative weights that sum to 1."""
    if min(experts.weight_answers, experts.weight_rate) < 0 or \
            abs(experts.weight_answers + experts.weight_rate - 1) > 1e-9:
        raise SettingsError("settings.weights", key="experts.weight_answers", other="experts.weight_rate")
    for key in ("min_answers", "top_n"):
        if getattr(experts, key) < 1:
            raise SettingsError("settings.at_least", key=f"experts.{key}", min=1)
    if experts.smoothing_m < 0:
        raise SettingsError("settings.at_least", key="experts.smoothing_m", min=0)
    for key in ("evaluate_day", "quarter_day"):
        if not 1 <= getattr(experts, key) <= 28:
            raise SettingsError("settings.day", key=f"experts.{key}")


def load_settings(path: str | os.PathLike[str] | None = None,
                  overrides: dict[str, Any] | None = None) -> Settings:
    """Lay the operator's file (if any), the environment and overrides over the defaults; validate."""
    data = defaults()
    chosen = config_path(path)
    if chosen is not None and chosen.resolve() != EXAMPLE_CONFIG.resolve():
        data = merge(data, read_toml(chosen))
    data = merge(merge(data, env_overrides()), overrides or {})
    return settings_from_dict(data)
