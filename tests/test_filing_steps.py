"""The filing dialog's parsers: every accepted form and every refusal, field by field."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from bot.dialog import Invalid
from handlers import filing_steps as steps
from handlers.filing_time import parse_time
from tests.support import make_settings

SETTINGS = make_settings("sqlite://", "memory://parsers")
CAMPAIGN = SETTINGS.campaign


@dataclasses.dataclass
class FakeCtx:
    """Only the settings: these parsers read nothing else."""

    settings: Any = SETTINGS


CTX: Any = FakeCtx()


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
])
def test_time_accepted(text: str, shown: str, start: str, end: str) -> None:
    """Chinese free text becomes a normalised date (range); the year comes from the campaign."""
    value = parse_time(text, CAMPAIGN)
    assert (value["text"], value["start"], value["end"]) == (shown, start, end)


@pytest.mark.parametrize(("text", "says"), [
    ("明年", "没有看懂"), ("随便", "没有看懂"), ("", "没有看懂"),
    ("11月31日", "不是有效的日期"), ("2月30日", "不是有效的日期"),
    ("11月20日25点", "时刻不正确"),
    ("11月22日至20日", "结束日期早于开始日期"),
    ("10月20日", "2017-11-01 至 2017-12-31"), ("2018-01-05", "2017-11-01 至 2017-12-31"),
    ("12月30日至1月3日", "2017-11-01 至 2017-12-31"),
])
def test_time_refused(text: str, says: str) -> None:
    """Each refusal is specific and carries an example or the dates."""
    with pytest.raises(Invalid) as caught:
        parse_time(text, CAMPAIGN)
    assert says in caught.value.text
    assert "例如" in caught.value.text or "之间" in caught.value.text


def test_year_follows_the_campaign() -> None:
    """A window across the new year puts January in the next year."""
    campaign = dataclasses.replace(CAMPAIGN, activities_from=dt.date(2017, 12, 1),
                                   activities_to=dt.date(2018, 1, 31))
    assert parse_time("1月5日", campaign)["start"] == "2018-01-05"
    assert parse_time("12月5日", campaign)["start"] == "2017-12-05"


@pytest.mark.parametrize(("text", "value"), [
    ("200", 200), ("两百人", 200), ("约150人", 150), ("一百五十人", 150), ("200人左右", 200),
    ("150余人", 150), ("1,000", 1000), ("三千", 3000), ("1万", 10000), ("预计80人", 80), ("１２０", 120),
])
def test_scale_accepted(text: str, value: int) -> None:
    """Digits and Chinese numerals, with the words people add."""
    assert steps.parse_scale(text, CTX, {}) == value


@pytest.mark.parametrize("text", ["很多", "0", "-5", "100-200", "200000", "人", "约"])
def test_scale_refused(text: str) -> None:
    """Not one positive number within the limit."""
    with pytest.raises(Invalid, match="例如：200、两百人 或 约150人"):
        steps.parse_scale(text, CTX, {})


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
