"""Manual corrections of an activity's actual numbers (`filing actuals`), kept as a log.

The loop's counts (registrations, check-ins) are the actual numbers. A correction is explicit:
an operator names the figure, the new number and a reason, and it is logged with who and when.
While a correction stands it wins for its figure (the support rules use it, e.g. a paper sign-in
sheet for people who never scanned), and every view shows it as 人工修正 next to the loop's count.
Clearing a correction (after = None) gives the figure back to the loop.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.activities import Activity
from models.activity_figures import figures
from models.base import Base, utcnow
from models.filing import FilingItem

FIGURES = ("participants", "registrations", "interactions")


class CorrectionError(ValueError):
    """A correction that cannot be recorded (`code` names why)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Correction(Base):
    """One manual correction of one figure of one filed activity."""

    __tablename__ = "actual_corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("filing_items.id"), index=True)
    figure: Mapped[str] = mapped_column(String(16))           # one of FIGURES
    before: Mapped[int | None]     # the number in effect before: an earlier correction, or the loop's
    after: Mapped[int | None]      # the corrected number; None = correction removed, the loop's again
    loop: Mapped[int | None]       # the loop's own count at the time (None: not counted by the loop)
    reason: Mapped[str] = mapped_column(String(200))
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def loop_numbers(session: Session, item_id: int) -> dict[str, int | None]:
    """The loop's own count of each figure (None where the activity was never published)."""
    activity = session.scalar(select(Activity).where(Activity.item_id == item_id))
    if activity is None:
        return dict.fromkeys(FIGURES)
    loop = figures(session, activity.id)
    return {"participants": loop.participants, "registrations": loop.registrations + loop.walk_ins,
            "interactions": None}


def correct(session: Session, item_id: int, changes: dict[str, int | None], reason: str, by: str,
            now: dt.datetime) -> tuple[FilingItem, list[Correction]]:
    """Set (or, with None, remove) corrected figures and log each change with who, when and why."""
    item = session.get(FilingItem, item_id)
    if item is None:
        raise CorrectionError("unknown")
    if not changes:
        raise CorrectionError("nothing")
    reason = " ".join(reason.split())
    if not reason:
        raise CorrectionError("reason")
    loop = loop_numbers(session, item_id)
    logged = []
    for figure, after in changes.items():
        current = getattr(item, f"actual_{figure}")
        before = current if current is not None else loop[figure]
        setattr(item, f"actual_{figure}", after)
        row = Correction(item_id=item_id, figure=figure, before=before, after=after, loop=loop[figure],
                         reason=reason[:200], by=by[:64], at=now)
        session.add(row)
        logged.append(row)
    session.flush()
    return item, logged


def in_effect(session: Session, item: FilingItem) -> list[Correction]:
    """The standing correction of each corrected figure (its latest log row), in FIGURES order."""
    standing = []
    for figure in FIGURES:
        if getattr(item, f"actual_{figure}") is None:
            continue
        row = session.scalar(select(Correction).where(Correction.item_id == item.id,
                                                      Correction.figure == figure)
                             .order_by(Correction.at.desc(), Correction.id.desc()).limit(1))
        if row is not None:
            standing.append(row)
    return standing


def history(session: Session, item_id: int) -> list[Correction]:
    """Every correction of an activity, oldest first."""
    return list(session.scalars(select(Correction).where(Correction.item_id == item_id)
                                .order_by(Correction.at, Correction.id)))
