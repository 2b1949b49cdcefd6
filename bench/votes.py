"""The vote path of the benches: an open voting round with shortlisted entries, set up via the models."""
from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import time
import uuid
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench import loadgen, wire
from bot.db import Database
from core.settings import EXAMPLE_CONFIG, read_toml
from models.accounts import get_or_create_user
from models.contest_rounds import explicit_window, month_of
from models.contest_shortlist import shortlist
from models.contest_votes import Vote
from models.filing import ActivityType, Filing, FilingItem, Intention, ReviewState
from models.orgs import OrgKind, add_org

ENTRIES = 30
TZ = ZoneInfo(read_toml(EXAMPLE_CONFIG)["scheduler"]["timezone"])
# The bench's votes are a burst by design: the burst alarm would only add admin alerts.
CONFIG: dict[str, dict[str, object]] = {"contest": {"burst_min_votes": 10**9, "min_seconds_between_votes": 0.0}}
_msg_ids = itertools.count(int(time.time()) * 10_000_000 + 5_000_000_000)


@dataclasses.dataclass
class Voting:
    """A round open now with ENTRIES entries; each vote comes from its own follower, never seen."""

    database: Database
    confirmation: str = "点赞成功"
    voters: int = 0
    tags: dict[str, tuple[int, int]] = dataclasses.field(default_factory=dict)  # tag -> (first voter, count)
    sent_ids: dict[tuple[str, int], int] = dataclasses.field(default_factory=dict)

    def add_voters(self, tag: str, count: int) -> None:
        """Reserve `count` followers the bot has never seen for the requests of `tag` (one vote
        each): existing followers of the account, whose first message is a vote."""
        first = self.voters
        self.voters += count
        self.tags[tag] = (first, count)

    def _plain(self, tag: str, i: int, msg_id: int) -> bytes:
        first, count = self.tags[tag]
        if i >= count:
            raise ValueError("more votes than prepared voters")  # counted as an error, never hidden
        return wire.text_xml(f"bench-voter-{first + i}", f"投票 {i % ENTRIES + 1}", msg_id)

    def request(self, safe: bool, tag: str, age: int = 0) -> loadgen.MakeRequest:
        """Request i: voter i of the tag votes for entry i mod 30 + 1 (its MsgId kept for retries),
        signed `age` seconds before it is made (a pool signed beforehand: see bench/webhook.py)."""
        return self.request_signed_at(safe, tag, lambda i: int(time.time()) - age)

    def request_signed_at(self, safe: bool, tag: str, timestamp: Callable[[int], int]) -> loadgen.MakeRequest:
        """Request i: voter i of the tag votes for entry i mod 30 + 1 (its MsgId kept for retries),
        signed with the time `timestamp(i)` (e.g. when it is due: see bench/overload.py)."""
        def make(i: int) -> tuple[str, bytes]:
            msg_id = self.sent_ids.setdefault((tag, i), next(_msg_ids))
            return wire.signed(self._plain(tag, i, msg_id), safe, timestamp(i))
        return make

    def count(self, tag: str | None = None) -> int:
        """Valid votes in SQL (of one tag's voters, or all)."""
        query = select(func.count()).select_from(Vote)
        if tag is not None:
            first, count = self.tags[tag]
            names = [f"bench-voter-{first + i}" for i in range(count)]
            query = query.where(Vote.openid.in_(names))
        with self.database.session() as s:
            return s.scalar(query) or 0

    def voted(self, tag: str) -> set[int]:
        """Indexes of the tag's voters whose vote is in SQL, and no voter twice."""
        first, count = self.tags[tag]
        with self.database.session() as s:
            openids = s.scalars(select(Vote.openid).where(Vote.openid.like("bench-voter-%"))).all()
        indexes = [int(o.rsplit("-", 1)[1]) - first for o in openids]
        mine = [i for i in indexes if 0 <= i < count]
        if len(mine) != len(set(mine)):
            raise AssertionError("a voter's vote was counted twice")
        return set(mine)

    def check_after_retry(self, confirmed: set[int], retried: int, tag: str) -> str:
        """'' when every confirmed vote is in SQL and, after the shed ones were handled, every vote sent is."""
        try:
            counted = self.voted(tag)
        except AssertionError as exc:
            return str(exc)
        sent = {i for (t, i) in self.sent_ids if t == tag}
        if not confirmed <= counted:
            return f"{len(confirmed - counted)} confirmed votes missing from SQL"
        if counted != sent:
            return f"{len(sent - counted)} of {len(sent)} votes missing after {retried} were shed"
        return ""


def prepare(database: Database) -> Voting:
    """A round open now for `投票 N`."""
    _open_round(database)
    return Voting(database)


def _open_round(database: Database) -> None:
    """Shortlist ENTRIES approved activities in this month's round, voting open today."""
    now = dt.datetime.now(TZ)
    month = month_of(now, TZ)
    with database.session() as s:
        items = _approved_items(s, month, ENTRIES)
        window = explicit_window(now.date() - dt.timedelta(days=1), now.date() + dt.timedelta(days=1), TZ)
        shortlist(s, month, items, ENTRIES, window, window[0] - dt.timedelta(days=1))


def _approved_items(session: Session, month: str, n: int) -> list[int]:
    """n approved filed activities for the contest, of one organisation."""
    org = add_org(session, "石龙团委", "石龙", OrgKind.TOWN)
    filer = get_or_create_user(session, "bench-filer")
    filing = Filing(org_id=org.id, filed_by=filer.id, draft_token=uuid.uuid4().hex)
    session.add(filing)
    session.flush()
    day = dt.date.fromisoformat(f"{month}-10")
    items = [FilingItem(filing_id=filing.id, seq=i, town="石龙", name=f"项目{i}", time_text=str(day),
                        starts_on=day, ends_on=day, location="线上", scale=120,
                        activity_type=ActivityType.ONLINE_TOPIC, description=f"项目{i}的简介",
                        intentions=[Intention.CONTEST], review_state=ReviewState.APPROVED)
             for i in range(1, n + 1)]
    session.add_all(items)
    session.flush()
    return [item.id for item in items]
