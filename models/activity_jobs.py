"""The loop's timed duties: one reminder before the activity, one invitation to rate at its end,
and the removal of the registrants' mobiles some days after it. Each is idempotent."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.settings import ActivitySettings
from core.texts import t
from models.accounts import User
from models.activities import (
    Activity,
    Participant,
    PendingSignup,
    Registration,
    RegState,
)
from models.activity_rules import reminder_key
from models.notices import notify


def _local(moment: dt.datetime, tz: ZoneInfo) -> str:
    """A time for a notice."""
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def send_reminders(session: Session, now: dt.datetime, rules: ActivitySettings, tz: ZoneInfo) -> int:
    """Queue one reminder to each registered person of activities starting within the hours set."""
    soon = now + dt.timedelta(hours=rules.remind_hours_before)
    stmt = (select(Registration, Activity, User).join(Activity, Activity.id == Registration.activity_id)
            .join(User, User.id == Registration.user_id)
            .where(Activity.starts_at > now, Activity.starts_at <= soon,
                   Registration.state == RegState.REGISTERED, Registration.reminded_at.is_(None))
            .order_by(Registration.id))
    count = 0
    for row, activity, user in session.execute(stmt).tuples():
        item, time = activity.item, _local(activity.starts_at, tz)
        notify(session, user, key=reminder_key(row), purpose="activity.reminder",
               now=now, text=t("activities.notice.reminder", id=activity.number, name=item.name,
                               time=time, place=item.location),
               template=rules.reminder_template,
               data={"title": item.name, "result": t("activities.notice.reminder_short"), "time": time})
        row.reminded_at = now
        count += 1
    return count


def invite_ratings(session: Session, now: dt.datetime, rules: ActivitySettings, tz: ZoneInfo) -> int:
    """Once an activity has ended, invite its participants to rate it, once."""
    rate_open = now - dt.timedelta(days=rules.rate_days)
    activities = session.scalars(select(Activity).where(
        Activity.ends_at <= now, Activity.ends_at > rate_open, Activity.invited_at.is_(None)))
    count = 0
    for activity in list(activities):
        until = _local(activity.ends_at + dt.timedelta(days=rules.rate_days), tz)
        stmt = (select(User).join(Registration, Registration.user_id == User.id)
                .where(Registration.activity_id == activity.id, Registration.checked_in_at.is_not(None))
                .order_by(User.id))
        for user in session.scalars(stmt):
            count += notify(session, user, key=f"act.rate:{activity.id}:{user.id}",
                            purpose="activity.rate", now=now,
                            text=t("activities.notice.rate", id=activity.number,
                                   name=activity.item.name, until=until),
                            template=rules.rating_template,
                            data={"title": activity.item.name,
                                  "result": t("activities.notice.rate_short"), "time": until})
        activity.invited_at = now
    return count


def erase_mobiles(session: Session, now: dt.datetime, rules: ActivitySettings) -> int:
    """Remove the mobiles of activities that ended the days set ago (and unused remembered ones)."""
    cutoff = now - dt.timedelta(days=rules.erase_days)
    due = list(session.scalars(select(Activity).where(Activity.ends_at <= cutoff,
                                                      Activity.erased_at.is_(None))))
    for activity in due:
        session.execute(update(Registration).where(Registration.activity_id == activity.id)
                        .values(mobile=None).execution_options(synchronize_session=False))
        activity.erased_at = now
    live = (select(Registration.user_id).join(Activity, Activity.id == Registration.activity_id)
            .where(Activity.ends_at > cutoff))
    session.execute(update(Participant).where(Participant.mobile.is_not(None),
                                              Participant.updated_at <= cutoff,
                                              Participant.user_id.not_in(live))
                    .values(mobile=None).execution_options(synchronize_session=False))
    # Registrations left half-answered also hold a mobile: forget them once they went stale.
    stale = now - dt.timedelta(minutes=rules.pending_minutes)
    session.execute(delete(PendingSignup).where(PendingSignup.updated_at <= stale)
                    .execution_options(synchronize_session=False))
    return len(due)
