"""Followers who asked to hear a month's contest results (订阅结果)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, utcnow


class ResultSubscription(Base):
    """One follower's wish to be told one month's winners."""

    __tablename__ = "result_subscriptions"
    __table_args__ = (UniqueConstraint("openid", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7), index=True)   # YYYY-MM of the round
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def subscribe(session: Session, openid: str, month: str, now: dt.datetime) -> bool:
    """Subscribe a follower to a month's results; False when they already were."""
    stmt = select(ResultSubscription.id).where(ResultSubscription.openid == openid,
                                               ResultSubscription.month == month)
    if session.scalar(stmt) is not None:
        return False
    session.add(ResultSubscription(openid=openid, month=month, created_at=now))
    session.flush()
    return True


def unsubscribe(session: Session, openid: str, month: str) -> bool:
    """Withdraw a subscription; False when there was none."""
    row = session.scalar(select(ResultSubscription).where(ResultSubscription.openid == openid,
                                                          ResultSubscription.month == month))
    if row is None:
        return False
    session.delete(row)
    return True


def subscribers(session: Session, month: str) -> list[str]:
    """The openids subscribed to a month's results, oldest first."""
    stmt = (select(ResultSubscription.openid).where(ResultSubscription.month == month)
            .order_by(ResultSubscription.id))
    return list(session.scalars(stmt))
