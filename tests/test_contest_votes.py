"""Voting rules: each quota at its edge, refusals, durability, and the quota function's properties."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.services import Services
from core.settings import Settings
from models.contest import vote
from models.contest_fraud import blacklist_add
from models.contest_votes import Refusal, Usage, Vote, VoteRefused, VoteRules, VoteStatus, refusal
from tests.support import create_user
from tests.support_contest import at, create_round

RULES = VoteRules(per_day=3, per_entry_per_day=1, per_entry_per_round=0, followers_only=True,
                  min_seconds=3.0)


@pytest.mark.parametrize(("usage", "expected"), [
    (Usage(0, 0, 0, None), None),
    (Usage(2, 0, 0, 60.0), None),                      # the third vote of the day is allowed
    (Usage(3, 0, 0, 60.0), Refusal.DAY_QUOTA),         # the fourth is not
    (Usage(1, 1, 1, 60.0), Refusal.ENTRY_DAY),         # same project twice in a day
    (Usage(0, 0, 5, 60.0), None),                      # no round cap by default
    (Usage(1, 0, 0, 2.99), Refusal.RATE_LIMITED),      # just under the rate limit
    (Usage(1, 0, 0, 3.0), None),                       # exactly at it
    (Usage(3, 1, 1, 0.5), Refusal.DAY_QUOTA),          # the most useful reason comes first
])
def test_refusal_table(usage: Usage, expected: Refusal | None) -> None:
    """Each rule refuses exactly at its edge."""
    assert refusal(RULES, usage) == expected


@pytest.mark.parametrize(("cap", "entry_round", "expected"), [
    (0, 100, None), (2, 1, None), (2, 2, Refusal.ENTRY_ROUND), (1, 1, Refusal.ENTRY_ROUND)])
def test_round_cap_table(cap: int, entry_round: int, expected: Refusal | None) -> None:
    """The per-round cap per project applies only when set."""
    rules = VoteRules(3, 1, cap, True, 0.0)
    assert refusal(rules, Usage(0, 0, entry_round, None)) == expected


@hsettings(max_examples=60)
@given(per_day=st.integers(1, 10), per_entry=st.integers(1, 5), today=st.integers(0, 20),
       entry_today=st.integers(0, 20), since=st.none() | st.floats(0, 100))
def test_refusal_never_allows_past_a_quota(per_day: int, per_entry: int, today: int,
                                           entry_today: int, since: float | None) -> None:
    """Whatever the usage, an allowed vote leaves every counter within its quota."""
    entry_today = min(entry_today, today)
    rules = VoteRules(per_day, per_entry, 0, True, 3.0)
    if refusal(rules, Usage(today, entry_today, entry_today, since)) is None:
        assert today + 1 <= per_day and entry_today + 1 <= per_entry
        assert since is None or since >= 3.0


def _vote(services: Services, openid: str, number: int, when: dt.datetime, **kw: Any) -> Any:
    with services.db.session() as s:
        user = create_user(s, openid, **kw)
        return vote(s, user, number, when, services.settings)


@pytest.fixture()
def contest(app: Any, services: Services) -> Services:
    """A November 2017 round of three projects, voting 1-30 November."""
    with services.db.session() as s:
        create_round(s, services.settings, entries=3)
    return services


def test_a_vote_is_a_durable_row_with_rank_and_quota_left(contest: Services) -> None:
    """The vote is stored valid with its day; the outcome names rank, votes and votes left."""
    out = _vote(contest, "o_a", 2, at("2017-11-05 10:00"))
    assert (out.number, out.votes, out.rank, out.gap, out.lead, out.left_today) == (2, 1, 1, None, 1, 2)
    with contest.db.session() as s:
        row = s.scalar(select(Vote))
        assert (row.status, row.day, row.openid) == (VoteStatus.VALID, dt.date(2017, 11, 5), "o_a")


def test_gap_to_the_next_place(contest: Services) -> None:
    """A project behind the leader learns how many votes it lacks."""
    for i in range(3):
        _vote(contest, f"o_{i}", 1, at("2017-11-05 10:00"))
    out = _vote(contest, "o_x", 3, at("2017-11-05 10:00"))
    assert (out.votes, out.rank, out.gap) == (1, 2, 2)


def test_day_quota_resets_at_midnight_shanghai(contest: Services) -> None:
    """Three votes a day; the fourth waits for 00:00 Asia/Shanghai (16:00 UTC)."""
    for n, minute in zip((1, 2, 3), ("00", "01", "02"), strict=True):
        _vote(contest, "o_a", n, at(f"2017-11-05 23:{minute}"))
    with pytest.raises(VoteRefused) as exc:
        _vote(contest, "o_a", 1, at("2017-11-05 23:59:59"))
    assert exc.value.reason == Refusal.DAY_QUOTA
    assert _vote(contest, "o_a", 1, at("2017-11-06 00:00")).left_today == 2


@pytest.mark.parametrize(("when", "reason"), [
    ("2017-10-31 23:59:59", Refusal.NO_ROUND),   # October has no round
    ("2017-12-01 00:00", Refusal.ENDED),          # November's window ended (December not shortlisted)
])
def test_outside_the_window(contest: Services, when: str, reason: Refusal) -> None:
    """Before and after the window votes are refused with their own reason."""
    with pytest.raises(VoteRefused) as exc:
        _vote(contest, "o_a", 1, at(when))
    assert exc.value.reason == reason


def test_window_edges(app: Any, services: Services) -> None:
    """An explicit window admits its first instant and refuses the instant after its last day."""
    with services.db.session() as s:
        create_round(s, services.settings, first="2017-11-10", last="2017-11-20")
    with pytest.raises(VoteRefused) as exc:
        _vote(services, "o_a", 1, at("2017-11-09 23:59:59"))
    assert exc.value.reason == Refusal.NOT_OPEN
    assert _vote(services, "o_a", 1, at("2017-11-10 00:00")).votes == 1
    assert _vote(services, "o_b", 1, at("2017-11-20 23:59:59")).votes == 2
    with pytest.raises(VoteRefused) as exc:
        _vote(services, "o_c", 1, at("2017-11-21 00:00"))
    assert exc.value.reason == Refusal.ENDED


@pytest.mark.parametrize(("number", "setup", "reason"), [
    (4, None, Refusal.NO_SUCH_ENTRY),
    (0, None, Refusal.NO_SUCH_ENTRY),
    (1, "unsubscribed", Refusal.NOT_FOLLOWER),
    (1, "blacklisted", Refusal.BLACKLISTED),
])
def test_refusals(contest: Services, number: int, setup: str | None, reason: Refusal) -> None:
    """Bad numbers, non-followers and blacklisted voters are refused and nothing is stored."""
    with contest.db.session() as s:
        create_user(s, "o_a", subscribed=setup != "unsubscribed")
        if setup == "blacklisted":
            blacklist_add(s, "o_a", "刷票", "test", at("2017-11-01 00:00"))
    with pytest.raises(VoteRefused) as exc:
        _vote(contest, "o_a", number, at("2017-11-05 10:00"), subscribed=setup != "unsubscribed")
    assert exc.value.reason == reason
    with contest.db.session() as s:
        assert s.scalar(select(func.count(Vote.id))) == 0


def test_followers_only_can_be_switched_off(app_factory: Callable[[Settings], Any],
                                            settings_factory: Callable[..., Settings]) -> None:
    """With followers_only = false a non-follower's vote counts."""
    app = app_factory(settings_factory(contest={"followers_only": False}))
    services = app.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings)
    assert _vote(services, "o_x", 1, at("2017-11-05 10:00"), subscribed=False).votes == 1


