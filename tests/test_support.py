"""The plan's support rules at every threshold edge, by table and by property."""
from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.settings import SupportSettings
from models.filing import Intention
from models.support import (
    Actuals,
    Basis,
    assess,
    contest_support,
    goods_quantity,
    goods_support,
    heavy_support,
    linkage_support,
    short_line,
    support_name,
    training_support,
)
from tests.support import make_settings

RULES = make_settings("sqlite://", "memory://rules").support


def basis(scale: int, participants: int | None = None, registrations: int | None = None,
          interactions: int | None = None) -> Basis:
    return Basis(scale=scale, month="2017-11", actual=Actuals(participants, registrations, interactions))


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
    (201, None, True, "cohost"),
    (300, 10, True, "cohost"), (3000, 0, True, "cohost"),       # co-hosting goes by the planned scale
    (40, 50, False, ""), (40, 51, True, "promo"),                # actual registrations decide the post
    (120, 50, False, ""), (200, 51, True, "promo"), (201, 51, True, "cohost"),
])
def test_linkage_edges(scale: int, registrations: int | None, eligible: bool, level: str) -> None:
    """活动联动支持: planned scale over 200 -> co-host; over 50 actual registrations -> post or poster."""
    result = linkage_support(basis(scale, registrations=registrations), RULES)
    assert (result.eligible, result.level) == (eligible, level)


def test_registrations_zero_on_a_planned_3000() -> None:
    """filing actuals --registrations 0: co-hosting stays, the post is refused, goods go by 0."""
    b = basis(3000, registrations=0)
    linkage, goods = linkage_support(b, RULES), goods_support(b, RULES)
    assert linkage.level == "cohost"
    assert linkage.reason.startswith("预计规模 3000 人，超过 200 人：可申请")
    assert "；实际报名 0 人，未超过 50 人：暂不能推荐" in linkage.reason
    assert (goods.eligible, goods.reason[:16]) == (False, "实际报名 0 人，未超过 100")
    assert training_support(b, RULES).level == "lecturer"  # no participants recorded: the plan


def test_participants_never_become_registrations() -> None:
    """Recorded participants move goods and training, not the post (that counts registrations)."""
    b = basis(40, participants=500)
    assert linkage_support(b, RULES).eligible is False
    assert "预计规模 40 人" in linkage_support(b, RULES).reason
    assert goods_support(b, RULES).quantity == 30
    assert linkage_support(basis(500, participants=10), RULES).level == "cohost"


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


@pytest.mark.parametrize(("actual", "quantity", "figure"), [
    (Actuals(participants=90), 0, "实际参与 90 人"), (Actuals(participants=150), 15, "实际参与 150 人"),
    (Actuals(registrations=120), 12, "实际报名 120 人"), (Actuals(interactions=260), 26, "实际互动用户 260 人"),
    (Actuals(participants=90, registrations=130, interactions=110), 13, "实际报名 130 人"),
    (Actuals(participants=101, registrations=0), 10, "实际参与 101 人"),
    (Actuals(registrations=0), 0, "实际报名 0 人"),
])
def test_goods_go_by_the_actual_figures(actual: Actuals, quantity: int, figure: str) -> None:
    """文化品支持 on actual participants, registrations or interacting users: the largest recorded."""
    result = goods_support(Basis(scale=5000, month="2017-11", actual=actual), RULES)
    assert (result.quantity, result.eligible) == (quantity, quantity > 0)
    assert result.reason.startswith(figure)


def test_training_goes_by_actual_participants() -> None:
    """培训支持: actual participants once recorded, else the planned scale; registrations never."""
    assert training_support(basis(200, participants=49), RULES).level == "basic"
    assert training_support(basis(10, participants=50), RULES).level == "lecturer"
    assert training_support(basis(10, registrations=500), RULES).level == "basic"


def test_one_name_for_each_support() -> None:
    """Each verdict starts with the support's one name, as the form has it."""
    results = assess(basis(250), [i.value for i in Intention], RULES)
    assert [support_name(r.intention) for r in results] == ["设计大赛", "重磅活动发布", "文化品支持",
                                                             "活动联动支持", "培训支持"]
    assert short_line(results) == ("设计大赛✓2017-11；重磅活动发布✓；文化品支持✓约25份；"
                                   "活动联动支持✓联合主办；培训支持✓含讲师")
    assert all(r.short.startswith(support_name(r.intention)) for r in results)


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
    """Co-host iff planned over 200; else promo iff over 50 signups; lecturers iff 50 or more."""
    b = basis(scale, registrations=registrations)
    linkage = linkage_support(b, RULES)
    assert (linkage.level == "cohost") == (scale > RULES.linkage_cohost_min)
    signups = scale if registrations is None else registrations
    if scale <= RULES.linkage_cohost_min:
        assert linkage.eligible == (signups > RULES.linkage_promo_min)
    assert (training_support(b, RULES).level == "lecturer") == (scale >= RULES.training_support_min)


def test_rules_are_frozen() -> None:
    """Results are values."""
    result = heavy_support(basis(1), RULES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.eligible = False  # type: ignore[misc]
    assert isinstance(RULES, SupportSettings)
