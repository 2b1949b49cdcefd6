"""活动时间: Chinese free text to a normalised date (range), inside the campaign's window.

cn2an turns Chinese numerals into digits ("十一月二十日下午两点" -> "11月20日下午2点"), small
patterns read the Chinese date, relative-day and time words, and dateparser reads, as a fallback,
any other form it understands. A missing year comes from the campaign's window. Relative words
(明天, 3天后, 下周三) are read against today, the bot's clock in the configured time zone; weeks
run Monday to Sunday, as Chinese calendars print them, so 下周三 from a Wednesday is 7 days on and
from a Sunday 3 days on; a bare 周三 is the next Wednesday from today on. A relative day before
today (本周一 on a Wednesday) is refused. Every example shown is computed
from the campaign's window, so the prompt's own examples always pass its own check.
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
PERIOD = re.compile(r"凌晨|早上|早晨|上午|中午|下午|傍晚|晚上")
RANGE = re.compile(r"\s*(?:至|到|~|～|—|–)\s*|(?<=[日号])\s*-\s*")
AFTERNOON = {"下午", "傍晚", "晚上", "晚"}
NAMED_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
NAMED = re.compile(r"^(大后天|今天|今日|明天|明日|后天)")
DAYS_AFTER = re.compile(r"^(\d{1,3})\s*(?:天|日)\s*(?:以后|之后|后)")
WEEKDAY = re.compile(r"^(下下|下个|下|本|这个|这)?\s*(?:周|星期|礼拜)\s*([1-7日天])")
WEEKS_ON = {None: 0, "本": 0, "这": 0, "这个": 0, "下": 1, "下个": 1, "下下": 2}
EXAMPLE_SPAN = 2  # days of the range example (11月20日至22日)


@dataclasses.dataclass(frozen=True)
class Moment:
    """A day with an optional time of day (HH:MM) or, without an hour, a part of the day."""

    day: dt.date
    clock: str | None = None
    period: str | None = None

    @property
    def afternoon(self) -> bool:
        """Whether the moment is after noon (so a bare "5点" after it means 17:00)."""
        return (self.clock is not None and self.clock >= "12") or self.period in AFTERNOON


def normalise(text: str) -> str:
    """Full-width to half-width, Chinese numerals to digits."""
    text = unicodedata.normalize("NFKC", text).replace("两", "二").strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cn2an warns on words it leaves alone
        try:
            return cn2an.transform(text, "cn2an")
        except (ValueError, KeyError):
            return text


def relative_day(text: str, today: dt.date) -> tuple[dt.date, int] | None:
    """今天 / 明天 / 后天 / N天后 / 周X / (本|下|下下)周X at the text's start: the day and where it ends.

    A bare 周X is the next such day from today on; 本周X is this week's, even if it has passed.
    """
    named, after, week = NAMED.match(text), DAYS_AFTER.match(text), WEEKDAY.match(text)
    if named:
        return today + dt.timedelta(days=NAMED_DAYS[named.group(1)]), named.end()
    if after:
        return today + dt.timedelta(days=int(after.group(1))), after.end()
    if week:
        return _weekday(today, week.group(1), week.group(2)), week.end()
    return None


def _weekday(today: dt.date, prefix: str | None, name: str) -> dt.date:
    """The named weekday of this week (Monday first) or of the week(s) after; bare: the next one."""
    number = 7 if name in "日天" else int(name)
    if prefix is None:
        return today + dt.timedelta(days=(number - 1 - today.weekday()) % 7)
    monday = today - dt.timedelta(days=today.weekday())
    return monday + dt.timedelta(weeks=WEEKS_ON[prefix], days=number - 1)


def examples(campaign: CampaignSettings, today: dt.date) -> dict[str, str]:
    """Example answers inside the window, from today on where the window allows."""
    last_start = max(campaign.activities_from, campaign.activities_to - dt.timedelta(days=EXAMPLE_SPAN))
    start = min(max(campaign.activities_from, today), last_start)
    end = min(start + dt.timedelta(days=EXAMPLE_SPAN), campaign.activities_to)
    end_text = f"{end.day}日" if end.month == start.month else f"{end.month}月{end.day}日"
    words = [w for w in t("filing.example.relative_words").split("|")
             if _inside(relative_day(normalise(w), today), campaign)]
    relative = t("filing.example.relative", words="”“".join(words)) if words else ""
    return {"day": f"{start.month}月{start.day}日", "iso": start.isoformat(),
            "range": f"{start.month}月{start.day}日至{end_text}", "relative": relative}


def _inside(found: tuple[dt.date, int] | None, campaign: CampaignSettings) -> bool:
    """Whether a relative example's day falls inside the activity window."""
    return found is not None and campaign.activities_from <= found[0] <= campaign.activities_to


def invalid(key: str, campaign: CampaignSettings, today: dt.date, **values: object) -> Invalid:
    """A refusal from the catalog, with examples from the window."""
    return Invalid(t(key, **examples(campaign, today), **values))


def parse_time(text: str, campaign: CampaignSettings, today: dt.date) -> dict[str, str | None]:
    """Read 活动时间 into {start, end, clock, period, text}; Invalid with an example when it cannot."""
    reader = _Reader(campaign, today)
    parts = RANGE.split(normalise(text), maxsplit=1)
    start = reader.moment(parts[0], None)
    end = reader.moment(parts[1], start) if len(parts) > 1 and parts[1].strip() else start
    if end.day < start.day:
        raise reader.invalid("filing.invalid.time_order")
    reader.check_window(start.day, end.day)
    return {"start": start.day.isoformat(), "end": end.day.isoformat(), "clock": start.clock,
            "period": start.period, "text": display(start, end)}


