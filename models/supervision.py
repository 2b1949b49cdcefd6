"""The supervisor service (督导专员服务): who supervises which town, and each town's platform data.

A town's figures cover the organisations registered in it (Organisation.town) and, for filings,
the activities of those organisations that start within the campaign's activity window.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.settings import CampaignSettings, Settings, SupportSettings
from models import contest
from models.accounts import BindingCode, Supervisor, User, new_code
from models.contest_rank import Standing
from models.filing import Filing, FilingItem, ReviewState
from models.orgs import OrgAdmin, Organisation
from models.support import assess_item

KIND = "supervisor"  # the binding code's kind; its town is in target_text


@dataclasses.dataclass(frozen=True)
class OrgFigures:
    """The town's registered organisations."""

    by_kind: dict[str, int]
    with_admin: int

    @property
    def total(self) -> int:
        """All organisations of the town."""
        return sum(self.by_kind.values())


@dataclasses.dataclass(frozen=True)
class FilingFigures:
    """The campaign's filings of the town's organisations and their activities by review state."""

    filings: int
    by_state: dict[str, int]

    @property
    def activities(self) -> int:
        """All filed activities of the campaign."""
        return sum(self.by_state.values())


@dataclasses.dataclass(frozen=True)
class SupportFigures:
    """What the plan's supports give the town's activities that are not rejected."""

    applied: dict[str, int]       # Intention value -> activities applying for it
    eligible: dict[str, int]      # Intention value -> of those, activities the rules admit
    goods_items: int              # 文化品支持: items over all eligible activities
    cohost: int                   # 活动联动支持 at the co-host level
    lecturer: int                 # 培训支持 with course design and lecturer


@dataclasses.dataclass(frozen=True)
class ContestFigures:
    """The town's organisations in the contest round chat shows now."""

    month: str
    state: str
    total_entries: int
    entries: tuple[Standing, ...]   # the town's entries, best rank first

    @property
    def votes(self) -> int:
        """Valid votes on the town's entries."""
        return sum(s.votes for s in self.entries)


def issue_code(session: Session, town: str, ttl: dt.timedelta, now: dt.datetime) -> BindingCode:
    """A one-time code that makes its redeemer the supervisor of the town."""
    return new_code(session, KIND, 0, ttl, now, target_text=town)


def bind_supervisor(session: Session, user: User, code: BindingCode) -> str:
    """Make the user the town's supervisor (one per town: the newest binding wins); name the town."""
    town = code.target_text
    if not town:
        raise LookupError(code.id)
    session.execute(delete(Supervisor).where(Supervisor.town == town, Supervisor.user_id != user.id))
    if town not in towns_of(session, user):
        session.add(Supervisor(user_id=user.id, town=town))
    session.flush()
    return town


def towns_of(session: Session, user: User) -> list[str]:
    """The towns the user supervises, in binding order."""
    stmt = select(Supervisor.town).where(Supervisor.user_id == user.id).order_by(Supervisor.id)
    return list(session.scalars(stmt))


def supervisor_openids(session: Session) -> dict[str, list[str]]:
    """Town -> openids of its bound supervisors."""
    rows = session.execute(select(Supervisor.town, User.openid).join(User, User.id == Supervisor.user_id)
                           .order_by(Supervisor.id)).all()
    out: dict[str, list[str]] = {}
    for town, openid in rows:
        out.setdefault(town, []).append(openid)
    return out


def org_figures(session: Session, town: str) -> OrgFigures:
    """The town's organisations by kind, and how many have at least one bound admin."""
    kinds = session.execute(select(Organisation.kind, func.count(Organisation.id))
                            .where(Organisation.town == town).group_by(Organisation.kind)).tuples().all()
    admins = (select(func.count(func.distinct(OrgAdmin.org_id)))
              .join(Organisation, Organisation.id == OrgAdmin.org_id).where(Organisation.town == town))
    return OrgFigures(dict(kinds), session.scalar(admins) or 0)


def campaign_items(session: Session, town: str, campaign: CampaignSettings) -> list[FilingItem]:
    """Activities of the town's organisations that start within the campaign's activity window."""
    stmt = (select(FilingItem).join(Filing, Filing.id == FilingItem.filing_id)
            .join(Organisation, Organisation.id == Filing.org_id)
            .where(Organisation.town == town, FilingItem.starts_on >= campaign.activities_from,
                   FilingItem.starts_on <= campaign.activities_to).order_by(FilingItem.id))
    return list(session.scalars(stmt))


def filing_figures(items: list[FilingItem]) -> FilingFigures:
    """Filings holding these activities, and the activities by review state."""
    states = Counter(item.review_state for item in items)
    return FilingFigures(len({item.filing_id for item in items}),
                         {state.value: states[state.value] for state in ReviewState})


def support_figures(items: list[FilingItem], rules: SupportSettings) -> SupportFigures:
    """Apply the support rules to every activity not rejected."""
    applied: Counter[str] = Counter()
    eligible: Counter[str] = Counter()
    goods = cohost = lecturer = 0
    for item in (i for i in items if i.review_state != ReviewState.REJECTED):
        for result in assess_item(item, rules):
            applied[result.intention.value] += 1
            eligible[result.intention.value] += result.eligible
            goods += result.quantity
            cohost += result.level == "cohost"
            lecturer += result.level == "lecturer"
    return SupportFigures(dict(applied), dict(eligible), goods, cohost, lecturer)


def unfiled_orgs(session: Session, town: str, items: list[FilingItem]) -> list[str]:
    """Names of the town's organisations with no activity among these, in registration order."""
    filed = select(Filing.org_id).where(Filing.id.in_({item.filing_id for item in items}))
    stmt = (select(Organisation.name).where(Organisation.town == town, Organisation.id.not_in(filed))
            .order_by(Organisation.id))
    return list(session.scalars(stmt))


def contest_figures(session: Session, town: str, now: dt.datetime,
                    settings: Settings) -> ContestFigures | None:
    """The town's entries in the round chat shows now, with their valid votes; None without one."""
    row = contest.round_for_chat(session, now, settings)
    if row is None:
        return None
    if row.state in (contest.RoundState.CLOSED, contest.RoundState.ANNOUNCED):
        standings = list(contest.results(session, row.month).standings)
    else:
        standings = contest.board(session, row)
    orgs = set(session.scalars(select(Organisation.id).where(Organisation.town == town)))
    mine = sorted((s for s in standings if s.org_id in orgs), key=lambda s: (s.rank, s.number))
    return ContestFigures(row.month, row.state, len(standings), tuple(mine))
