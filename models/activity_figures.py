"""The plan's numbers taken from the loop: per activity, per organisation, and the support
verdicts applied again on them."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.settings import SupportSettings
from models.activities import Activity, Rating, Registration, RegState
from models.contest_rounds import Entry
from models.filing import FilingItem
from models.support import Actuals, Basis, SupportResult, assess


@dataclasses.dataclass(frozen=True)
class Figures:
    """One activity's (or one organisation's summed) loop figures."""

    registrations: int = 0       # holding a place (registered, checked in or not)
    waiting: int = 0
    cancelled: int = 0
    participants: int = 0        # checked in (registered and walk-ins)
    walk_ins: int = 0
    checked_out: int = 0
    ratings: int = 0
    score_total: int = 0
    comments: int = 0
    votes: int = 0               # contest votes of the organisation's projects

    @property
    def average(self) -> float | None:
        """The mean score, None without ratings."""
        return self.score_total / self.ratings if self.ratings else None

    def __add__(self, other: Figures) -> Figures:
        """Sum two sets of figures."""
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                          for f in dataclasses.fields(self)})


def figures(session: Session, activity_id: int) -> Figures:
    """Count one activity's registrations, check-ins and ratings."""
    stmt = (select(Registration.state, func.count()).where(Registration.activity_id == activity_id)
            .group_by(Registration.state))
    states: dict[str, int] = {state: int(n) for state, n in session.execute(stmt).tuples()}
    checked = session.execute(select(func.count(Registration.checked_in_at),
                                     func.count(Registration.checked_out_at))
                              .where(Registration.activity_id == activity_id)).one()
    rated = session.execute(select(func.count(), func.coalesce(func.sum(Rating.score), 0),
                                   func.count(Rating.comment))
                            .where(Rating.activity_id == activity_id)).one()
    return Figures(registrations=int(states.get(RegState.REGISTERED, 0)),
                   waiting=int(states.get(RegState.WAITING, 0)),
                   cancelled=int(states.get(RegState.CANCELLED, 0)),
                   participants=int(checked[0]), walk_ins=int(states.get(RegState.WALK_IN, 0)),
                   checked_out=int(checked[1]), ratings=int(rated[0]), score_total=int(rated[1]),
                   comments=int(rated[2]))


def org_figures(session: Session, org_id: int) -> Figures:
    """An organisation's activities summed, plus the contest votes of its projects (重磅活动)."""
    total = Figures()
    for activity_id in session.scalars(select(Activity.id).where(Activity.org_id == org_id)):
        total = total + figures(session, activity_id)
    votes = session.scalar(select(func.coalesce(func.sum(Entry.valid_votes), 0))
                           .where(Entry.org_id == org_id))
    return dataclasses.replace(total, votes=int(votes or 0))


def town_figures(session: Session, town: str) -> tuple[int, Figures]:
    """How many activities of a town were published, and their figures summed."""
    ids = list(session.scalars(select(Activity.id).join(FilingItem, FilingItem.id == Activity.item_id)
                               .where(FilingItem.town == town)))
    total = Figures()
    for activity_id in ids:
        total = total + figures(session, activity_id)
    return len(ids), total


def loop_basis(item: FilingItem, loop: Figures, started: bool) -> Basis:
    """The support rules' numbers from the loop; a figure corrected by hand (filing actuals) wins.

    Participants count once the activity has begun (before, nobody could have checked in).
    The one place that turns the loop's figures into the support rules' input.
    """
    participants = item.actual_participants
    if participants is None and (started or loop.participants):
        participants = loop.participants
    registrations = item.actual_registrations
    if registrations is None:
        registrations = loop.registrations + loop.walk_ins
    return Basis(scale=item.scale, month=item.month,
                 actual=Actuals(participants=participants, registrations=registrations,
                                interactions=item.actual_interactions))


def actual_verdicts(session: Session, activity: Activity, rules: SupportSettings,
                    now: dt.datetime) -> tuple[Figures, list[SupportResult]]:
    """The activity's figures and its support verdicts applied again on them."""
    loop = figures(session, activity.id)
    basis = loop_basis(activity.item, loop, now >= activity.starts_at)
    return loop, assess(basis, list(activity.item.intentions), rules)
