"""The explainable score: hand-computed months, every tie rule, and properties."""
from __future__ import annotations

import dataclasses
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.expert_scores import (
    Figures,
    Params,
    competition_ranks,
    evaluate_month,
    needed_for_top,
    percentile,
    platform_rate,
    quarter_standings,
    smoothed,
    top_of_quarter,
)

P = Params()


def by_id(results: list) -> dict:
    """Results keyed by expert id."""
    return {r.expert_id: r for r in results}


def test_golden_month_three_experts() -> None:
    """p0 = 40/53; every intermediate value as computed by hand."""
    month = [Figures(1, 3, 3), Figures(2, 40, 32), Figures(3, 10, 5)]
    r = by_id(evaluate_month(month, P))
    assert platform_rate(month) == F(40, 53)
    # r~ = (x + 10 * 40/53) / (A + 10)
    assert r[1].smoothed_rate == F(559, 689) == F(43, 53)
    assert r[2].smoothed_rate == F(2096, 2650) == F(1048, 1325)
    assert r[3].smoothed_rate == F(665, 1060) == F(133, 212)
    assert (r[1].p_answers, r[2].p_answers, r[3].p_answers) == (F(100, 3), 100, F(200, 3))
    assert (r[1].p_rate, r[2].p_rate, r[3].p_rate) == (100, F(200, 3), F(100, 3))
    assert (r[1].score, r[2].score, r[3].score) == (F(200, 3), F(250, 3), 50)
    assert (r[2].rank, r[1].rank, r[3].rank) == (1, 2, 3)
    assert all(x.ranked == 3 for x in r.values())
    assert r[1].raw_rate == 1 and r[2].raw_rate == F(4, 5)


def test_three_perfect_answers_do_not_beat_forty_good_ones() -> None:
    """A raw rate of 100% on 3 answers loses to 80% on 40 (the smoothing and P(A) see to it)."""
    month = [Figures(1, 3, 3), Figures(2, 40, 32)]
    r = by_id(evaluate_month(month, P))
    # p0 = 35/43; r~1 = 479/559 > r~2 = 863/1075, but P(A) favours 40: a tie at 75, never a win
    assert r[1].smoothed_rate == F(479, 559) and r[2].smoothed_rate == F(863, 1075)
    assert r[1].score == r[2].score == 75
    assert r[1].score <= r[2].score
    with_third = by_id(evaluate_month(month + [Figures(3, 10, 5)], P))
    assert with_third[2].score > with_third[1].score


def test_unsmoothed_rate_would_rank_three_perfect_first() -> None:
    """Without smoothing (m = 0) the 3 perfect answers rank first on rate: smoothing matters."""
    month = [Figures(1, 3, 3), Figures(2, 40, 32), Figures(3, 10, 5)]
    r = by_id(evaluate_month(month, dataclasses.replace(P, smoothing_m=0)))
    assert r[1].smoothed_rate == 1 and r[1].p_rate == 100


@pytest.mark.parametrize("answers, eligible", [(2, False), (3, True), (4, True), (0, False)])
def test_eligibility_edge(answers: int, eligible: bool) -> None:
    """Eligible with A >= min_answers (3); an ineligible expert scores 0 and has no rank."""
    r = by_id(evaluate_month([Figures(1, answers, 0), Figures(2, 10, 5)], P))
    assert r[1].eligible is eligible
    assert (r[1].rank is not None) is eligible
    if not eligible:
        assert r[1].score == 0 and r[1].p_answers == 0 and r[1].p_rate == 0
    assert r[2].ranked == (2 if eligible else 1)


def test_ineligible_experts_count_in_p0_but_not_in_percentiles() -> None:
    """p0 is over every expert of the month; P(v) only over the eligible ones."""
    base = [Figures(1, 10, 5), Figures(2, 20, 5)]
    r = by_id(evaluate_month(base + [Figures(3, 2, 2)], P))
    assert platform_rate(base + [Figures(3, 2, 2)]) == F(12, 32)
    assert r[1].smoothed_rate == (5 + 10 * F(12, 32)) / 20
    assert r[1].p_answers == 50 and r[2].p_answers == 100


