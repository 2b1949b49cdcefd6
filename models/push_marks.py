"""What the sender learnt from WeChat: recipients to skip, and alerts for the platform admins."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.accounts import User
from models.base import Base, utcnow

NOT_FOLLOWER = 43004


class RecipientMark(Base):
    """A follower WeChat refused on a channel (43004 not a follower, 43101 refused a notification)."""

    __tablename__ = "push_recipient_marks"
    __table_args__ = (UniqueConstraint("openid", "channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    code: Mapped[int]
    marked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PushAlert(Base):
    """A stop of the sender that the platform admins must hear of (45009: a daily quota is gone)."""

    __tablename__ = "push_alerts"
    __table_args__ = (UniqueConstraint("channel", "code", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    code: Mapped[int]
    day: Mapped[dt.date]                        # the quota day (in the scheduler's time zone)
    message: Mapped[str] = mapped_column(String(500))
    halted_until: Mapped[dt.datetime]           # no sends on this channel before this time
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def mark_recipient(session: Session, openid: str, channel: str, code: int, now: dt.datetime) -> None:
    """Remember that WeChat refused this recipient on this channel."""
    exists = session.scalar(select(RecipientMark).where(RecipientMark.openid == openid,
                                                        RecipientMark.channel == channel))
    if exists is None:
        session.add(RecipientMark(openid=openid, channel=channel, code=code, marked_at=now))


def mark_unsubscribed(session: Session, openid: str, now: dt.datetime) -> None:
    """43004: the recipient no longer follows the account; record it like an unsubscribe event."""
    user = session.scalar(select(User).where(User.openid == openid))
    if user is not None and user.subscribed:
        user.subscribed, user.unsubscribed_at = False, now


def refused(session: Session, openid: str, channel: str) -> bool:
    """Whether this recipient refused this channel (a 43004 ends when they follow again)."""
    mark = session.scalar(select(RecipientMark).where(RecipientMark.openid == openid,
                                                      RecipientMark.channel == channel))
    if mark is None:
        return False
    if mark.code != NOT_FOLLOWER:
        return True
    user = session.scalar(select(User).where(User.openid == openid))
    return not (user and user.subscribed_at and user.subscribed_at > mark.marked_at)


def raise_alert(session: Session, channel: str, code: int, day: dt.date, message: str,
                halted_until: dt.datetime) -> PushAlert | None:
    """Record a stop once per channel, code and day; None when it was recorded before."""
    stmt = select(PushAlert).where(PushAlert.channel == channel, PushAlert.code == code,
                                   PushAlert.day == day)
    if session.scalar(stmt) is not None:
        return None
    alert = PushAlert(channel=channel, code=code, day=day, message=message, halted_until=halted_until)
    session.add(alert)
    session.flush()
    return alert


def halted_channels(session: Session, now: dt.datetime) -> set[str]:
    """Channels whose daily quota is gone until a later time."""
    return set(session.scalars(select(PushAlert.channel).where(PushAlert.halted_until > now)))


def recent_alerts(session: Session, limit: int = 5) -> list[PushAlert]:
    """The newest alerts first."""
    return list(session.scalars(select(PushAlert).order_by(PushAlert.id.desc()).limit(limit)))
