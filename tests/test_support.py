"""The plan's support rules at every threshold edge, by table and by property."""
from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from core.settings import SupportSettings
from models.filing import Intention
from models.support import (Basis, assess, contest_support, goods_quantity, goods_support,
                            heavy_support, linkage_support, training_support)
from tests.support import make_settings

RULES = make_settings("sqlite://", "memory://rules").support


def basis(scale: int, participants: int | None = None, registrations: int | None = None) -> Basis:
    return Basis(scale=scale, month="2017-11", participants=participants, registrations=registrations)


@pytest.mark.parametrize(("people", "eligible", "quantity"), [
    (0, False, 0), (1, False, 0), (99, False, 0), (100, False, 0),   # "more than 100"
    (101, True, 10), (104, True, 10), (105, True, 11),               # 10.5 rounds half up
    (114, True, 11), (115, True, 12), (250, True, 25),
    (294, True, 29), (295, True, 30), (300, True, 30), (301, True, 30), (10_000, True, 30),  # cap
])
def test_goods_edges(people: int, eligible: bool, quantity: int) -> None:
    """文化品支持: more than 100 -> 10% rounded half up, at most 30."""
    result = goods_support(basis(people), RULES)
    assert (result.eligible, result.quantity) == (eligible, quantity)
    assert ("超过" in result.reason) and (str(people) in result.reason)


@pytest.mark.parametrize(("scale", "registrations", "eligible", "level"), [
    (50, None, False, ""), (51, None, True, "promo"), (200, None, True, "promo"),
    (201, None, True, "cohost"), (300, 10, False, ""),          # actual figures replace the plan
    (40, 50, False, ""), (40, 51, True, "promo"),                # actual registrations decide
    (120, 50, False, ""),
])
def test_linkage_edges(scale: int, registrations: int | None, eligible: bool, level: str) -> None:
    """活动联动支持: more than 200 -> co-host; more than 50 registrations -> post or poster."""
    result = linkage_support(basis(scale, registrations=registrations), RULES)
    assert (result.eligible, result.level) == (eligible, level)


def test_linkage_cohost_on_actual_participants() -> None:
    """Once recorded, actual participants decide co-hosting, not the expected scale."""
    assert linkage_support(basis(500, participants=200), RULES).level == "promo"
    assert linkage_support(basis(100, participants=201), RULES).level == "cohost"


@pytest.mark.parametrize(("people", "level"), [(1, "basic"), (49, "basic"), (50, "lecturer"),
                                                (51, "lecturer")])
def test_training_edges(people: int, level: str) -> None:
    """培训支持: any scale; 50 or more -> course design and lecturers."""
    result = training_support(basis(people), RULES)
    assert result.eligible and result.level == level


def test_heavy_and_contest_always_eligible() -> None:
    """重磅活动发布 is unlimited; 设计大赛 enters the activity's month's pool."""
    assert heavy_support(basis(1), RULES).eligible
    contest = contest_support(Basis(scale=1, month="2017-12"), RULES)
    assert contest.eligible and "2017-12" in contest.reason


def test_actual_numbers_replace_the_expected_scale() -> None:
    """filing actuals: the rules run again on what happened."""
    assert goods_support(basis(500, participants=90), RULES).eligible is False
    assert goods_support(basis(50, participants=150), RULES).quantity == 15
    assert goods_support(basis(50, registrations=120), RULES).quantity == 12


def test_assess_keeps_the_forms_order_and_only_the_chosen() -> None:
    """Only the supports applied for, in the form's order."""
    results = assess(basis(150), ["training", "contest"], RULES)
    assert [r.intention for r in results] == [Intention.CONTEST, Intention.TRAINING]


def test_settings_move_the_thresholds() -> None:
    """The numbers are settings, not literals."""
    rules = dataclasses.replace(RULES, goods_min_participants=10, goods_ratio=0.05, goods_cap=3)
    assert goods_support(basis(11), rules).quantity == 1   # 0.55 -> 1 (and at least 1)
    assert goods_support(basis(100), rules).quantity == 3  # 5 -> the cap


@hsettings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=100_000))
def test_goods_property(people: int) -> None:
    """Eligible iff more than the minimum; then ratio half-up, within 1..cap, monotone."""
    result = goods_support(basis(people), RULES)
    assert result.eligible == (people > RULES.goods_min_participants)
    if result.eligible:
        exact = int((Decimal(people) / 10).quantize(Decimal(1), ROUND_HALF_UP))
        assert result.quantity == min(RULES.goods_cap, max(1, exact))
        assert 1 <= result.quantity <= RULES.goods_cap
        assert goods_quantity(people + 1, RULES) >= result.quantity


@hsettings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=100_000), st.none() | st.integers(min_value=0, max_value=5000))
def test_linkage_and_training_property(scale: int, registrations: int | None) -> None:
    """Co-host iff more than 200; promo iff more than 50 signups; lecturers iff 50 or more."""
    b = basis(scale, registrations=registrations)
    linkage = linkage_support(b, RULES)
    assert (linkage.level == "cohost") == (b.people > RULES.linkage_cohost_min)
    if b.people <= RULES.linkage_cohost_min:
        assert linkage.eligible == (b.signups > RULES.linkage_promo_min)
    assert (training_support(b, RULES).level == "lecturer") == (b.people >= RULES.training_support_min)


def test_rules_are_frozen() -> None:
    """Results are values."""
    result = heavy_support(basis(1), RULES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.eligible = False  # type: ignore[misc]
    assert isinstance(RULES, SupportSettings)
