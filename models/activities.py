"""The activity loop's tables: a published activity, its registrations, ratings, remembered details.

The rules that work on them live in models/activity_rules.py; this module is the schema and the
small facts derived from one row (its time window, whether registration is open).
"""
from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.filing import FilingItem

SCENE_PREFIX = "act_"   # every check-in code's scene_str starts so; the rest is a random token
CLOCKS = re.compile(r"\b(\d{2}):(\d{2})\b")


class RegState(StrEnum):
    """Where a person stands with one activity."""

    REGISTERED = "registered"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    WALK_IN = "walk_in"       # checked in without a registration, where the activity allows it


class Activity(Base):
    """An approved filed activity opened for registration (one per filed item)."""

    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("filing_items.id"), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    capacity: Mapped[int | None]                      # None = no limit
    deadline: Mapped[dt.datetime]                     # registration closes (exclusive)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]                      # exclusive
    walk_ins: Mapped[bool] = mapped_column(default=True)
    checkout: Mapped[bool] = mapped_column(default=False)
    checkin_scene: Mapped[str] = mapped_column(String(32), unique=True)
    checkout_scene: Mapped[str] = mapped_column(String(32), unique=True)
    # Tickets order the waiting list; handed out under the activity's row lock.
    next_ticket: Mapped[int] = mapped_column(default=1)
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str] = mapped_column(String(64))
    invited_at: Mapped[dt.datetime | None]            # participants were invited to rate
    erased_at: Mapped[dt.datetime | None]             # the registrants' mobiles were removed
    item: Mapped[FilingItem] = relationship()

    @property
    def number(self) -> int:
        """The number people type: the filed activity's 活动编号."""
        return self.item_id


class Registration(Base):
    """One person's registration, waiting place or walk-in for one activity."""

    __tablename__ = "activity_registrations"
    __table_args__ = (UniqueConstraint("activity_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    mobile: Mapped[str | None] = mapped_column(String(11))   # personal data: erased after the activity
    state: Mapped[str] = mapped_column(String(16), index=True)
    ticket: Mapped[int]
    registered_at: Mapped[dt.datetime]
    cancelled_at: Mapped[dt.datetime | None]
    promoted_at: Mapped[dt.datetime | None]
    checked_in_at: Mapped[dt.datetime | None]
    checked_out_at: Mapped[dt.datetime | None]
    reminded_at: Mapped[dt.datetime | None]


class Rating(Base):
    """A participant's score (1-5) and optional comment; a second rating replaces the first."""

    __tablename__ = "activity_ratings"
    __table_args__ = (UniqueConstraint("activity_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(String(500))
    rated_at: Mapped[dt.datetime]
    hidden_at: Mapped[dt.datetime | None]
    hidden_by: Mapped[str | None] = mapped_column(String(64))


class CommentHide(Base):
    """The log of hidden comments: which comment (its text then), who hid it, when."""

    __tablename__ = "activity_comment_hides"
    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("activity_ratings.id"), index=True)
    comment: Mapped[str] = mapped_column(String(500))
    hidden_by: Mapped[str] = mapped_column(String(64))
    hidden_at: Mapped[dt.datetime]


class Participant(Base):
    """The name and mobile a follower registered with, remembered for their next registration."""

    __tablename__ = "activity_participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    mobile: Mapped[str | None] = mapped_column(String(11))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PendingStep(StrEnum):
    """What a registration in progress waits for."""

    NAME = "name"
    MOBILE = "mobile"
    CONFIRM = "confirm"


class PendingSignup(Base):
    """A registration in progress (报名 N asked a question): kept in SQL so nothing is lost."""

    __tablename__ = "activity_pending"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    step: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(40))
    mobile: Mapped[str | None] = mapped_column(String(11))
    updated_at: Mapped[dt.datetime]


def time_window(item: FilingItem, tz: ZoneInfo, default_hours: int) -> tuple[dt.datetime, dt.datetime]:
    """When the activity runs: its hours when the filing gave them, else the whole day(s)."""
    start_day = dt.datetime.combine(item.starts_on, dt.time(), tz)
    end_day = dt.datetime.combine(item.ends_on + dt.timedelta(days=1), dt.time(), tz)
    clocks = [dt.time(int(h), int(m)) for h, m in CLOCKS.findall(item.time_text or "")
              if int(h) < 24 and int(m) < 60]
    if not clocks:
        return start_day, end_day
    starts = dt.datetime.combine(item.starts_on, clocks[0], tz)
    if len(clocks) > 1 and item.starts_on == item.ends_on and clocks[1] > clocks[0]:
        return starts, dt.datetime.combine(item.starts_on, clocks[1], tz)
    if item.ends_on > item.starts_on:
        return starts, end_day
    return starts, min(starts + dt.timedelta(hours=default_hours), end_day)
