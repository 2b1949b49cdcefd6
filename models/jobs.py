"""Scheduled jobs' bookkeeping: up to when each job's runs are done (survives restarts)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base


class JobRun(Base):
    """One scheduled job: every run due at or before `covered_until` has been made."""

    __tablename__ = "job_runs"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    covered_until: Mapped[dt.datetime]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    runs: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


def job_run(session: Session, name: str, since: dt.datetime) -> JobRun:
    """The job's row, locked for this transaction; a job never run before is covered until `since`."""
    row = session.get(JobRun, name, with_for_update=True)
    if row is not None:
        return row
    row = JobRun(name=name, covered_until=since)
    session.add(row)
    session.flush()
    return row


def all_runs(session: Session) -> list[JobRun]:
    """Every job's row, by name."""
    return list(session.scalars(select(JobRun).order_by(JobRun.name)))
