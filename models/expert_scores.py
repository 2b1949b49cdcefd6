"""The expert alliance's explainable score: pure functions over frozen values, no database.

Month: A answers, x answers that drew an interaction, raw rate r = x / A.
  p0  = the month's platform-wide rate = sum x / sum A over EVERY expert with figures that month
        (eligible or not: the prior describes the whole platform, not only the ranked experts).
  r~  = (x + m * p0) / (A + m)            smoothed rate; a few answers cannot reach an extreme rate
  eligible when A >= min_answers
  P(v) = 100 * share of the month's ELIGIBLE experts whose value is at most v
  S   = w_a * P(A) + w_r * P(r~)          (0 for an ineligible expert)
  rank: competition ranking of S among the eligible, ties shown 1, 2, 2, 4.
Quarter: score = sum of the monthly scores (an ineligible or missing month adds 0); candidates are
experts eligible in at least one month; order by score, then more answers in the quarter, then the
higher smoothed quarter rate (same formula over the quarter's sums, p0 over every expert-month of
the quarter's evaluated months); experts still tied share a place, and a place <= top_n admits all
who share it.
Arithmetic is exact (Fraction) so that equal values tie exactly; floats only for display.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from fractions import Fraction


@dataclasses.dataclass(frozen=True)
class Params:
    """Every parameter of the score (settings [experts])."""

    min_answers: int = 3
    smoothing_m: float = 10.0
    weight_answers: float = 0.5
    weight_rate: float = 0.5
    top_n: int = 10


@dataclasses.dataclass(frozen=True)
class Figures:
    """One expert's figures for one month."""

    expert_id: int
    answers: int
    interacted: int


@dataclasses.dataclass(frozen=True)
class MonthResult:
    """One expert's evaluation for one month, with every intermediate value."""

    expert_id: int
    answers: int
    interacted: int
    raw_rate: Fraction | None          # None when there were no answers
    smoothed_rate: Fraction
    eligible: bool
    p_answers: Fraction                # 0 when ineligible
    p_rate: Fraction
    score: Fraction
    rank: int | None                   # None when ineligible
    ranked: int                        # N: how many eligible experts were ranked


@dataclasses.dataclass(frozen=True)
class QuarterStanding:
    """One expert's quarter so far."""

    expert_id: int
    score: Fraction
    answers: int
    interacted: int
    smoothed_rate: Fraction
    eligible_months: int
    place: int = 0                     # competition place by the full tie order


def platform_rate(figures: Iterable[Figures]) -> Fraction:
    """Sum of interacted answers over sum of answers; 0 for an empty month."""
    rows = list(figures)
    total = sum(f.answers for f in rows)
    return Fraction(sum(f.interacted for f in rows), total) if total else Fraction(0)


def smoothed(interacted: int, answers: int, p0: Fraction, m: float) -> Fraction:
    """(x + m*p0) / (A + m); p0 itself when there is nothing to weigh."""
    mm = Fraction(m)
    if answers + mm == 0:
        return p0
    return (interacted + mm * p0) / (answers + mm)


def percentile(value: Fraction | int, population: Sequence[Fraction | int]) -> Fraction:
    """100 x the share of the population whose value is at most `value`."""
    if not population:
        return Fraction(0)
    return Fraction(100 * sum(1 for v in population if v <= value), len(population))


def competition_ranks(scores: Sequence[Fraction]) -> list[int]:
    """Rank each score: 1 + how many are strictly higher (ties 1, 2, 2, 4)."""
    return [1 + sum(1 for other in scores if other > s) for s in scores]


def evaluate_month(figures: Sequence[Figures], params: Params) -> list[MonthResult]:
    """Score every expert of one month; ranked experts first, by rank, then the ineligible."""
    p0 = platform_rate(figures)
    rates = {f.expert_id: smoothed(f.interacted, f.answers, p0, params.smoothing_m) for f in figures}
    eligible = [f for f in figures if f.answers >= params.min_answers]
    pop_a = [f.answers for f in eligible]
    pop_r = [rates[f.expert_id] for f in eligible]
    scores = {f.expert_id: _score(f.answers, rates[f.expert_id], pop_a, pop_r, params)
              for f in eligible}
    ranks = dict(zip(scores, competition_ranks(list(scores.values())), strict=True))
    results = [_result(f, p0, rates[f.expert_id], scores.get(f.expert_id), ranks.get(f.expert_id),
                       pop_a, pop_r) for f in figures]
    return sorted(results, key=lambda r: (r.rank is None, r.rank or 0, -r.answers, r.expert_id))


def _score(answers: int, rate: Fraction, pop_a: Sequence[int], pop_r: Sequence[Fraction],
           params: Params) -> Fraction:
    """S = w_a * P(A) + w_r * P(r~)."""
    return (Fraction(params.weight_answers) * percentile(answers, pop_a)
            + Fraction(params.weight_rate) * percentile(rate, pop_r))


def _result(f: Figures, p0: Fraction, rate: Fraction, score: Fraction | None, rank: int | None,
            pop_a: Sequence[int], pop_r: Sequence[Fraction]) -> MonthResult:
    """Assemble one expert's month result."""
    raw = Fraction(f.interacted, f.answers) if f.answers else None
    ok = score is not None
    return MonthResult(f.expert_id, f.answers, f.interacted, raw, rate, ok,
                       percentile(f.answers, pop_a) if ok else Fraction(0),
                       percentile(rate, pop_r) if ok else Fraction(0),
                       score if score is not None else Fraction(0), rank, len(pop_a))


def needed_for_top(results: Sequence[MonthResult], top_n: int) -> Fraction | None:
    """The lowest monthly score still inside the top n; None when nobody is ranked."""
    inside = [r.score for r in results if r.rank is not None and r.rank <= top_n]
    return min(inside) if inside else None


def quarter_standings(months: Sequence[Sequence[Figures]], params: Params) -> list[QuarterStanding]:
    """Sum the evaluated months of a quarter and place the candidates by the tie order."""
    everything = [f for month in months for f in month]
    p0 = platform_rate(everything)
    totals: dict[int, list[int]] = {}
    scores: dict[int, Fraction] = {}
    eligible: dict[int, int] = {}
    for f in everything:
        total = totals.setdefault(f.expert_id, [0, 0])
        total[0] += f.answers
        total[1] += f.interacted
    for month in months:
        for r in evaluate_month(month, params):
            scores[r.expert_id] = scores.get(r.expert_id, Fraction(0)) + r.score
            eligible[r.expert_id] = eligible.get(r.expert_id, 0) + int(r.eligible)
    rows = [QuarterStanding(e, scores[e], a, x, smoothed(x, a, p0, params.smoothing_m), eligible[e])
            for e, (a, x) in totals.items() if eligible[e] > 0]
    return _placed(rows)


def _order_key(s: QuarterStanding) -> tuple[Fraction, int, Fraction]:
    """The published tie order: score, then answers in the quarter, then smoothed quarter rate."""
    return (s.score, s.answers, s.smoothed_rate)


def _placed(rows: list[QuarterStanding]) -> list[QuarterStanding]:
    """Give each standing its competition place; experts equal on the whole order share it."""
    keys = [_order_key(r) for r in rows]
    placed = [dataclasses.replace(r, place=1 + sum(1 for k in keys if k > key))
              for r, key in zip(rows, keys, strict=True)]
    return sorted(placed, key=lambda s: (s.place, s.expert_id))


def top_of_quarter(standings: Sequence[QuarterStanding], top_n: int) -> list[QuarterStanding]:
    """The quarter's top n; a tie still standing at the cut admits everyone who shares the place."""
    return [s for s in standings if s.place <= top_n]
