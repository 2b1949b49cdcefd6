"""Cross-checks between settings: each contradiction is refused with the key named.

The typed loader (core/settings_loader.py) checks one value at a time; these look at several.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from core.settings_loader import SettingsError, closest
from core.texts import t

if TYPE_CHECKING:
    from core.settings import Settings

QUARTER_FIRST_MONTHS = frozenset({1, 4, 7, 10})
# A worker's read cache longer than this would make the live board and the help text stale.
CACHE_SECONDS_MOST = 60


def check_all(s: Settings, known_jobs: frozenset[str]) -> None:
    """Run every cross-check; the first contradiction found stops start-up."""
    _check_windows(s)
    _check_ratios(s)
    _check_caches(s)
    _check_templates(s)
    _check_jobs(s, known_jobs)


def _check_windows(s: Settings) -> None:
    """No window may end before it starts."""
    c = s.campaign
    pairs = [("campaign.filing_opens", c.filing_opens, "campaign.filing_deadline", c.filing_deadline),
             ("campaign.activities_from", c.activities_from, "campaign.activities_to", c.activities_to)]
    for start, start_value, end, end_value in pairs:
        if end_value < start_value:
            raise SettingsError("settings.window", start=start, start_value=start_value, end=end,
                                end_value=end_value)
    opens, closes = s.contest.voting_opens_day, s.contest.voting_closes_day
    if closes and closes < opens:
        raise SettingsError("settings.voting_days", opens=opens, closes=closes)


def _check_ratios(s: Settings) -> None:
    """Shares and weights lie within 0..1."""
    ratios = {"support.goods_ratio": s.support.goods_ratio, "contest.judges_weight": s.contest.judges_weight,
              "experts.weight_answers": s.experts.weight_answers, "experts.weight_rate": s.experts.weight_rate}
    for key, value in ratios.items():
        if not 0.0 <= value <= 1.0:
            raise SettingsError("settings.ratio", key=key, value=f"{value:g}")


def _check_caches(s: Settings) -> None:
    """The read caches' ages lie within 0..CACHE_SECONDS_MOST."""
    ages = {"accounts.follower_cache_seconds": s.accounts.follower_cache_seconds,
            "contest.read_cache_seconds": s.contest.read_cache_seconds}
    for key, value in ages.items():
        if not 0.0 <= value <= CACHE_SECONDS_MOST:
            raise SettingsError("settings.cache_seconds", key=key, value=f"{value:g}", most=CACHE_SECONDS_MOST)


def template_references(s: Settings) -> dict[str, str]:
    """Every setting that names a template message, by key (empty = that message is not sent)."""
    return {"announce.result_template": s.announce.result_template,
            "announce.subscriber_template": s.announce.subscriber_template,
            "filing.review_template": s.filing.review_template,
            "experts.month_template": s.experts.month_template,
            "experts.quarter_template": s.experts.quarter_template,
            "reminders.template": s.reminders.template,
            "push.late_reply_template": s.push.late_reply_template,
            "push.alert_template": s.push.alert_template,
            "contest.alert_template": s.contest.alert_template}


def _check_templates(s: Settings) -> None:
    """A template named anywhere is defined under [push.templates]."""
    if s.contest.alert_channel == "template" and not s.contest.alert_template:
        raise SettingsError("settings.template_needed", key="contest.alert_template")
    for key, name in template_references(s).items():
        if name and name not in s.push.templates:
            raise SettingsError("settings.template_undefined", key=key, name=name)


def _check_jobs(s: Settings, known_jobs: frozenset[str]) -> None:
    """Job names are known, their times valid, and the expert jobs can meet their own days."""
    try:
        tz = ZoneInfo(s.scheduler.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError("settings.timezone", key="scheduler.timezone",
                            value=s.scheduler.timezone) from None
    for name, cron in s.scheduler.jobs.items():
        key = f"scheduler.jobs.{name}"
        if name not in known_jobs:
            hint = closest(name, known_jobs)
            if hint:
                raise SettingsError("settings.unknown_job_hint", key=key, hint=f"scheduler.jobs.{hint}")
            raise SettingsError("settings.unknown_job", key=key, known="、".join(sorted(known_jobs)))
        if cron.strip():
            check_crontab(key, cron, tz)
    _check_job_day(s, "experts_monthly", "experts.evaluate_day", s.experts.evaluate_day, quarterly=False)
    _check_job_day(s, "experts_quarterly", "experts.quarter_day", s.experts.quarter_day, quarterly=True)


CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")


def check_crontab(key: str, cron: str, tz: dt.tzinfo) -> CronTrigger:
    """The job's trigger, or a refusal naming its key and the field at fault."""
    try:
        return CronTrigger.from_crontab(cron, timezone=tz)
    except ValueError:
        raise SettingsError("settings.cron", key=key, cron=cron, detail=_cron_fault(cron)) from None


def _cron_fault(cron: str) -> str:
    """Which of the five fields is wrong (APScheduler's own sentence is English)."""
    parts = cron.split()
    if len(parts) != len(CRON_FIELDS):
        return t("settings.cron.count", count=len(parts))
    for name, value in zip(CRON_FIELDS, parts, strict=True):
        try:
            CronTrigger(**{name: value})
        except ValueError:
            return t("settings.cron.field", field=t(f"settings.cron.{name}"), value=value)
    return t("settings.cron.other")


def _check_job_day(s: Settings, job: str, day_key: str, day: int, quarterly: bool) -> None:
    """Refuse a job whose days of the month all come before the day its work waits for."""
    cron = s.scheduler.jobs.get(job, "").split()
    if len(cron) != 5:
        return  # switched off (or checked as a crontab above)
    days, months = cron_values(cron[2], 1, 31), cron_values(cron[3], 1, 12)
    if days is None:
        return  # an expression such as "last" may fall on any day: nothing to prove
    if quarterly and (months is None or months - QUARTER_FIRST_MONTHS):
        return  # a run in a quarter's second or third month is past any quarter_day (1..28)
    if max(days) < day:
        raise SettingsError("settings.job_never", key=f"scheduler.jobs.{job}", cron=" ".join(cron),
                            days=",".join(map(str, sorted(days))), day_key=day_key, day=day)


def cron_values(field: str, low: int, high: int) -> set[int] | None:
    """The numbers a crontab field allows (`*`, `a`, `a-b`, `*/n`, `a-b/n`, lists); None if unknown."""
    out: set[int] = set()
    for part in field.split(","):
        values = _cron_part(part, low, high)
        if values is None:
            return None
        out |= values
    return out


def _cron_part(part: str, low: int, high: int) -> set[int] | None:
    """One comma-separated part of a crontab field."""
    span, _, step_text = part.partition("/")
    try:
        step = int(step_text) if step_text else 1
        if span == "*":
            first, last = low, high
        elif "-" in span:
            first, last = (int(x) for x in span.split("-", 1))
        else:
            first = int(span)
            last = high if step_text else first
    except ValueError:
        return None
    return set(range(first, last + 1, step)) if step > 0 else None
