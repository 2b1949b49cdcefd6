"""The activity loop's rules: publish, register (capacity and waiting list), cancel and promote,
check in and out by QR code, rate. Each returns a code or a value; the chat handler words it.

Every change to one activity's places runs under that activity's row lock (SELECT ... FOR UPDATE),
so concurrent registrations for the last places cannot overfill it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
import unicodedata
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.settings import ActivitySettings
from core.texts import t
from models.accounts import User
from models.activities import (
    SCENE_PREFIX,
    Activity,
    CommentHide,
    Participant,
    PendingSignup,
    Rating,
    Registration,
    RegState,
    time_window,
)
from models.base import get_by_key, is_key
from models.filing import FilingItem, ReviewState
from models.notices import notify
from models.outbox import withdraw

MOBILE = re.compile(r"1[3-9]\d{9}")
NAME_MARKS = frozenset("·•. -")   # 阿卜杜·热合曼, Anna Lee
HOLDING = (RegState.REGISTERED, RegState.WALK_IN)  # rows that hold a place at the activity


class Refusal(ValueError):
    """A rule refused the request; `code` names why (a catalog key's tail), `values` fill it."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code, self.values = code, values


def scene_token() -> str:
    """A short unguessable scene_str for a check-in code (never the activity's id)."""
    return SCENE_PREFIX + secrets.token_urlsafe(12)


def is_scene(key: str) -> bool:
    """Whether a QR event's key (SCAN, or subscribe's qrscene_) is one of our check-in codes."""
    return key.removeprefix("qrscene_").startswith(SCENE_PREFIX)


# --- publishing ---------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class PublishOptions:
    """What an operator or organisation admin may choose when publishing."""

    capacity: int | None = None
    deadline: dt.datetime | None = None      # default: the activity's start
    walk_ins: bool | None = None             # default: [activities] walk_ins
    checkout: bool | None = None             # default: [activities] checkout


def publish(session: Session, item_id: int, options: PublishOptions, by: str, now: dt.datetime,
            rules: ActivitySettings, tz: ZoneInfo) -> tuple[Activity, bool]:
    """Open an approved activity for registration; a second publish updates its options."""
    item = get_by_key(session, FilingItem, item_id)
    if item is None:
        raise Refusal("unknown", id=item_id)
    if item.review_state != ReviewState.APPROVED:
        raise Refusal("not_approved", id=item_id)
    starts, ends = time_window(item, tz, rules.default_hours)
    if ends <= now:
        raise Refusal("ended", id=item_id, end=f"{ends.astimezone(tz):%Y-%m-%d %H:%M}")
    if options.deadline is not None and options.deadline <= now:
        raise Refusal("deadline_past", deadline=options.deadline)
    activity = lock(session, item_id)
    created = activity is None
    if activity is not None and options.capacity is not None:
        taken = holding(session, activity)
        if options.capacity < taken:   # nobody registered loses a place by a smaller capacity
            raise Refusal("capacity_below", id=item_id, capacity=options.capacity, n=taken)
    if activity is None:
        activity = Activity(item_id=item_id, org_id=item.filing.org_id, starts_at=starts, ends_at=ends,
                            checkin_scene=scene_token(), checkout_scene=scene_token(),
                            published_at=now, published_by=by, deadline=starts,
                            walk_ins=rules.walk_ins, checkout=rules.checkout, next_ticket=1)
        session.add(activity)
    _apply(activity, options)
    session.flush()
    promote(session, activity, now, rules)
    return activity, created


def _apply(activity: Activity, options: PublishOptions) -> None:
    """Set the options that were given, keeping the others."""
    if options.capacity is not None:
        activity.capacity = options.capacity
    if options.deadline is not None:
        activity.deadline = min(options.deadline, activity.ends_at)
    if options.walk_ins is not None:
        activity.walk_ins = options.walk_ins
    if options.checkout is not None:
        activity.checkout = options.checkout


def lock(session: Session, item_id: int) -> Activity | None:
    """The published activity of a filed item, locked for this transaction.

    populate_existing: a row already in the session was read before the lock; reload it.
    """
    if not is_key(item_id):
        return None
    stmt = select(Activity).where(Activity.item_id == item_id).with_for_update()
    return session.scalar(stmt.execution_options(populate_existing=True))


def published(session: Session, item_id: int) -> Activity | None:
    """The published activity of a filed item, unlocked (for reading)."""
    if not is_key(item_id):
        return None
    return session.scalar(select(Activity).where(Activity.item_id == item_id))


# --- names and mobiles ----------------------------------------------------------------------------

def check_name(text: str, rules: ActivitySettings) -> str:
    """A participant's name: letters (and · or a space between them), of a sensible length."""
    name = " ".join(unicodedata.normalize("NFKC", text).split())
    if any(ch.isdigit() for ch in name):
        raise Refusal("name_digits")
    if any(not (ch.isalpha() or ch in NAME_MARKS) for ch in name):
        raise Refusal("name_symbols")
    if len(name) < rules.name_min_chars:
        raise Refusal("name_short", min=rules.name_min_chars)
    if len(name) > rules.name_max_chars:
        raise Refusal("name_long", max=rules.name_max_chars)
    return name


def check_mobile(text: str) -> str:
    """A mainland mobile number: 11 digits starting 13-19 (spaces, dashes and +86 allowed)."""
    digits = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", text))
    digits = re.sub(r"^(\+?86)(?=\d{11}$)", "", digits)
    if not digits.isdigit():
        raise Refusal("mobile_chars")
    if len(digits) != 11:
        raise Refusal("mobile_length", n=len(digits))
    if not MOBILE.fullmatch(digits):
        raise Refusal("mobile_prefix")
    return digits


def masked(mobile: str | None) -> str:
    """A mobile with its middle hidden (138****8000), for the person's own confirmation."""
    return f"{mobile[:3]}****{mobile[-4:]}" if mobile else "-"


def remembered(session: Session, user: User) -> Participant | None:
    """The details this follower registered with before."""
    return session.scalar(select(Participant).where(Participant.user_id == user.id))


def remember(session: Session, user: User, name: str, mobile: str, now: dt.datetime) -> None:
    """Keep the details for the follower's next registration."""
    row = remembered(session, user)
    if row is None:
        session.add(Participant(user_id=user.id, name=name, mobile=mobile, updated_at=now))
    else:
        row.name, row.mobile, row.updated_at = name, mobile, now


def pending_of(session: Session, user: User, now: dt.datetime,
               rules: ActivitySettings) -> PendingSignup | None:
    """The follower's registration in progress, unless it went stale."""
    row = session.scalar(select(PendingSignup).where(PendingSignup.user_id == user.id))
    if row is not None and now - row.updated_at > dt.timedelta(minutes=rules.pending_minutes):
        session.delete(row)
        return None
    return row


# --- registering ----------------------------------------------------------------------------------

def registration_of(session: Session, activity: Activity, user: User) -> Registration | None:
    """The follower's row for this activity, whatever its state."""
    return session.scalar(select(Registration).where(Registration.activity_id == activity.id,
                                                     Registration.user_id == user.id))


def check_open(session: Session, activity: Activity, user: User, now: dt.datetime) -> None:
    """Refuse a registration after the deadline or a second one by the same person."""
    if now >= activity.deadline:
        raise Refusal("deadline", deadline=activity.deadline)
    row = registration_of(session, activity, user)
    if row is not None and row.state in (*HOLDING, RegState.WAITING):
        raise Refusal("twice_" + row.state)


@dataclasses.dataclass(frozen=True)
class Placed:
    """Where a registration landed: registered, or waiting at a place (1 = next)."""

    state: RegState
    place: int = 0


def register(session: Session, item_id: int, user: User, name: str, mobile: str,
             now: dt.datetime) -> Placed:
    """Register, or join the waiting list once the capacity is taken; under the activity's lock."""
    activity = lock(session, item_id)
    if activity is None:
        raise Refusal("not_published", id=item_id)
    check_open(session, activity, user, now)
    full = activity.capacity is not None and holding(session, activity) >= activity.capacity
    row = registration_of(session, activity, user) or Registration(activity_id=activity.id,
                                                                   user_id=user.id)
    session.add(row)
    row.name, row.mobile, row.registered_at, row.cancelled_at = name, mobile, now, None
    row.state = RegState.WAITING if full else RegState.REGISTERED
    row.ticket, activity.next_ticket = activity.next_ticket, activity.next_ticket + 1
    session.flush()
    if not full:
        return Placed(RegState.REGISTERED)
    return Placed(RegState.WAITING, waiting_place(session, row))


def holding(session: Session, activity: Activity) -> int:
    """How many places are taken."""
    stmt = select(func.count()).where(Registration.activity_id == activity.id,
                                      Registration.state == RegState.REGISTERED)
    return int(session.scalar(stmt) or 0)


def waiting_place(session: Session, row: Registration) -> int:
    """A waiting person's place in the queue (1 = promoted at the next free place)."""
    stmt = select(func.count()).where(Registration.activity_id == row.activity_id,
                                      Registration.state == RegState.WAITING,
                                      Registration.ticket <= row.ticket)
    return int(session.scalar(stmt) or 0)


def cancel(session: Session, item_id: int, user: User, now: dt.datetime,
           rules: ActivitySettings) -> Registration | None:
    """Cancel a registration or waiting place; the first waiting person takes a freed place."""
    activity = lock(session, item_id)
    if activity is None:
        raise Refusal("not_published", id=item_id)
    row = registration_of(session, activity, user)
    if row is None or row.state not in (RegState.REGISTERED, RegState.WAITING):
        raise Refusal("not_registered", id=item_id)
    if row.checked_in_at is not None or now >= activity.starts_at:
        raise Refusal("cancel_started")
    row.state, row.cancelled_at = RegState.CANCELLED, now
    _withdraw_reminder(session, row)
    session.flush()
    promoted = promote(session, activity, now, rules)
    return promoted[0] if promoted else None


def reminder_key(row: Registration) -> str:
    """The outbox key of a registration's one reminder (the ticket: a new registration, a new key)."""
    return f"act.remind:{row.activity_id}:{row.user_id}:{row.ticket}"


def _withdraw_reminder(session: Session, row: Registration) -> None:
    """Take back the reminder queued for a cancelled registration, in the cancelling transaction."""
    if row.reminded_at is not None:
        withdraw(session, reminder_key(row))
        row.reminded_at = None


def promote(session: Session, activity: Activity, now: dt.datetime,
            rules: ActivitySettings) -> list[Registration]:
    """Fill free places from the waiting list in ticket order and tell each promoted person."""
    free = None if activity.capacity is None else max(0, activity.capacity - holding(session, activity))
    stmt = (select(Registration).where(Registration.activity_id == activity.id,
                                       Registration.state == RegState.WAITING)
            .order_by(Registration.ticket).limit(free))
    promoted = list(session.scalars(stmt)) if free != 0 else []
    for row in promoted:
        row.state, row.promoted_at = RegState.REGISTERED, now
        _tell_promoted(session, activity, row, now, rules)
    session.flush()
    return promoted


def _tell_promoted(session: Session, activity: Activity, row: Registration, now: dt.datetime,
                   rules: ActivitySettings) -> None:
    """Queue the promotion notice (customer-service message in the window, else a template)."""
    user = session.get(User, row.user_id)
    if user is None:
        return
    name = activity.item.name
    notify(session, user, key=f"act.promoted:{activity.id}:{row.id}:{row.ticket}",
           purpose="activity.promoted", now=now,
           text=t("activities.notice.promoted", name=name, id=activity.number),
           template=rules.promoted_template,
           data={"title": name, "result": t("activities.notice.promoted_short"),
                 "time": f"{activity.starts_at:%Y-%m-%d %H:%M}"})


# --- check-in -----------------------------------------------------------------------------------

class ScanKind(StrEnum):
    """Which of an activity's two codes was scanned."""

    IN = "in"
    OUT = "out"


@dataclasses.dataclass(frozen=True)
class Scanned:
    """The outcome of one scan: what happened (a code), to which activity, at which time."""

    code: str             # checked_in | walked_in | already_in | checked_out | already_out
    activity: Activity
    at: dt.datetime


def scan(session: Session, key: str, user: User, now: dt.datetime,
         rules: ActivitySettings) -> Scanned:
    """Check in (or out) by a scanned code, once, inside the activity's time with the margin."""
    scene = key.removeprefix("qrscene_")
    activity = session.scalar(select(Activity).where(
        (Activity.checkin_scene == scene) | (Activity.checkout_scene == scene))
        .with_for_update().execution_options(populate_existing=True))
    if activity is None:
        raise Refusal("scan_unknown")
    kind = ScanKind.IN if scene == activity.checkin_scene else ScanKind.OUT
    margin = dt.timedelta(minutes=rules.checkin_margin_minutes)
    if not activity.starts_at - margin <= now < activity.ends_at + margin:
        raise Refusal("scan_outside", name=activity.item.name, starts=activity.starts_at,
                      ends=activity.ends_at, margin=rules.checkin_margin_minutes)
    row = registration_of(session, activity, user)
    if kind == ScanKind.OUT:
        return _check_out(activity, row, now)
    return _check_in(session, activity, user, row, now)


def _check_in(session: Session, activity: Activity, user: User, row: Registration | None,
              now: dt.datetime) -> Scanned:
    """A registered person is checked in; a walk-in only where the activity allows it."""
    if row is not None and row.checked_in_at is not None:
        return Scanned("already_in", activity, row.checked_in_at)
    if row is not None and row.state == RegState.REGISTERED:
        row.checked_in_at = now
        return Scanned("checked_in", activity, now)
    if not activity.walk_ins:
        raise Refusal("scan_not_registered", name=activity.item.name)
    details = remembered(session, user)
    if row is None:
        row = Registration(activity_id=activity.id, user_id=user.id, name="", registered_at=now)
    # Like a registration: the details remembered from earlier registrations, name and mobile.
    row.name = row.name or (details.name if details else "")
    row.mobile = row.mobile or (details.mobile if details else None)
    row.state, row.checked_in_at, row.ticket = RegState.WALK_IN, now, activity.next_ticket
    activity.next_ticket += 1
    session.add(row)
    session.flush()
    return Scanned("walked_in", activity, now)


def _check_out(activity: Activity, row: Registration | None, now: dt.datetime) -> Scanned:
    """签退 after a check-in, once."""
    if not activity.checkout:
        raise Refusal("scan_no_checkout", name=activity.item.name)
    if row is None or row.checked_in_at is None:
        raise Refusal("scan_out_first", name=activity.item.name)
    if row.checked_out_at is not None:
        return Scanned("already_out", activity, row.checked_out_at)
    row.checked_out_at = now
    return Scanned("checked_out", activity, now)


# --- ratings ------------------------------------------------------------------------------------

def check_score(text: str) -> int:
    """A score 1-5 (full-width digits allowed)."""
    digits = unicodedata.normalize("NFKC", text).strip().removesuffix("分")
    if not digits.isdigit() or not 1 <= int(digits) <= 5:
        raise Refusal("score_range", text=text)
    return int(digits)


def rate(session: Session, item_id: int, user: User, score: int, comment: str, now: dt.datetime,
         rules: ActivitySettings) -> bool:
    """Rate an activity one checked in to, until some days after it; True when it replaced one."""
    activity = published(session, item_id)
    if activity is None:
        raise Refusal("not_published", id=item_id)
    row = registration_of(session, activity, user)
    if row is None or row.checked_in_at is None:
        raise Refusal("rate_not_participant", name=activity.item.name)
    until = activity.ends_at + dt.timedelta(days=rules.rate_days)
    if now >= until:
        raise Refusal("rate_closed", until=until)
    if len(comment) > rules.comment_max_chars:
        raise Refusal("comment_long", max=rules.comment_max_chars, n=len(comment))
    rating = session.scalar(select(Rating).where(Rating.activity_id == activity.id,
                                                 Rating.user_id == user.id))
    replaced = rating is not None
    if rating is None:
        rating = Rating(activity_id=activity.id, user_id=user.id)
        session.add(rating)
    if rating.comment != (comment or None):   # a new comment is seen again; the same one stays hidden
        rating.hidden_at = rating.hidden_by = None
    rating.score, rating.comment, rating.rated_at = score, comment or None, now
    session.flush()
    return replaced


def hide_comment(session: Session, rating_id: int, by: str, now: dt.datetime) -> Rating:
    """Hide a comment from the organisation's view (platform admins), logged with its text."""
    rating = get_by_key(session, Rating, rating_id)
    if rating is None or not rating.comment:
        raise Refusal("comment_unknown", id=rating_id)
    if rating.hidden_at is None:
        session.add(CommentHide(rating_id=rating.id, comment=rating.comment, hidden_by=by, hidden_at=now))
    rating.hidden_at, rating.hidden_by = now, by
    return rating
