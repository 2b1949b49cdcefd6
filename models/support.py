"""The plan's five supports: one rule function each, with their numbers from settings.

Each rule returns a frozen SupportResult whose reason is a catalog sentence. The figures are kept
apart, as the plan counts them: the planned scale (活动规模) decides co-hosting; actual
registrations decide the collection post or poster; cultural goods go by the actual participants,
registrations or interacting users (whichever the organisation applies on: the largest recorded);
training by actual participants. Until an actual figure is recorded its rule previews on the
planned scale. `assess` is the one entry point for every caller (chat, CLI, export, supervision,
and a registration loop that feeds actual numbers).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from core.settings import SupportSettings
from core.texts import t
from models.filing import FilingItem, Intention


@dataclasses.dataclass(frozen=True)
class Actuals:
    """What happened: each figure is None until recorded."""

    participants: int | None = None
    registrations: int | None = None
    interactions: int | None = None

    @property
    def recorded(self) -> bool:
        """Whether any actual figure was recorded."""
        return any(v is not None for v in (self.participants, self.registrations, self.interactions))


@dataclasses.dataclass(frozen=True)
class Basis:
    """The numbers a rule looks at: the planned scale, the month and the actual figures."""

    scale: int
    month: str
    actual: Actuals = Actuals()


@dataclasses.dataclass(frozen=True)
class Figure:
    """One number a rule counted, and which one it was (its catalog label key)."""

    n: int
    kind: str  # planned | participants | registrations | interactions


@dataclasses.dataclass(frozen=True)
class SupportResult:
    """One support's outcome for one activity."""

    intention: Intention
    eligible: bool
    reason: str              # the full reason (export, CLI, activity details)
    short: str               # the support's name and verdict in a few characters (chat summaries)
    quantity: int = 0        # 文化品支持: the number of items
    level: str = ""          # 活动联动支持: cohost | promo; 培训支持: basic | lecturer


def support_name(intention: Intention | str) -> str:
    """The support's one name, as the form has it (设计大赛, 文化品支持, ...)."""
    return t(f"filing.intention.{Intention(intention).value}")


def figure_label(figure: Figure) -> str:
    """How a counted figure is named in a reason, e.g. 实际报名."""
    return t(f"support.figure.{figure.kind}")


def _short(intention: Intention, key: str, **values: object) -> str:
    """A short verdict: the support's name, then the catalog's few characters."""
    return support_name(intention) + t(key, **values)


def goods_figure(basis: Basis) -> Figure:
    """The count cultural goods go by: the largest actual figure recorded, else the planned scale."""
    a = basis.actual
    recorded = [Figure(n, kind) for n, kind in ((a.participants, "participants"),
                                                (a.registrations, "registrations"),
                                                (a.interactions, "interactions")) if n is not None]
    return max(recorded, key=lambda f: f.n) if recorded else Figure(basis.scale, "planned")


def training_figure(basis: Basis) -> Figure:
    """The count training goes by: actual participants once recorded, else the planned scale."""
    n = basis.actual.participants
    return Figure(n, "participants") if n is not None else Figure(basis.scale, "planned")


def promo_figure(basis: Basis) -> Figure:
    """The count the collection post goes by: actual registrations once recorded, else the plan."""
    n = basis.actual.registrations
    return Figure(n, "registrations") if n is not None else Figure(basis.scale, "planned")


def goods_quantity(participants: int, rules: SupportSettings) -> int:
    """Items of cultural goods: ratio of participants, rounded half up, at least 1, at most the cap."""
    share = (Decimal(participants) * Decimal(str(rules.goods_ratio))).quantize(Decimal(1), ROUND_HALF_UP)
    return max(1, min(rules.goods_cap, int(share)))


def goods_support(basis: Basis, rules: SupportSettings) -> SupportResult:
    """文化品支持: more than the minimum -> about 10% of them, capped."""
    figure, minimum = goods_figure(basis), rules.goods_min_participants
    label = figure_label(figure)
    if figure.n <= minimum:
        reason = t("support.goods.no", figure=label, n=figure.n, min=minimum)
        return SupportResult(Intention.GOODS, False, reason,
                             _short(Intention.GOODS, "support.goods.no_short", min=minimum))
    quantity = goods_quantity(figure.n, rules)
    reason = t("support.goods.yes", figure=label, n=figure.n, min=minimum, q=quantity,
               cap=rules.goods_cap, pct=f"{rules.goods_ratio * 100:g}")
    return SupportResult(Intention.GOODS, True, reason,
                         _short(Intention.GOODS, "support.goods.yes_short", q=quantity), quantity=quantity)


