"""Towns are data, matched fuzzily."""
from __future__ import annotations

import pytest

from models.towns import all_towns, resolve_town

FILE = "data/towns.toml"


@pytest.mark.parametrize("typed,town", [("石龙", "石龙"), ("石龙镇", "石龙"), ("东城街道", "东城"),
                                        ("东莞市南城街道", "南城"), (" 樟木头 ", "樟木头"), ("大岭山镇", "大岭山"),
                                        ("高步", "高埗"), ("松山湖高新区", "松山湖"), ("樟木", "樟木头"),
                                        ("望牛", "望牛墩"), ("石龙团委", "石龙")])
def test_resolves(typed: str, town: str) -> None:
    """Suffixes, prefixes, aliases and spaces resolve to one name."""
    assert resolve_town(typed, FILE) == town


@pytest.mark.parametrize("typed", ["火星镇", "", "石", "广州", "镇", "石龙青年夜跑 <&]]> 😀", "虎门大桥"])
def test_unknown_or_ambiguous_is_none(typed: str) -> None:
    """Nothing, or more than one candidate, gives None."""
    assert resolve_town(typed, FILE) is None


def test_the_plan_lists_35_places() -> None:
    """4 streets, 28 towns and 3 functional zones."""
    assert len(all_towns(FILE)) == 35 and len(set(all_towns(FILE))) == 35