def display(start: Moment, end: Moment) -> str:
    """The normalised value echoed to the user and exported."""
    first = " ".join(x for x in (start.day.isoformat(), start.clock or start.period) if x)
    if end == start:
        return first
    if end.day == start.day:
        return f"{first} 至 {end.clock or end.period}"
    return f"{first} 至 {end.day.isoformat()}"


@dataclasses.dataclass(frozen=True)
class _Reader:
    """Reads one answer against the campaign's window and today."""

    campaign: CampaignSettings
    today: dt.date

    def invalid(self, key: str, **values: object) -> Invalid:
        """A refusal with examples from the window."""
        return invalid(key, self.campaign, self.today, **values)

    def moment(self, text: str, start: Moment | None) -> Moment:
        """One end of the range: a date, a relative day, or after 至 a day or a time alone."""
        text = text.strip()
        match = DATE.search(text)
        if match:
            return Moment(self.date_of(match, start), *self.clock(text[match.end():], start))
        relative = self.relative(text)
        if relative is not None:
            day, rest = relative
            return Moment(day, *self.clock(rest, start))
        if start is not None:
            return self.tail(text, start)
        return self.fallback(text)

    def date_of(self, match: re.Match[str], start: Moment | None) -> dt.date:
        """The date a M月D日 names; after 至 an earlier month is in the next year (12月30日至1月3日)."""
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        if start is not None and year is None and month < start.day.month:
            return self.day(str(start.day.year + 1), month, day)
        if start is not None and year is None:
            return self.day(str(start.day.year), month, day)
        return self.day(year, month, day)

    def relative(self, text: str) -> tuple[dt.date, str] | None:
        """A relative day counted from today and the text after it; None if there is none."""
        found = relative_day(text, self.today)
        if found is None:
            return None
        day, end = found
        if day < self.today:
            raise self.invalid("filing.invalid.time_past", date=day.isoformat())
        return day, text[end:]

    def tail(self, text: str, start: Moment) -> Moment:
        """After 至: "22日" (the start's month) or "5点" (the start's day)."""
        day = DAY_ONLY.match(text)
        if day:
            return Moment(self.day(str(start.day.year), start.day.month, int(day.group(1))),
                          *self.clock(text[day.end():], start))
        clock, period = self.clock(text, start)
        if clock is None and period is None:
            raise self.invalid("filing.invalid.time")
        return Moment(start.day, clock, period)

    def day(self, year: str | None, month: int, day: int) -> dt.date:
        """A real date; a missing year is the window's year that fits (else its first)."""
        years = [int(year)] if year else list(range(self.campaign.activities_from.year,
                                                    self.campaign.activities_to.year + 1))
        dates = [d for d in (_date(y, month, day) for y in years) if d is not None]
        if not dates:
            raise self.invalid("filing.invalid.time_date", month=month, dayn=day)
        inside = [d for d in dates if self.campaign.activities_from <= d <= self.campaign.activities_to]
        return (inside or dates)[0]  # outside the window: refused by the caller with the dates

    def clock(self, text: str, start: Moment | None) -> tuple[str | None, str | None]:
        """The time of day as (HH:MM, None), a part of the day alone as (None, 下午), or neither."""
        match = CLOCK.search(text)
        if not match:
            period = PERIOD.search(text)
            return None, period.group(0) if period else None
        part, hour_text, minute_text = match.groups()
        hour = int(hour_text)
        minute = 30 if minute_text == "半" else int(minute_text or 0)
        if hour < 12 and (part in AFTERNOON or (part is None and start is not None and start.afternoon)):
            hour += 12
        if hour > 23 or minute > 59:
            raise self.invalid("filing.invalid.time_clock")
        return f"{hour:02d}:{minute:02d}", None

    def fallback(self, text: str) -> Moment:
        """Forms the patterns do not read ("Nov 20, 2017 2pm"): dateparser's own, against today."""
        if not any(ch.isdigit() for ch in text):
            raise self.invalid("filing.invalid.time")  # 下个月, 明年, 下周: too vague for a form
        base = dt.datetime.combine(self.today, dt.time())
        parsed = dateparser.parse(text, settings={"RELATIVE_BASE": base,
                                                  "REQUIRE_PARTS": ["day", "month"],
                                                  "PREFER_DATES_FROM": "future"})
        if parsed is None:
            raise self.invalid("filing.invalid.time")
        clock = f"{parsed:%H:%M}" if (parsed.hour, parsed.minute) != (0, 0) else None
        return Moment(parsed.date(), clock)

    def check_window(self, start: dt.date, end: dt.date) -> None:
        """Activities must fall inside the campaign's activity window."""
        c = self.campaign
        if start < c.activities_from or end > c.activities_to:
            raise self.invalid("filing.invalid.time_window", start=c.activities_from.isoformat(),
                               end=c.activities_to.isoformat())


def _date(year: int, month: int, day: int) -> dt.date | None:
    """The date, or None when the calendar has no such day (13月5日, 2月30日)."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def weekday_name(day: dt.date) -> str:
    """The day's weekday as the echo shows it: 周一 .. 周日."""
    return t("filing.weekdays").split("|")[day.weekday()]
