"""Ranking rules: shared places (1, 2, 2, 4), the published tie-break order, ties at the cut."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from models.contest_rank import Tally, competition_ranks, final_board, live_board
from models.contest_votes import standing

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
T0 = dt.datetime(2017, 11, 1, tzinfo=dt.UTC)


def tallies(*rows: tuple[int, int, int | None, float | None]) -> list[Tally]:
    """(number, votes, minutes after T0 of the last vote, judges' score) -> tallies."""
    return [Tally(n, n, 100 + n, 1, f"项目{n}", v, None if m is None else T0 + dt.timedelta(minutes=m), j)
            for n, v, m, j in rows]


@pytest.mark.parametrize(("votes", "ranks"), [
    ([9, 5, 5, 1], [1, 2, 2, 4]),
    ([5, 5, 5], [1, 1, 1]),
    ([0, 3, 3, 7], [4, 2, 2, 1]),
    ([], []),
    ([1], [1]),
])
def test_competition_ranks(votes: list[int], ranks: list[int]) -> None:
    """Equal counts share a place and the next place is skipped."""
    assert competition_ranks([(float(v),) for v in votes]) == ranks


@hsettings(max_examples=80)
@given(st.lists(st.integers(0, 20), max_size=30))
def test_ranks_properties(votes: list[int]) -> None:
    """A rank is 1 + the number of strictly better counts; more votes never rank worse."""
    ranks = competition_ranks([(float(v),) for v in votes])
    for v, r in zip(votes, ranks, strict=True):
        assert r == 1 + sum(1 for w in votes if w > v)
    for (v1, r1) in zip(votes, ranks, strict=True):
        for (v2, r2) in zip(votes, ranks, strict=True):
            if v1 > v2:
                assert r1 < r2


def test_live_board_orders_ties_by_number() -> None:
    """The board lists shared places by project number."""
    board = live_board(tallies((1, 5, 1, None), (2, 9, 1, None), (3, 5, 2, None), (4, 1, 3, None)))
    assert [(s.rank, s.number) for s in board] == [(1, 2), (2, 1), (2, 3), (4, 4)]


@pytest.mark.parametrize(("others", "mine", "expected"), [
    ([5, 1], 3, (2, 0, 2, None)),        # behind: the gap to the place above
    ([3, 1], 5, (1, 0, None, 2)),        # alone in front: the lead over the second
    ([5], 5, (1, 1, None, None)),        # tied first: no lead to speak of
    ([], 4, (1, 0, None, None)),         # the only project
    ([7, 2], 2, (2, 1, 5, None)),        # tied second, 5 behind the first
    ([7, 7, 1], 3, (3, 0, 4, None)),     # third behind two tied: the gap to them
    ([0, 0], 1, (1, 0, None, 1))])       # the first vote of the round
def test_standing(others: list[int], mine: int, expected: tuple[int, int, int | None, int | None]) -> None:
    """Rank, entries tied with it, the gap to the place above and the leader's margin."""
    assert standing(mine, others) == expected


def test_cut_by_who_reached_the_count_first() -> None:
    """Tied votes at place 2 with winners = 2: the one that reached its count first wins."""
    board = final_board(tallies((1, 9, 5, None), (2, 4, 30, None), (3, 4, 20, None)), 0.0, 2, EPOCH)
    assert [(s.number, s.rank, s.winner) for s in board] == [(1, 1, True), (3, 2, True), (2, 3, False)]


def test_a_tie_still_standing_admits_both() -> None:
    """Same votes at the same moment and no judges: both share place 2 and both win."""
    board = final_board(tallies((1, 9, 5, None), (2, 4, 20, None), (3, 4, 20, None), (4, 1, 1, None)),
                        0.0, 2, EPOCH)
    assert [(s.number, s.rank, s.winner) for s in board] == [
        (1, 1, True), (2, 2, True), (3, 2, True), (4, 4, False)]


def test_judges_score_breaks_a_vote_tie_before_time() -> None:
    """With weight 0 the judges' score still comes first in the published tie-break order."""
    board = final_board(tallies((1, 4, 1, 60.0), (2, 4, 50, 90.0)), 0.0, 1, EPOCH)
    assert [(s.number, s.winner) for s in board] == [(2, True), (1, False)]


def test_weighted_score() -> None:
    """Weight 0.5: judges 0-100 and votes scaled to the top count (=100) are averaged."""
    board = final_board(tallies((1, 10, 1, 20.0), (2, 5, 1, 80.0), (3, 0, None, 100.0)), 0.5, 1, EPOCH)
    scores = {s.number: s.score for s in board}
    assert scores == {1: 60.0, 2: 65.0, 3: 50.0}
    assert [s.number for s in board if s.winner] == [2]


def test_zero_votes_everywhere() -> None:
    """A round nobody voted in ranks everyone first; all win (a tie still standing)."""
    board = final_board(tallies((1, 0, None, None), (2, 0, None, None)), 0.0, 1, EPOCH)
    assert [(s.rank, s.winner) for s in board] == [(1, True), (1, True)]


@hsettings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 3)), min_size=1, max_size=30),
       st.integers(1, 12))
def test_cut_properties(rows: list[tuple[int, int]], winners: int) -> None:
    """At least `winners` win (or all), extra winners only by a full tie, and winners beat losers."""
    ts = tallies(*[(i + 1, v, m, None) for i, (v, m) in enumerate(rows)])
    board = final_board(ts, 0.0, winners, EPOCH)
    won = [s for s in board if s.winner]
    assert len(won) >= min(winners, len(board))
    if len(won) > winners:
        last = max(s.rank for s in won)
        assert sum(1 for s in won if s.rank == last) > 1
    for w in won:
        for loser in (s for s in board if not s.winner):
            assert w.votes >= loser.votes
