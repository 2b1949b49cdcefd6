"""The filing dialog's parsers: every accepted form and every refusal, field by field."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest

from bot.dialog import Invalid
from handlers import filing_steps as steps
from handlers.filing_time import examples, normalise, parse_time, relative_day
from tests.support import TZ, make_settings

SETTINGS = make_settings("sqlite://", "memory://parsers")
CAMPAIGN = SETTINGS.campaign


@dataclasses.dataclass
class FakeCtx:
    """Only the settings and the clock: these parsers read nothing else."""

    settings: Any = SETTINGS
    now: dt.datetime = dt.datetime(2017, 11, 12, 9, 0, tzinfo=TZ)


CTX: Any = FakeCtx()


SUNDAY = dt.date(2017, 11, 12)      # inside the 2017 window (2017-11-01 .. 2017-12-31)
WEDNESDAY = dt.date(2017, 11, 15)


@pytest.mark.parametrize(("text", "shown", "start", "end"), [
    ("11月20日下午2点", "2017-11-20 14:00", "2017-11-20", "2017-11-20"),
    ("2017-11-20 14:00", "2017-11-20 14:00", "2017-11-20", "2017-11-20"),
    ("11月20日至22日", "2017-11-20 至 2017-11-22", "2017-11-20", "2017-11-22"),
    ("十一月二十日下午两点半", "2017-11-20 14:30", "2017-11-20", "2017-11-20"),
    ("2017年12月1日上午9点", "2017-12-01 09:00", "2017-12-01", "2017-12-01"),
    ("11月20日晚上7点", "2017-11-20 19:00", "2017-11-20", "2017-11-20"),
    ("11月20日", "2017-11-20", "2017-11-20", "2017-11-20"),
    ("11.20", "2017-11-20", "2017-11-20", "2017-11-20"),
    ("11月20日-12月3日", "2017-11-20 至 2017-12-03", "2017-11-20", "2017-12-03"),
    ("11月20日下午2点到5点", "2017-11-20 14:00 至 17:00", "2017-11-20", "2017-11-20"),
    ("１１月２０日", "2017-11-20", "2017-11-20", "2017-11-20"),
    ("11月20号 14：30", "2017-11-20 14:30", "2017-11-20", "2017-11-20"),
    ("11月20日下午", "2017-11-20 下午", "2017-11-20", "2017-11-20"),
    ("12月15日至12月20日", "2017-12-15 至 2017-12-20", "2017-12-15", "2017-12-20"),
])
def test_time_accepted(text: str, shown: str, start: str, end: str) -> None:
    """Chinese free text becomes a normalised date (range); the year comes from the campaign."""
    value = parse_time(text, CAMPAIGN, SUNDAY)
    assert (value["text"], value["start"], value["end"]) == (shown, start, end)


@pytest.mark.parametrize(("today", "text", "shown"), [
    # today a Sunday: the week (Monday first) ends today
    (SUNDAY, "今天", "2017-11-12"), (SUNDAY, "明天", "2017-11-13"), (SUNDAY, "后天", "2017-11-14"),
    (SUNDAY, "大后天", "2017-11-15"), (SUNDAY, "3天后", "2017-11-15"), (SUNDAY, "三天以后", "2017-11-15"),
    (SUNDAY, "下周三", "2017-11-15"), (SUNDAY, "下星期一", "2017-11-13"), (SUNDAY, "下周日", "2017-11-19"),
    (SUNDAY, "本周日", "2017-11-12"), (SUNDAY, "周日", "2017-11-12"), (SUNDAY, "周一", "2017-11-13"),
    (SUNDAY, "下下周三", "2017-11-22"),
    (SUNDAY, "明天下午", "2017-11-13 下午"), (SUNDAY, "明天下午两点", "2017-11-13 14:00"),
    (SUNDAY, "明天下午2点至5点", "2017-11-13 14:00 至 17:00"),
    (SUNDAY, "下周三至下周五", "2017-11-15 至 2017-11-17"), (SUNDAY, "明天到后天", "2017-11-13 至 2017-11-14"),
    # today a Wednesday: 下周三 is a week on, not the Tuesday before it
    (WEDNESDAY, "下周三", "2017-11-22"), (WEDNESDAY, "周三", "2017-11-15"), (WEDNESDAY, "本周三", "2017-11-15"),
    (WEDNESDAY, "这周五上午9点", "2017-11-17 09:00"), (WEDNESDAY, "周二", "2017-11-21"),
    (WEDNESDAY, "下礼拜天", "2017-11-26"), (WEDNESDAY, "3天后", "2017-11-18"), (WEDNESDAY, "10天后", "2017-11-25"),
    (WEDNESDAY, "今天晚上7点", "2017-11-15 19:00"),
])
def test_relative_days_count_from_today(today: dt.date, text: str, shown: str) -> None:
    """Relative words are read against today (the bot's clock), never the window's start."""
    assert parse_time(text, CAMPAIGN, today)["text"] == shown


@pytest.mark.parametrize(("today", "text", "says"), [
    (WEDNESDAY, "本周一", "2017-11-13 已经过去"), (WEDNESDAY, "这周二", "2017-11-14 已经过去"),
    (dt.date(2017, 12, 30), "下周三", "2017-11-01 至 2017-12-31"),   # 2018-01-03: outside the window
    (dt.date(2017, 12, 30), "3天后", "2017-11-01 至 2017-12-31"),
    (SUNDAY, "后天至明天", "结束日期早于开始日期"),
    (SUNDAY, "下周", "没有看懂"), (SUNDAY, "下个月", "没有看懂"), (SUNDAY, "月底", "没有看懂"),
])
def test_relative_days_refused(today: dt.date, text: str, says: str) -> None:
    """A past relative day, one outside the window, or a vague word: refused with an example."""
    with pytest.raises(Invalid) as caught:
        parse_time(text, CAMPAIGN, today)
    assert says in caught.value.text and "例如" in caught.value.text


@pytest.mark.parametrize(("text", "says"), [
    ("明年", "没有看懂"), ("随便", "没有看懂"), ("", "没有看懂"),
    ("11月31日", "没有11月31日这一天"), ("2月30日", "没有2月30日这一天"),
    ("13月5日", "没有13月5日这一天"), ("0月5日", "没有0月5日这一天"), ("11月0日", "没有11月0日这一天"),
    ("11月20日25点", "时刻不正确"),
    ("11月22日至20日", "结束日期早于开始日期"),
    ("12月15日至12月10日", "结束日期早于开始日期"), ("12月15日至11月30日", "2017-11-01 至 2017-12-31"),
    ("2017-12-15至2017-12-10", "结束日期早于开始日期"),
    ("10月20日", "2017-11-01 至 2017-12-31"), ("2018-01-05", "2017-11-01 至 2017-12-31"),
    ("12月30日至1月3日", "2017-11-01 至 2017-12-31"),
])
def test_time_refused(text: str, says: str) -> None:
    """Each refusal is specific and carries an example or the dates."""
    with pytest.raises(Invalid) as caught:
        parse_time(text, CAMPAIGN, SUNDAY)
    assert says in caught.value.text
    assert "例如" in caught.value.text


def test_year_follows_the_campaign() -> None:
    """A window across the new year puts January in the next year."""
    campaign = dataclasses.replace(CAMPAIGN, activities_from=dt.date(2017, 12, 1),
                                   activities_to=dt.date(2018, 1, 31))
    assert parse_time("1月5日", campaign, SUNDAY)["start"] == "2018-01-05"
    assert parse_time("12月5日", campaign, SUNDAY)["start"] == "2017-12-05"
    assert parse_time("12月30日至1月3日", campaign, SUNDAY)["end"] == "2018-01-03"


@pytest.mark.parametrize(("today", "day", "iso", "span"), [
    (dt.date(2026, 10, 1), "11月1日", "2026-11-01", "11月1日至3日"),     # before the window: its start
    (dt.date(2026, 11, 12), "11月12日", "2026-11-12", "11月12日至14日"),  # inside: from today
    (dt.date(2026, 11, 29), "11月29日", "2026-11-29", "11月29日至12月1日"),
    (dt.date(2026, 12, 30), "12月29日", "2026-12-29", "12月29日至31日"),  # near the end: still inside
    (dt.date(2027, 3, 1), "12月29日", "2026-12-29", "12月29日至31日"),
])
def test_examples_come_from_the_window(today: dt.date, day: str, iso: str, span: str) -> None:
    """The examples are the campaign's dates, not 2017's."""
    campaign = dataclasses.replace(CAMPAIGN, activities_from=dt.date(2026, 11, 1),
                                   activities_to=dt.date(2026, 12, 31))
    shown = examples(campaign, today)
    assert (shown["day"], shown["iso"], shown["range"]) == (day, iso, span)


@pytest.mark.parametrize("today", [dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 11, 18),
                                   dt.date(2026, 12, 25), dt.date(2026, 12, 28), dt.date(2026, 12, 31)])
def test_the_prompts_own_examples_pass_its_check(today: dt.date) -> None:
    """Every example the time prompt shows today is accepted by the same parser today."""
    campaign = dataclasses.replace(CAMPAIGN, activities_from=dt.date(2026, 11, 1),
                                   activities_to=dt.date(2026, 12, 31))
    ctx: Any = FakeCtx(settings=dataclasses.replace(SETTINGS, campaign=campaign),
                       now=dt.datetime.combine(today, dt.time(9), tzinfo=TZ))
    prompt = steps.STEPS[2].prompt(ctx, {})
    quoted = re.findall(r"“([^”]+)”", prompt)
    listed = prompt.split("例如：", 1)[1].split("；", 1)[0].rstrip("。").split("、")
    assert "2017" not in prompt and len(listed) == 3
    assert quoted == [w for w in ("明天下午2点", "3天后", "下周三上午9点")
                      if campaign.activities_from <= _resolved(w, today) <= campaign.activities_to]
    for answer in listed + quoted:
        parse_time(answer, campaign, today)  # raises if the example is refused


def _resolved(word: str, today: dt.date) -> dt.date:
    found = relative_day(normalise(word), today)
    assert found is not None
    return found[0]


@pytest.mark.parametrize(("text", "value"), [
    ("200", 200), ("两百人", 200), ("约150人", 150), ("一百五十人", 150), ("200人左右", 200),
    ("150余人", 150), ("1,000", 1000), ("三千", 3000), ("1万", 10000), ("预计80人", 80), ("１２０", 120),
    ("1.5万", 15000), ("200.0", 200),
    ("150-200人", {"low": 150, "high": 200}), ("150～200", {"low": 150, "high": 200}),
    ("约150至200人", {"low": 150, "high": 200}), ("一百五十到两百人", {"low": 150, "high": 200}),
    ("150人-200人", {"low": 150, "high": 200}), ("200-200", 200),
])
def test_scale_accepted(text: str, value: int | dict[str, int]) -> None:
    """Digits and Chinese numerals, with the words people add; a range keeps both bounds."""
    assert steps.parse_scale(text, CTX, {}) == value


@pytest.mark.parametrize("text", ["很多", "0", "-5", "200000", "人", "约", "0-200", "150-200000"])
def test_scale_refused(text: str) -> None:
    """Not one positive number (or range) within the limit."""
    with pytest.raises(Invalid, match="例如：200、两百人 或 约150人"):
        steps.parse_scale(text, CTX, {})


@pytest.mark.parametrize("text", ["3.5", "三点五", "150.5人", "100-150.5"])
def test_scale_fractions_refused_not_cut(text: str) -> None:
    """3.5 people is a typing mistake: re-prompted, never stored as 3."""
    with pytest.raises(Invalid, match="人数需是整数"):
        steps.parse_scale(text, CTX, {})


def test_scale_range_backwards_refused() -> None:
    """200-150 is refused with the range the right way round."""
    with pytest.raises(Invalid, match="从小到大写，例如：150-200人"):
        steps.parse_scale("200-150人", CTX, {})


def test_scale_shown_as_given() -> None:
    """The echo shows the range; a single number as before."""
    assert steps.show_scale({"low": 150, "high": 200}) == "150-200人"
    assert steps.show_scale(200) == "200人"


@pytest.mark.parametrize(("text", "value"), [
    ("1,3", ["contest", "goods"]), ("1 3", ["contest", "goods"]), ("1、3", ["contest", "goods"]),
    ("3，1", ["contest", "goods"]), ("5", ["training"]), ("2 2", ["heavy"]),
    ("1,2,3,4,5", ["contest", "heavy", "goods", "linkage", "training"]), ("一、三", ["contest", "goods"]),
])
def test_intentions_accepted(text: str, value: list[str]) -> None:
    """By numbers, in any separator, stored in the form's order without repeats."""
    assert steps.parse_intentions(text, CTX, {}) == value


@pytest.mark.parametrize("text", ["6", "0", "1,6", "文化品", "13", ",", "1;x"])
def test_intentions_refused(text: str) -> None:
    """Only the numbers 1 to 5."""
    with pytest.raises(Invalid, match="1 到 5"):
        steps.parse_intentions(text, CTX, {})


def test_town_is_fuzzy() -> None:
    """石龙镇 = 石龙; unknown towns are refused with an example."""
    assert steps.parse_town("石龙镇", CTX, {}) == "石龙"
    assert steps.parse_town("东莞市南城街道", CTX, {}) == "南城"
    with pytest.raises(Invalid, match="没有找到“火星镇”"):
        steps.parse_town("火星镇", CTX, {})


def test_type_and_location_agree() -> None:
    """线上 is a location only for online topics, and the other way round."""
    assert steps.parse_type("1", CTX, {}) == "offline"
    assert steps.parse_type("线上互动话题", CTX, {}) == "online"
    assert steps.parse_location("网上", CTX, {}) == "线上"
    with pytest.raises(Invalid, match="请回复 1（线下活动）或 2"):
        steps.parse_type("3", CTX, {})
    with pytest.raises(Invalid, match="请回复 2（线上互动话题）"):
        steps.parse_type("1", CTX, {"location": "线上"})
    with pytest.raises(Invalid, match="地点不能是“线上”"):
        steps.parse_location("线上", CTX, {"type": "offline"})


def test_text_lengths() -> None:
    """Names, places and descriptions have limits from settings."""
    limits = SETTINGS.filing
    assert steps.parse_name("沙龙", CTX, {}) == "沙龙"
    with pytest.raises(Invalid, match=f"不超过 {limits.name_max_chars} 字"):
        steps.parse_name("名" * (limits.name_max_chars + 1), CTX, {})
    with pytest.raises(Invalid, match="不超过"):
        steps.parse_location("地" * (limits.location_max_chars + 1), CTX, {})
    assert steps.parse_description("简" * limits.description_max_chars, CTX, {})
    with pytest.raises(Invalid, match=f"现在 {limits.description_max_chars + 1} 字"):
        steps.parse_description("简" * (limits.description_max_chars + 1), CTX, {})
    with pytest.raises(Invalid, match="太短"):
        steps.parse_description("短", CTX, {})


def test_plan_link() -> None:
    """Only http(s) links; 跳过 is the way to give none."""
    assert steps.parse_plan("https://mp.weixin.qq.com/s/abc", CTX, {}).startswith("https://")
    with pytest.raises(Invalid, match="跳过"):
        steps.parse_plan("方案见附件", CTX, {})