def test_rate_limit_and_same_project(contest: Services) -> None:
    """Two votes within the rate limit are refused; the same project twice a day too."""
    _vote(contest, "o_a", 1, at("2017-11-05 10:00:00"))
    with pytest.raises(VoteRefused) as exc:
        _vote(contest, "o_a", 2, at("2017-11-05 10:00:02"))
    assert (exc.value.reason, exc.value.details["wait"]) == (Refusal.RATE_LIMITED, 1)
    with pytest.raises(VoteRefused) as exc:
        _vote(contest, "o_a", 1, at("2017-11-05 12:00"))
    assert exc.value.reason == Refusal.ENTRY_DAY


def test_round_cap(app_factory: Callable[[Settings], Any],
                   settings_factory: Callable[..., Settings]) -> None:
    """With a cap of 2 per project per round, the third day's vote for it is refused."""
    app = app_factory(settings_factory(contest={"votes_per_entry_per_user_per_round": 2}))
    services = app.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings)
    _vote(services, "o_a", 1, at("2017-11-05 10:00"))
    _vote(services, "o_a", 1, at("2017-11-06 10:00"))
    with pytest.raises(VoteRefused) as exc:
        _vote(services, "o_a", 1, at("2017-11-07 10:00"))
    assert exc.value.reason == Refusal.ENTRY_ROUND


def test_valid_votes_count_toward_the_organisation(app: Any, services: Services) -> None:
    """Each valid vote counts for the project's organisation; voided ones do not."""
    from models.contest import org_metrics
    from models.contest_fraud import VoidScope, void_votes
    from models.orgs import Organisation

    with services.db.session() as s:
        create_round(s, services.settings, entries=2, orgs=("石龙团委", "虎门团委"))
    _vote(services, "o_a", 1, at("2017-11-05 10:00"))
    _vote(services, "o_b", 1, at("2017-11-05 10:00"))
    _vote(services, "o_c", 2, at("2017-11-05 10:00"))
    with services.db.session() as s:
        shilong = s.scalar(select(Organisation.id).where(Organisation.name == "石龙团委"))
        humen = s.scalar(select(Organisation.id).where(Organisation.name == "虎门团委"))
        assert (org_metrics(s, shilong).valid_votes, org_metrics(s, humen).valid_votes) == (2, 1)
        assert org_metrics(s, shilong, "2017-12").valid_votes == 0
        from models.contest_rounds import Round
        void_votes(s, s.scalar(select(Round)), VoidScope(openid="o_a"), "test", "test",
                   at("2017-11-06 10:00"))
        assert org_metrics(s, shilong).valid_votes == 1
