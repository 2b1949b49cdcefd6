"""Plain helpers for the supervisor tests: supervisors, and two towns' worth of platform data."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.settings import Settings
from models import contest
from models.accounts import Supervisor
from models.contest_rounds import Entry, Round
from models.contest_votes import Vote, VoteStatus
from models.filing import FilingItem, Intention, ReviewState
from models.orgs import OrgKind
from tests.support import create_org, create_user
from tests.support_contest import at, create_item, create_round
from tests.support_filing import activity, create_filing

# The moment the two-town data describes: voting of the 2017-11 round is open.
NOW = at("2017-11-20 10:00")


def create_supervisor(session: Session, openid: str, *towns: str) -> None:
    """A follower bound as the supervisor of these towns."""
    user = create_user(session, openid)
    for town in towns:
        session.add(Supervisor(user_id=user.id, town=town))
    session.flush()


def create_town_data(session: Session, settings: Settings) -> None:
    """石龙 and 虎门: organisations, filings in every review state, a 2017-11 round with votes.

    石龙: 4 organisations (town 1, youth home 1, org 2; 2 with admins); campaign activities
    沙龙 (approved, goods, 150), 联谊会 (pending, linkage + training, 250), 旧物改造 (rejected),
    项目1 and 项目3 (approved contest entries: 2 valid votes and 1 valid + 1 void);
    石龙义工协会 filed only in October (outside the campaign) and 石龙书法社 never.
    虎门: 2 organisations (1 with an admin); 项目2 (1 valid vote); 虎门青年之家 has not filed.
    """
    create_org(session, "石龙团委", "石龙", OrgKind.TOWN, admins=("o_a1",))
    create_org(session, "石龙青年之家", "石龙", OrgKind.YOUTH_HOME)
    create_org(session, "石龙义工协会", "石龙", OrgKind.ORG, admins=("o_a3",))
    create_org(session, "石龙书法社", "石龙", OrgKind.ORG)
    create_org(session, "虎门团委", "虎门", OrgKind.TOWN, admins=("o_h1",))
    create_org(session, "虎门青年之家", "虎门", OrgKind.YOUTH_HOME)
    filing = create_filing(session, "石龙团委", "o_a1", [
        activity("石龙青年沙龙", scale=150, intentions=("goods",)),
        activity("石龙联谊会", scale=250, intentions=("linkage", "training"))])
    filing.items[0].review_state = ReviewState.APPROVED
    create_item(session, "旧物改造", "石龙青年之家", intentions=(Intention.GOODS,), state=ReviewState.REJECTED)
    create_item(session, "十月义诊", "石龙义工协会", month="2017-10")
    create_round(session, settings, "2017-11", entries=3, orgs=("石龙团委", "虎门团委"))
    for number, voter in ((1, "o_v1"), (1, "o_v2"), (2, "o_v3"), (3, "o_v4"), (3, "o_v5")):
        contest.vote(session, create_user(session, voter), number, NOW, settings)
    void_last_vote(session)


def void_last_vote(session: Session) -> None:
    """Void the newest vote (as the fraud checks would)."""
    row = session.scalar(select(Vote).order_by(Vote.id.desc()).limit(1))
    assert row is not None
    row.status = VoteStatus.VOID
    session.execute(update(Round).where(Round.id == row.round_id).values(version=Round.version + 1))
    session.execute(update(Entry).where(Entry.id == row.entry_id).values(valid_votes=Entry.valid_votes - 1))
    session.flush()


def campaign_item(starts_on: dt.date, intentions: list[str], scale: int,
                  state: str = ReviewState.APPROVED, registrations: int | None = None) -> FilingItem:
    """An unsaved activity, enough for the support rules."""
    return FilingItem(filing_id=1, seq=1, town="石龙", name="活动", time_text=str(starts_on),
                      starts_on=starts_on, ends_on=starts_on, location="线上", scale=scale,
                      activity_type="online", description="简介", intentions=intentions,
                      review_state=state, actual_registrations=registrations)