def linkage_support(basis: Basis, rules: SupportSettings) -> SupportResult:
    """活动联动支持: planned scale over 200 -> co-host; over 50 registrations -> post or poster."""
    promo = promo_figure(basis)
    promo_ok = promo.n > rules.linkage_promo_min
    promo_reason = _promo_reason(promo, promo_ok, rules)
    if basis.scale > rules.linkage_cohost_min:
        reason = t("support.linkage.cohost", n=basis.scale, min=rules.linkage_cohost_min)
        if promo.kind == "registrations":  # the actual registrations are known: say what they give
            reason = f"{reason}；{promo_reason}"
        return SupportResult(Intention.LINKAGE, True, reason,
                             _short(Intention.LINKAGE, "support.linkage.cohost_short"), level="cohost")
    if promo_ok:
        return SupportResult(Intention.LINKAGE, True, promo_reason,
                             _short(Intention.LINKAGE, "support.linkage.promo_short"), level="promo")
    return SupportResult(Intention.LINKAGE, False, promo_reason,
                         _short(Intention.LINKAGE, "support.linkage.no_short", min=rules.linkage_promo_min))


def _promo_reason(figure: Figure, eligible: bool, rules: SupportSettings) -> str:
    """The collection-post sentence on actual registrations, or on the plan until they are known."""
    key = "support.linkage.promo" if eligible else "support.linkage.no"
    if figure.kind == "planned" and eligible:
        key = "support.linkage.promo_expected"
    return t(key, figure=figure_label(figure), n=figure.n, min=rules.linkage_promo_min)


def training_support(basis: Basis, rules: SupportSettings) -> SupportResult:
    """培训支持: any scale; 50 or more -> course design and lecturer support too."""
    figure, minimum = training_figure(basis), rules.training_support_min
    label = figure_label(figure)
    if figure.n >= minimum:
        reason = t("support.training.lecturer", figure=label, n=figure.n, min=minimum)
        return SupportResult(Intention.TRAINING, True, reason,
                             _short(Intention.TRAINING, "support.training.lecturer_short"), level="lecturer")
    reason = t("support.training.basic", figure=label, n=figure.n, min=minimum)
    return SupportResult(Intention.TRAINING, True, reason,
                         _short(Intention.TRAINING, "support.training.basic_short", min=minimum), level="basic")


def heavy_support(basis: Basis, rules: SupportSettings) -> SupportResult:
    """重磅活动发布: unlimited; its registrations, votes and comments count for the organisation."""
    return SupportResult(Intention.HEAVY, True, t("support.heavy"),
                         _short(Intention.HEAVY, "support.heavy_short"))


def contest_support(basis: Basis, rules: SupportSettings) -> SupportResult:
    """设计大赛: the activity enters the contest pool of its month."""
    return SupportResult(Intention.CONTEST, True, t("support.contest", month=basis.month),
                         _short(Intention.CONTEST, "support.contest_short", month=basis.month))


# Supports every activity that applies gets: a summary may leave their verdicts out for room.
UNCONDITIONAL = frozenset({Intention.CONTEST, Intention.HEAVY})

RULES: dict[Intention, Callable[[Basis, SupportSettings], SupportResult]] = {
    Intention.CONTEST: contest_support,
    Intention.HEAVY: heavy_support,
    Intention.GOODS: goods_support,
    Intention.LINKAGE: linkage_support,
    Intention.TRAINING: training_support,
}


def assess(basis: Basis, intentions: list[str], rules: SupportSettings) -> list[SupportResult]:
    """Apply the rule of every support the activity applies for, in the form's order."""
    return [RULES[i](basis, rules) for i in Intention if i.value in intentions]


def actuals_of(item: FilingItem) -> Actuals:
    """The actual figures recorded on a filed activity."""
    return Actuals(participants=item.actual_participants, registrations=item.actual_registrations,
                   interactions=item.actual_interactions)


def basis_of(item: FilingItem) -> Basis:
    """The numbers of a filed activity."""
    return Basis(scale=item.scale, month=item.month, actual=actuals_of(item))


def assess_item(item: FilingItem, rules: SupportSettings) -> list[SupportResult]:
    """The supports of a filed activity, on its actual figures once recorded."""
    return assess(basis_of(item), list(item.intentions), rules)


def short_line(results: list[SupportResult]) -> str:
    """Every verdict of one activity on one line."""
    return "；".join(r.short for r in results)