def test_no_answers_and_empty_month() -> None:
    """A = 0 has no raw rate and the platform's rate as smoothed rate; an empty month is empty."""
    r = by_id(evaluate_month([Figures(1, 0, 0), Figures(2, 10, 4)], P))
    assert r[1].raw_rate is None and r[1].smoothed_rate == F(4, 10)
    assert evaluate_month([], P) == [] and platform_rate([]) == 0
    assert smoothed(0, 0, F(1, 3), 0) == F(1, 3)


def test_percentile_counts_values_at_most_v() -> None:
    """P(v) = 100 x share of values <= v."""
    values = [1, 2, 2, 3]
    assert [percentile(v, values) for v in (0, 1, 2, 3)] == [0, 25, 75, 100]
    assert percentile(5, []) == 0


def test_monthly_ranks_share_ties_then_skip() -> None:
    """Ties are shown 1, 2, 2, 4."""
    assert competition_ranks([F(90), F(80), F(80), F(70)]) == [1, 2, 2, 4]
    assert competition_ranks([F(5), F(5)]) == [1, 1]
    month = [Figures(1, 40, 30), Figures(2, 10, 5), Figures(3, 10, 5), Figures(4, 4, 0)]
    r = by_id(evaluate_month(month, P))
    assert [r[i].rank for i in (1, 2, 3, 4)] == [1, 2, 2, 4]


def test_needed_for_top_is_the_lowest_score_inside() -> None:
    """The score of the n-th place (ties included); None without ranked experts."""
    month = [Figures(1, 40, 30), Figures(2, 10, 5), Figures(3, 10, 5), Figures(4, 4, 0)]
    results = evaluate_month(month, P)
    assert needed_for_top(results, 2) == by_id(results)[2].score
    assert needed_for_top(results, 1) == by_id(results)[1].score
    assert needed_for_top(evaluate_month([Figures(1, 1, 1)], P), 10) is None


def test_quarter_score_sums_months_and_ineligible_adds_zero() -> None:
    """Quarter = sum of monthly scores; a month under the minimum adds 0; never eligible = no place."""
    oct_ = [Figures(1, 10, 5), Figures(2, 20, 10)]
    nov = [Figures(1, 2, 2), Figures(2, 20, 10), Figures(3, 1, 1)]
    q = by_id(quarter_standings([oct_, nov], P))
    assert q[1].score == by_id(evaluate_month(oct_, P))[1].score
    assert q[2].score == by_id(evaluate_month(oct_, P))[2].score + 100
    assert q[1].answers == 12 and q[1].eligible_months == 1
    assert 3 not in q
    assert [s.expert_id for s in quarter_standings([oct_, nov], P)] == [2, 1]


def test_quarter_tie_broken_by_answers_first() -> None:
    """Equal scores: more answers in the quarter wins, even with a lower smoothed rate."""
    oct_ = [Figures(1, 10, 5), Figures(2, 10, 5)]
    nov = [Figures(1, 2, 0)]
    q = by_id(quarter_standings([oct_, nov], P))
    assert q[1].score == q[2].score
    assert q[1].smoothed_rate < q[2].smoothed_rate
    assert (q[1].place, q[2].place) == (1, 2)
    assert [s.expert_id for s in top_of_quarter(list(q.values()), 1)] == [1]


def test_quarter_tie_broken_by_smoothed_rate_next() -> None:
    """Equal scores and answers: the higher smoothed quarter rate wins."""
    oct_ = [Figures(1, 10, 5), Figures(2, 10, 5)]
    nov = [Figures(1, 2, 0), Figures(2, 2, 2)]
    q = by_id(quarter_standings([oct_, nov], P))
    assert q[1].score == q[2].score and q[1].answers == q[2].answers
    # p0 over the quarter's expert-months = 12/24; r~ = (x + 10 * 1/2) / (12 + 10)
    assert q[2].smoothed_rate == F(12, 22) and q[1].smoothed_rate == F(10, 22)
    assert (q[2].place, q[1].place) == (1, 2)


