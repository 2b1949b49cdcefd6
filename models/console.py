"""The operators' console: its accounts, the login throttle and the audit log of every change."""
from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, utcnow


class ConsoleRole(StrEnum):
    """What a console account may do: admins change things, viewers only look."""

    ADMIN = "admin"
    VIEWER = "viewer"


class ConsoleUser(Base):
    """A person who logs in to /admin/ (the password is stored hashed only)."""

    __tablename__ = "console_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]


class LoginFailure(Base):
    """One wrong login, kept so the throttle holds across processes and restarts."""

    __tablename__ = "console_login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)


class AuditEntry(Base):
    """One change made in the console: who, what, when, and the state before and after."""

    __tablename__ = "console_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48), index=True)
    target: Mapped[str] = mapped_column(String(100), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


@dataclasses.dataclass(frozen=True)
class Throttle:
    """The login throttle's numbers (from the settings)."""

    per_account: int
    per_address: int
    minutes: int


def user_by_name(session: Session, username: str) -> ConsoleUser | None:
    """The console account of that name, if any."""
    return session.scalar(select(ConsoleUser).where(ConsoleUser.username == username))


def add_user(session: Session, username: str, password_hash: str, role: ConsoleRole,
             now: dt.datetime) -> ConsoleUser:
    """Create an account; raise ValueError when the name is taken."""
    if user_by_name(session, username) is not None:
        raise ValueError(username)
    user = ConsoleUser(username=username, password_hash=password_hash, role=role, created_at=now)
    session.add(user)
    session.flush()
    return user


def locked_until(session: Session, username: str, address: str, rules: Throttle,
                 now: dt.datetime) -> dt.datetime | None:
    """When the account or the address may try again, or None when it may try now."""
    since = now - dt.timedelta(minutes=rules.minutes)
    waits = [_wait(session, LoginFailure.username == username, rules.per_account, since),
             _wait(session, LoginFailure.address == address, rules.per_address, since)]
    ends = [w + dt.timedelta(minutes=rules.minutes) for w in waits if w is not None]
    return max(ends) if ends else None


def _wait(session: Session, who: Any, limit: int, since: dt.datetime) -> dt.datetime | None:
    """The time of the failure that reached the limit inside the window, if the limit is reached."""
    stmt = (select(LoginFailure.at).where(who, LoginFailure.at > since)
            .order_by(LoginFailure.at.desc()).offset(limit - 1).limit(1))
    return session.scalar(stmt)


def record_failure(session: Session, username: str, address: str, now: dt.datetime) -> None:
    """Count one wrong login against the account name and the address."""
    session.add(LoginFailure(username=username[:64], address=address[:64], at=now))


def clear_failures(session: Session, username: str) -> None:
    """Forget an account's failures after it logged in (the address's stay counted)."""
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))


def audit(session: Session, actor: str, action: str, target: str, now: dt.datetime,
          before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEntry:
    """Write one change to the audit log in the caller's transaction."""
    entry = AuditEntry(at=now, actor=actor, action=action, target=target[:100], before=before,
                       after=after)
    session.add(entry)
    session.flush()
    return entry


def audit_log(session: Session, limit: int, target: str | None = None) -> list[AuditEntry]:
    """The newest audit entries, all or one target's."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if target is not None:
        stmt = stmt.where(AuditEntry.target == target)
    return list(session.scalars(stmt))


def audit_count(session: Session) -> int:
    """How many changes the audit log holds."""
    return session.scalar(select(func.count(AuditEntry.id))) or 0
