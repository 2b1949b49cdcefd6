"""活动时间: Chinese free text to a normalised date (range), inside the campaign's window.

cn2an turns Chinese numerals into digits ("十一月二十日下午两点" -> "11月20日下午2点"), a small
pattern reads the Chinese date and time words, and dateparser validates and reads the canonical
form (or, as a fallback, any other form it understands). A missing year comes from the campaign.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
import warnings

import cn2an
import dateparser

from bot.dialog import Invalid
from core.settings import CampaignSettings
from core.texts import t

DATE = re.compile(r"(?:(\d{4})\s*[年./-]\s*)?(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*[日号]?")
DAY_ONLY = re.compile(r"^(\d{1,2})\s*[日号]")
CLOCK = re.compile(r"(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚)?\s*(\d{1,2})\s*(?:[点时:]\s*(\d{1,2}|半)?\s*分?)")
RANGE = re.compile(r"\s*(?:至|到|~|～|—|–)\s*|(?<=[日号])\s*-\s*")
AFTERNOON = {"下午", "傍晚", "晚上", "晚"}


@dataclasses.dataclass(frozen=True)
class Moment:
    """A day with an optional time of day."""

    day: dt.date
    clock: str | None = None


def normalise(text: str) -> str:
    """Full-width to half-width, Chinese numerals to digits."""
    text = unicodedata.normalize("NFKC", text).replace("两", "二").strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cn2an warns on words it leaves alone
        try:
            return cn2an.transform(text, "cn2an")
        except (ValueError, KeyError):
            return text


def parse_time(text: str, campaign: CampaignSettings) -> dict[str, str | None]:
    """Read 活动时间 into {start, end, clock, text}; Invalid with an example when it cannot."""
    parts = RANGE.split(normalise(text), maxsplit=1)
    start = _moment(parts[0], campaign, None)
    end = _moment(parts[1], campaign, start) if len(parts) > 1 and parts[1].strip() else start
    if end.day < start.day:
        raise Invalid(t("filing.invalid.time_order"))
    _check_window(start.day, end.day, campaign)
    return {"start": start.day.isoformat(), "end": end.day.isoformat(), "clock": start.clock,
            "text": display(start, end)}


def display(start: Moment, end: Moment) -> str:
    """The normalised value echoed to the user and exported."""
    first = f"{start.day.isoformat()} {start.clock}" if start.clock else start.day.isoformat()
    if end == start:
        return first
    if end.day == start.day:
        return f"{first} 至 {end.clock}"
    return f"{first} 至 {end.day.isoformat()}"


def _moment(text: str, campaign: CampaignSettings, start: Moment | None) -> Moment:
    """One end of the range: a date (or, after 至, a day or a time alone) and a time of day."""
    text = text.strip()
    match = DATE.search(text)
    if match:
        year, month, day = match.groups()
        found = _day(year, int(month), int(day), campaign)
        if start is not None and year is None and found < start.day:
            found = _day(str(start.day.year + 1), int(month), int(day), campaign)  # 12月30日至1月3日
        return Moment(found, _clock(text[match.end():], start))
    if start is not None:
        return _tail(text, campaign, start)
    return _fallback(text, campaign)


def _tail(text: str, campaign: CampaignSettings, start: Moment) -> Moment:
    """After 至: "22日" (the start's month) or "5点" (the start's day)."""
    day = DAY_ONLY.match(text)
    if day:
        return Moment(_day(str(start.day.year), start.day.month, int(day.group(1)), campaign),
                      _clock(text[day.end():], start))
    clock = _clock(text, start)
    if clock is None:
        raise Invalid(t("filing.invalid.time"))
    return Moment(start.day, clock)


def _day(year: str | None, month: int, day: int, campaign: CampaignSettings) -> dt.date:
    """Validate a date with dateparser; a missing year is the campaign's year that fits."""
    years = [int(year)] if year else list(range(campaign.activities_from.year,
                                                campaign.activities_to.year + 1))
    for candidate in years:
        parsed = dateparser.parse(f"{candidate:04d}-{month:02d}-{day:02d}", date_formats=["%Y-%m-%d"])
        if parsed and campaign.activities_from <= parsed.date() <= campaign.activities_to:
            return parsed.date()
    parsed = dateparser.parse(f"{years[0]:04d}-{month:02d}-{day:02d}", date_formats=["%Y-%m-%d"])
    if parsed is None:
        raise Invalid(t("filing.invalid.time_date", month=month, day=day))
    return parsed.date()  # outside the window: refused by the caller with the dates


def _clock(text: str, start: Moment | None = None) -> str | None:
    """The time of day in the text, as HH:MM, or None; "下午2点到5点" ends at 17:00."""
    match = CLOCK.search(text)
    if not match:
        return None
    period, hour_text, minute_text = match.groups()
    hour = int(hour_text)
    minute = 30 if minute_text == "半" else int(minute_text or 0)
    afternoon = start is not None and start.clock is not None and start.clock >= "12"
    if hour < 12 and (period in AFTERNOON or (period is None and afternoon)):
        hour += 12
    if hour > 23 or minute > 59:
        raise Invalid(t("filing.invalid.time_clock"))
    return f"{hour:02d}:{minute:02d}"


def _fallback(text: str, campaign: CampaignSettings) -> Moment:
    """Forms the pattern does not read ("Nov 20, 2017 2pm"): dateparser's own parsers."""
    if not any(ch.isdigit() for ch in text):
        raise Invalid(t("filing.invalid.time"))  # relative words (明年, 下周) are too vague for a form
    base = dt.datetime.combine(campaign.activities_from, dt.time())
    parsed = dateparser.parse(text, settings={"RELATIVE_BASE": base, "REQUIRE_PARTS": ["day", "month"],
                                              "PREFER_DATES_FROM": "future"})
    if parsed is None:
        raise Invalid(t("filing.invalid.time"))
    clock = f"{parsed:%H:%M}" if (parsed.hour, parsed.minute) != (0, 0) else None
    return Moment(parsed.date(), clock)


def _check_window(start: dt.date, end: dt.date, campaign: CampaignSettings) -> None:
    """Activities must fall inside the campaign's activity window."""
    if start < campaign.activities_from or end > campaign.activities_to:
        raise Invalid(t("filing.invalid.time_window", start=campaign.activities_from.isoformat(),
                        end=campaign.activities_to.isoformat()))