def test_quarter_tie_still_standing_admits_both() -> None:
    """Equal on the whole order at the cut: both share the place and both are admitted."""
    oct_ = [Figures(1, 10, 5), Figures(2, 10, 5), Figures(3, 3, 0)]
    standings = quarter_standings([oct_], P)
    by = by_id(standings)
    assert by[1].place == by[2].place == 1 and by[3].place == 3
    assert {s.expert_id for s in top_of_quarter(standings, 1)} == {1, 2}
    assert {s.expert_id for s in top_of_quarter(standings, 2)} == {1, 2}
    assert {s.expert_id for s in top_of_quarter(standings, 3)} == {1, 2, 3}


def test_weights_are_parameters() -> None:
    """All weight on the rate: the best smoothed rate scores 100."""
    month = [Figures(1, 3, 3), Figures(2, 40, 32), Figures(3, 10, 5)]
    r = by_id(evaluate_month(month, dataclasses.replace(P, weight_answers=0, weight_rate=1)))
    assert r[1].score == 100 and r[1].rank == 1


figures_lists = st.lists(
    st.tuples(st.integers(0, 200), st.integers(0, 200)).map(lambda t: (max(t), min(t))),
    min_size=1, max_size=12,
).map(lambda rows: [Figures(i + 1, a, x) for i, (a, x) in enumerate(rows)])
params = st.builds(Params, min_answers=st.integers(1, 5), smoothing_m=st.sampled_from([0.0, 1.0, 10.0, 25.5]),
                   weight_answers=st.sampled_from([0.0, 0.25, 0.5, 1.0])).map(
    lambda p: dataclasses.replace(p, weight_rate=1 - p.weight_answers))


@settings(max_examples=60, deadline=None)
@given(figures_lists, params)
def test_score_bounds_and_ranks(month: list[Figures], p: Params) -> None:
    """Scores lie in [0, 100]; eligible experts score above 0; ranks are competition ranks."""
    results = evaluate_month(month, p)
    assert all(0 <= r.score <= 100 for r in results)
    eligible = [r for r in results if r.eligible]
    assert all(r.score > 0 and r.rank is not None for r in eligible)
    for r in eligible:
        assert r.rank == 1 + sum(1 for o in eligible if o.score > r.score)


@settings(max_examples=60, deadline=None)
@given(figures_lists, params)
def test_dominance_and_smoothing_between_raw_and_platform(month: list[Figures], p: Params) -> None:
    """More answers and a higher smoothed rate never rank lower; r~ lies between r and p0."""
    results = evaluate_month(month, p)
    p0 = platform_rate(month)
    for a in results:
        if a.raw_rate is not None:
            assert min(a.raw_rate, p0) <= a.smoothed_rate <= max(a.raw_rate, p0)
        for b in results:
            if a.eligible and b.eligible and a.answers >= b.answers and a.smoothed_rate >= b.smoothed_rate:
                assert a.score >= b.score and a.rank <= b.rank


@settings(max_examples=60, deadline=None)
@given(figures_lists, st.integers(1, 50))
def test_more_answers_never_lower_the_answers_percentile(month: list[Figures], extra: int) -> None:
    """Raising one eligible expert's answers never lowers their P(A)."""
    first = month[0]
    if first.answers < P.min_answers:
        return
    before = by_id(evaluate_month(month, P))[first.expert_id]
    raised = [dataclasses.replace(first, answers=first.answers + extra), *month[1:]]
    after = by_id(evaluate_month(raised, P))[first.expert_id]
    assert after.p_answers >= before.p_answers


@settings(max_examples=40, deadline=None)
@given(st.lists(figures_lists, min_size=1, max_size=3), st.integers(1, 4))
def test_quarter_sums_and_cut(months: list[list[Figures]], n: int) -> None:
    """Quarter scores are sums of monthly scores; the top holds exactly the places <= n."""
    standings = quarter_standings(months, P)
    for s in standings:
        assert s.score == sum(by_id(evaluate_month(m, P)).get(s.expert_id, _zero()).score
                              for m in months)
    top = top_of_quarter(standings, n)
    assert len(top) >= min(n, len(standings))
    assert all(s.place <= n for s in top)
    assert all(s.place > n for s in standings if s not in top)


def _zero() -> object:
    """A stand-in result for a month without the expert."""
    return type("Zero", (), {"score": F(0)})()
