"""The plan's five supports: one rule function each, with their numbers from settings.

Each rule returns a frozen SupportResult whose reason is a catalog sentence. The same rules run
on the expected scale when an activity is filed and again on the actual numbers once recorded.
"""
from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

from core.settings import SupportSettings
from core.texts import t
from models.filing import FilingItem, Intention


@dataclasses.dataclass(frozen=True)
class Basis:
    """The numbers a rule looks at: expected scale and, once known, the actual figures."""

    scale: int
    month: str
    participants: int | None = None
    registrations: int | None = None

    @property
    def actual(self) -> bool:
        """Whether actual figures were recorded."""
        return self.participants is not None or self.registrations is not None

    @property
    def people(self) -> int:
        """Participants: actual when recorded, else actual registrations, else the expected scale."""
        for value in (self.participants, self.registrations, self.scale):
            if value is not None:
                return value
        return 0  # unreachable: scale is always set

    @property
    def signups(self) -> int:
        """Registrations: actual when recorded, else the expected scale."""
        return self.registrations if self.registrations is not None else self.people


@dataclasses.dataclass(frozen=True)
class SupportResult:
    """One support's outcome for one activity."""

    intention: Intention
    eligible: bool
    reason: str              # the full reason (export, CLI, activity details)
    short: str               # the verdict in a few characters (chat summaries: replies are short)
    quantity: int = 0        # 文化品支持: the number of items
    level: str = ""          # 活动联动支持: cohost | promo; 培训支持: basic | lecturer


def goods_quantity(participants: int, rules: SupportSettings) -> int:
    """Items of cultural goods: ratio of participants, rounded half up, at least 1, at most the cap."""
    share = (Decimal(participants) * Decimal(str(rules.goods_ratio))).quantize(Decimal(1), ROUND_HALF_UP)
    return max(1, min(rules.goods_cap, int(share)))


def goods_support(basis: Basis, rules: SupportSettings) -> SupportResult:
    """文化品支持: more than the minimum participants -> about 10% of them, capped."""
    n, minimum = basis.people, rules.goods_min_participants
    if n <= minimum:
        return SupportResult(Intention.GOODS, False, t("support.goods.no", n=n, min=minimum),
                             t("support.goods.no_short", min=minimum))
    quantity = goods_quantity(n, rules)
    reason = t("support.goods.yes", n=n, min=minimum, q=quantity, cap=rules.goods_cap,
               pct=f"{rules.goods_ratio * 100:g}")
    return SupportResult(Intention.GOODS, True, reason, t("support.goods.yes_short", q=quantity),
                         quantity=quantity)


def linkage_support(basis: Basis, rules: SupportSettings) -> SupportResult:
    """活动联动支持: more than 200 -> co-host; more than 50 registrations -> collection post or poster."""
    if basis.people > rules.linkage_cohost_min:
        reason = t("support.linkage.cohost", n=basis.people, min=rules.linkage_cohost_min)
        return SupportResult(Intention.LINKAGE, True, reason, t("support.linkage.cohost_short"),
                             level="cohost")
    n, minimum = basis.signups, rules.linkage_promo_min
    if n > minimum:
        key = "support.linkage.promo" if basis.actual else "support.linkage.promo_expected"
        return SupportResult(Intention.LINKAGE, True, t(key, n=n, min=minimum),
                             t("support.linkage.promo_short"), level="promo")
    return SupportResult(Intention.LINKAGE, False, t("support.linkage.no", n=n, min=minimum),
                         t("support.linkage.no_short", min=minimum))


def training_support(basis: Basis, rules: SupportSettings) -> SupportResult:
    """培训支持: any scale; 50 or more -> course design and lecturer support too."""
    n, minimum = basis.people, rules.training_support_min
    if n >= minimum:
        reason = t("support.training.lecturer", n=n, min=minimum)
        return SupportResult(Intention.TRAINING, True, reason, t("support.training.lecturer_short"),
                             level="lecturer")
    return SupportResult(Intention.TRAINING, True, t("support.training.basic", n=n, min=minimum),
                         t("support.training.basic_short", min=minimum), level="basic")


def heavy_support(basis: Basis, rules: SupportSettings) -> SupportResult:
    """重磅活动发布: unlimited; its registrations, votes and comments count for the organisation."""
    return SupportResult(Intention.HEAVY, True, t("support.heavy"), t("support.heavy_short"))


def contest_support(basis: Basis, rules: SupportSettings) -> SupportResult:
    """设计大赛: the activity enters the contest pool of its month."""
    return SupportResult(Intention.CONTEST, True, t("support.contest", month=basis.month),
                         t("support.contest_short", month=basis.month))


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


def basis_of(item: FilingItem) -> Basis:
    """The numbers of a filed activity."""
    return Basis(scale=item.scale, month=item.month, participants=item.actual_participants,
                 registrations=item.actual_registrations)


def assess_item(item: FilingItem, rules: SupportSettings) -> list[SupportResult]:
    """The supports of a filed activity, on actual numbers once recorded."""
    return assess(basis_of(item), list(item.intentions), rules)


def short_line(results: list[SupportResult]) -> str:
    """Every verdict of one activity on one line."""
    return "；".join(r.short for r in results)
