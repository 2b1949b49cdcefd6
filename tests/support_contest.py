"""Plain helpers for the contest tests: approved filed activities, shortlisted rounds, votes."""
from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.settings import Settings
from models.contest_rounds import Round, default_window, explicit_window
from models.contest_shortlist import shortlist
from models.filing import ActivityType, Filing, FilingItem, Intention, ReviewState
from models.orgs import Organisation
from tests.support import create_org, create_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """An aware moment in Shanghai from 'YYYY-MM-DD HH:MM[:SS]'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def create_item(session: Session, name: str = "青春志愿行", org: str = "石龙团委",
                month: str = "2017-11", intentions: tuple[str, ...] = (Intention.CONTEST,),
                state: str = ReviewState.APPROVED, registrations: int | None = None) -> FilingItem:
    """One filed activity of an organisation (created if new), approved by default."""
    row = session.scalar(select(Organisation).where(Organisation.name == org))
    org_row = row or create_org(session, org, "石龙")
    filer = create_user(session, f"o_filer_{org_row.id}")
    filing = Filing(org_id=org_row.id, filed_by=filer.id, draft_token=uuid.uuid4().hex)
    session.add(filing)
    session.flush()
    start = dt.date.fromisoformat(f"{month}-10")
    item = FilingItem(filing_id=filing.id, seq=1, town=org_row.town, name=name, time_text=str(start),
                      starts_on=start, ends_on=start, location="线上", scale=120,
                      activity_type=ActivityType.ONLINE_TOPIC, description=f"{name}的简介",
                      intentions=list(intentions), review_state=state,
                      actual_registrations=registrations)
    session.add(item)
    session.flush()
    return item


def create_round(session: Session, settings: Settings, month: str = "2017-11", entries: int = 3,
                 first: str | None = None, last: str | None = None,
                 orgs: tuple[str, ...] = ("石龙团委",), prefix: str = "项目") -> Round:
    """A shortlisted round of `entries` approved projects (numbered 1..N)."""
    items = [create_item(session, f"{prefix}{i}", orgs[(i - 1) % len(orgs)], month)
             for i in range(1, entries + 1)]
    c = settings.contest
    window = (explicit_window(dt.date.fromisoformat(first), dt.date.fromisoformat(last), SHANGHAI)
              if first and last else default_window(month, c.voting_opens_day, c.voting_closes_day,
                                                    SHANGHAI))
    return shortlist(session, month, [i.id for i in items], c.shortlist_size, window,
                     window[0] - dt.timedelta(days=1))
