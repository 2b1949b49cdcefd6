"""The application-intention form (申请意向表): one filing per submission, one item per activity."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow


class Intention(StrEnum):
    """The five kinds of support an activity may apply for (labels live in the text catalog)."""

    CONTEST = "contest"        # 设计大赛
    HEAVY = "heavy"            # 重磅活动发布
    GOODS = "goods"            # 文化品支持
    LINKAGE = "linkage"        # 活动联动支持
    TRAINING = "training"      # 培训支持


class ActivityType(StrEnum):
    """The form's two activity types."""

    OFFLINE = "offline"        # 线下活动
    ONLINE_TOPIC = "online"    # 线上互动话题


class ReviewState(StrEnum):
    """A platform admin's decision on one activity."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def scale_bounds(value: int | dict[str, int]) -> tuple[int | None, int]:
    """A drafted scale as (lower bound or None, planned): 200 or {"low": 150, "high": 200}."""
    if isinstance(value, dict):
        return int(value["low"]), int(value["high"])
    return None, int(value)


def scale_text(value: int | dict[str, int]) -> str:
    """A drafted scale for people: "200" or "150-200"."""
    low, high = scale_bounds(value)
    return f"{low}-{high}" if low is not None else str(high)


class Filing(Base):
    """One submitted form of an organisation."""

    __tablename__ = "filings"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    filed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The draft's id: a second 确认 of the same draft (redelivery, double tap) cannot insert again.
    draft_token: Mapped[str] = mapped_column(String(64), unique=True)
    items: Mapped[list[FilingItem]] = relationship(back_populates="filing", order_by="FilingItem.seq")


class FilingItem(Base):
    """One activity (one row of the form)."""

    __tablename__ = "filing_items"
    __table_args__ = (UniqueConstraint("filing_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    seq: Mapped[int]                                   # 序号
    town: Mapped[str] = mapped_column(String(32))      # 镇街
    name: Mapped[str] = mapped_column(String(100))     # 活动名称
    time_text: Mapped[str] = mapped_column(String(100))  # 活动时间, normalised for display
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    location: Mapped[str] = mapped_column(String(100))   # 活动地点 ("线上" for online topics)
    scale: Mapped[int]                                 # 活动规模: the planned scale (a range's upper bound)
    scale_low: Mapped[int | None]                      # a range's lower bound ("150-200人"), else None
    activity_type: Mapped[str] = mapped_column(String(16))  # ActivityType
    description: Mapped[str] = mapped_column(Text)     # 活动简介
    plan_url: Mapped[str | None] = mapped_column(String(500))
    intentions: Mapped[list[str]] = mapped_column(JSON)  # Intention values
    review_state: Mapped[str] = mapped_column(String(16), default=ReviewState.PENDING, index=True)
    review_reason: Mapped[str | None] = mapped_column(String(200))
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[dt.datetime | None]
    actual_participants: Mapped[int | None]
    actual_registrations: Mapped[int | None]
    actual_interactions: Mapped[int | None]            # interacting users of an online topic
    filing: Mapped[Filing] = relationship(back_populates="items")
    reviews: Mapped[list[FilingReview]] = relationship(back_populates="item", order_by="FilingReview.id")

    @property
    def month(self) -> str:
        """The activity's month, YYYY-MM (its contest pool and export month)."""
        return f"{self.starts_on:%Y-%m}"

    @property
    def scale_text(self) -> str:
        """The planned scale as filed: "200" or the range "150-200"."""
        return f"{self.scale_low}-{self.scale}" if self.scale_low is not None else str(self.scale)

    def has(self, intention: Intention) -> bool:
        """Whether the activity applies for this support."""
        return intention.value in (self.intentions or [])


class FilingReview(Base):
    """One review decision on an activity; the history is kept, the item holds the latest."""

    __tablename__ = "filing_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("filing_items.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))   # ReviewState.APPROVED | REJECTED
    comment: Mapped[str | None] = mapped_column(String(200))
    reviewer: Mapped[str] = mapped_column(String(64))   # an admin's openid, or "cli"
    decided_at: Mapped[dt.datetime]
    changed: Mapped[bool] = mapped_column(default=False)  # it replaced an earlier decision
    item: Mapped[FilingItem] = relationship(back_populates="reviews")
