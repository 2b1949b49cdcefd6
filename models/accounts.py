"""Followers, roles and one-time binding codes."""
from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, utcnow

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed on phones
CODE_LENGTH = 8


class Role(StrEnum):
    """What a follower may do."""

    YOUTH = "youth"
    ORG_ADMIN = "org_admin"
    EXPERT = "expert"
    SUPERVISOR = "supervisor"
    PLATFORM_ADMIN = "platform_admin"


class User(Base):
    """A follower of the official account, known by openid."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    subscribed: Mapped[bool] = mapped_column(default=False)
    subscribed_at: Mapped[dt.datetime | None]
    unsubscribed_at: Mapped[dt.datetime | None]
    # WeChat's subscribe_scene (ADD_SCENE_QR_CODE, ADD_SCENE_SEARCH...) and, for a follow by a
    # parametric QR code, its scene string; both None while unknown (subscribed_at too).
    subscribe_scene: Mapped[str | None] = mapped_column(String(64))
    qr_scene_str: Mapped[str | None] = mapped_column(String(64))
    # The `followers sync` pass that last found this openid in WeChat's follower list.
    listed_in_sync: Mapped[int | None]
    last_message_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BindingCode(Base):
    """A one-time code that makes a follower the admin of an organisation, an expert, ..."""

    __tablename__ = "binding_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int]
    # A target that is not a row (a supervisor's town); its codes carry target_id 0.
    target_text: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Supervisor(Base):
    """A university-student supervisor (督导专员) of one town or street; one row per town covered."""

    __tablename__ = "supervisors"
    __table_args__ = (UniqueConstraint("user_id", "town"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    town: Mapped[str] = mapped_column(String(32))


def get_or_create_user(session: Session, openid: str) -> User:
    """Find the follower by openid, creating the row on first contact."""
    user = session.scalar(select(User).where(User.openid == openid))
    if user is None:
        user = User(openid=openid)
        session.add(user)
        session.flush()
    return user


def new_code(session: Session, kind: str, target_id: int, ttl: dt.timedelta,
             now: dt.datetime | None = None, target_text: str | None = None) -> BindingCode:
    """Issue a fresh one-time binding code for a target."""
    now = now or utcnow()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = BindingCode(code=code, kind=kind, target_id=target_id, target_text=target_text,
                      created_at=now, expires_at=now + ttl)
    session.add(row)
    session.flush()
    return row


def normalise_code(text: str) -> str:
    """Codes are case-insensitive and may be typed with spaces."""
    return "".join(text.split()).upper()


def redeem_code(session: Session, code: str, user: User, now: dt.datetime) -> BindingCode | None:
    """Mark a valid, unused, unexpired code as used by this user; None if it is not."""
    row = session.scalar(select(BindingCode).where(BindingCode.code == normalise_code(code))
                         .with_for_update())
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    row.used_at = now
    row.used_by = user.id
    return row
