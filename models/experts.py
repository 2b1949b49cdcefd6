"""The expert alliance (专家服务联盟): experts, their monthly figures, and evaluated periods."""
from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from pathlib import Path

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.settings import PROJECT_ROOT
from core.texts import t
from models.accounts import User
from models.base import Base, utcnow

QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
NAME_MAX = 50  # the experts.name column; names are refused beyond it, not cut
PLATFORM_ID_MAX = 64


class Expert(Base):
    """A member of the expert alliance; bound to at most one follower."""

    __tablename__ = "experts"
    __table_args__ = (UniqueConstraint("name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    field: Mapped[str] = mapped_column(String(16))
    platform_id: Mapped[str | None] = mapped_column(String(PLATFORM_ID_MAX), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ExpertMonth(Base):
    """One expert's figures for one month, as exported by the Youth Voice platform."""

    __tablename__ = "expert_months"
    __table_args__ = (UniqueConstraint("expert_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)     # YYYY-MM
    answers: Mapped[int]
    interacted: Mapped[int]                                       # answers that drew an interaction
    questions: Mapped[int | None]
    likes: Mapped[int | None]
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ExpertPeriod(Base):
    """A month that was evaluated (YYYY-MM) or a quarter whose top experts were chosen (YYYY-QN)."""

    __tablename__ = "expert_periods"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: a second evaluation of the same period, even a concurrent one, cannot insert again.
    period: Mapped[str] = mapped_column(String(7), unique=True)
    done_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


@functools.cache
def load_fields(path: str) -> tuple[str, ...]:
    """The experts' fields (法律, 心理, ...) from the editable data file."""
    file = Path(path) if Path(path).is_absolute() else PROJECT_ROOT / path
    with file.open("rb") as fh:
        return tuple(tomllib.load(fh)["fields"])


def add_expert(session: Session, name: str, field: str, platform_id: str | None = None) -> Expert:
    """Register an expert."""
    expert = Expert(name=name, field=field, platform_id=platform_id or None)
    session.add(expert)
    session.flush()
    return expert


def expert_by_name(session: Session, name: str) -> Expert | None:
    """The expert of that name, or None."""
    return session.scalar(select(Expert).where(Expert.name == name))


def expert_of(session: Session, user: User) -> Expert | None:
    """The expert this follower is bound to, or None."""
    return session.scalar(select(Expert).where(Expert.user_id == user.id))


def experts_by_id(session: Session, ids: list[int]) -> dict[int, Expert]:
    """The experts with these ids."""
    return {e.id: e for e in session.scalars(select(Expert).where(Expert.id.in_(ids)))}


def bind_expert(session: Session, user: User, expert_id: int) -> str:
    """Bind the follower to the expert (the newest code wins on both sides); name what they joined."""
    expert = session.get(Expert, expert_id)
    if expert is None:
        raise LookupError(expert_id)
    previous = expert_of(session, user)
    if previous is not None and previous.id != expert.id:
        previous.user_id = None
        session.flush()  # free the unique user_id before it moves
    expert.user_id = user.id
    session.flush()
    return t("experts.bind_target", field=expert.field, name=expert.name)


def quarter_of(month: str) -> str:
    """The quarter YYYY-QN a month YYYY-MM belongs to."""
    year, mon = month.split("-")
    return f"{year}-Q{(int(mon) - 1) // 3 + 1}"


def months_of(quarter: str) -> tuple[str, str, str]:
    """The three months YYYY-MM of a quarter YYYY-QN."""
    match = QUARTER_RE.match(quarter)
    if not match:
        raise ValueError(quarter)
    year, q = match.group(1), int(match.group(2))
    first = 3 * (q - 1) + 1
    return tuple(f"{year}-{m:02d}" for m in range(first, first + 3))  # type: ignore[return-value]


def next_month_start(month: str) -> dt.date:
    """The first day after a month YYYY-MM."""
    year, mon = (int(p) for p in month.split("-"))
    return dt.date(year + mon // 12, mon % 12 + 1, 1)


def month_ended(month: str, today: dt.date) -> bool:
    """Whether a month YYYY-MM is over on this (Beijing) day."""
    return today >= next_month_start(month)


def previous_month(day: dt.date) -> str:
    """The month YYYY-MM before the one containing day."""
    last = day.replace(day=1) - dt.timedelta(days=1)
    return f"{last:%Y-%m}"
