"""Writing and reading filings: submit once per draft, review, actual numbers, listings."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from core.texts import t
from models.accounts import User
from models.base import get_by_key
from models.filing import Filing, FilingItem, FilingReview, ReviewState, scale_bounds
from models.orgs import OrgAdmin, Organisation, admin_openids
from models.outbox import Channel, enqueue

TEMPLATE_VALUE_MAX = 20  # WeChat's limit on one template value


class ReviewError(ValueError):
    """A review that cannot be applied (the message names the problem)."""


def filing_by_token(session: Session, token: str) -> Filing | None:
    """The filing a draft made, if any."""
    return session.scalar(select(Filing).where(Filing.draft_token == token))


def submit_filing(session: Session, *, token: str, org_id: int, user: User,
                  records: list[dict[str, Any]], now: dt.datetime) -> tuple[Filing, bool]:
    """Write a draft's filing exactly once; the same token returns the filing it made."""
    existing = filing_by_token(session, token)
    if existing is not None:
        return existing, False
    filing = Filing(org_id=org_id, filed_by=user.id, filed_at=now, draft_token=token,
                    items=[item_from(seq, record) for seq, record in enumerate(records, start=1)])
    try:
        with session.begin_nested():  # a concurrent twin's insert loses only this savepoint
            session.add(filing)
    except IntegrityError:
        existing = filing_by_token(session, token)
        if existing is None:
            raise
        return existing, False
    return filing, True


def item_from(seq: int, record: dict[str, Any]) -> FilingItem:
    """One row of the form from a dialog record."""
    when = record["time"]
    low, planned = scale_bounds(record["scale"])
    return FilingItem(seq=seq, town=record["town"], name=record["name"], time_text=when["text"],
                      starts_on=dt.date.fromisoformat(when["start"]),
                      ends_on=dt.date.fromisoformat(when["end"]), location=record["location"],
                      scale=planned, scale_low=low, activity_type=record["type"],
                      description=record["description"], plan_url=record.get("plan"),
                      intentions=list(record["intentions"]), review_state=ReviewState.PENDING)


class ReviewConflict(ReviewError):
    """A decision other than the one in force, not given as a change (e.g. 通过 after 驳回)."""

    def __init__(self, current: FilingReview) -> None:
        super().__init__(f"activity {current.item_id} is already {current.decision}")
        self.current = current


def latest_review(item: FilingItem) -> FilingReview | None:
    """The decision in force on an activity, or None while it waits."""
    if not item.reviews and item.review_state != ReviewState.PENDING:
        # A decision written without its history row (rows made before the history existed).
        item.reviews.append(FilingReview(decision=item.review_state, comment=item.review_reason,
                                         reviewer=item.reviewed_by or "", changed=False,
                                         decided_at=item.reviewed_at or item.filing.filed_at))
    return item.reviews[-1] if item.reviews else None


def review_item(session: Session, item_id: int, state: ReviewState, reason: str, reviewer: str,
                now: dt.datetime, template: str, *, change: bool = False) -> tuple[FilingItem, bool]:
    """Record a decision (kept in the history) and tell the organisation's admins, once.

    The same decision again records and queues nothing (True only when something was recorded);
    another decision is a change only when `change` says so, else ReviewConflict.
    """
    item = get_by_key(session, FilingItem, item_id, with_for_update=True)
    if item is None:
        raise ReviewError(f"no activity {item_id}")
    if state == ReviewState.REJECTED and not reason:
        raise ReviewError("a rejection needs a reason")
    current = latest_review(item)
    if current is not None and current.decision == state:
        return item, False  # the same decision again: the first one and its comment stand
    if current is not None and not change:
        raise ReviewConflict(current)
    review = FilingReview(decision=state, comment=reason or None, reviewer=reviewer, decided_at=now,
                          changed=current is not None)
    item.reviews.append(review)
    item.review_state, item.review_reason = state, reason or None
    item.reviewed_by, item.reviewed_at = reviewer, now
    session.flush()  # the review's id names its notices
    _notify(session, item, review, template, now)
    return item, True


def _notify(session: Session, item: FilingItem, review: FilingReview, template: str,
            now: dt.datetime) -> None:
    """Queue one decision's result for every admin of the organisation (keyed by the decision)."""
    state = t(f"filing.state.{review.decision}")
    data = {"thing1": _fit(item.name),
            "phrase2": t("filing.review.changed_phrase", state=state) if review.changed else state,
            "thing3": _fit(review.comment or t("filing.review.no_reason"))}
    for openid in admin_openids(session, item.filing.org_id):
        enqueue(session, key=f"review:{item.id}:{review.id}:{openid}", purpose="filing.review",
                openid=openid, channel=Channel.TEMPLATE, now=now,
                payload={"template": template, "data": data, "url": ""})


def _fit(text: str) -> str:
    """A template value: one line, at most 20 characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= TEMPLATE_VALUE_MAX else flat[: TEMPLATE_VALUE_MAX - 1] + "…"


def record_actuals(session: Session, item_id: int, participants: int | None,
                   registrations: int | None, interactions: int | None = None) -> FilingItem:
    """Record an activity's actual figures (each kept apart); the support rules then use them."""
    item = session.get(FilingItem, item_id)
    if item is None:
        raise ReviewError(f"no activity {item_id}")
    if participants is not None:
        item.actual_participants = participants
    if registrations is not None:
        item.actual_registrations = registrations
    if interactions is not None:
        item.actual_interactions = interactions
    return item


def items_of_user(session: Session, user: User, limit: int) -> list[FilingItem]:
    """The newest activities filed by the organisations this user administers."""
    orgs = select(OrgAdmin.org_id).where(OrgAdmin.user_id == user.id)
    stmt = (select(FilingItem).join(Filing).where(Filing.org_id.in_(orgs))
            .order_by(Filing.filed_at.desc(), Filing.id.desc(), FilingItem.seq).limit(limit))
    return list(session.scalars(stmt))


def count_pending(session: Session) -> int:
    """How many activities wait for review."""
    stmt = select(func.count()).select_from(FilingItem).where(FilingItem.review_state == ReviewState.PENDING)
    return session.scalar(stmt) or 0


def pending_items(session: Session, limit: int) -> list[FilingItem]:
    """The oldest activities waiting for review."""
    stmt = (select(FilingItem).join(Filing).where(FilingItem.review_state == ReviewState.PENDING)
            .order_by(Filing.filed_at, FilingItem.id).limit(limit))
    return list(session.scalars(stmt))


def export_items(session: Session, month: str | None) -> list[tuple[FilingItem, Organisation]]:
    """Every activity with its organisation, in filing order; only one month's when given."""
    stmt = (select(FilingItem, Organisation).join(Filing, FilingItem.filing_id == Filing.id)
            .join(Organisation, Organisation.id == Filing.org_id)
            .options(selectinload(FilingItem.filing))
            .order_by(Filing.filed_at, Filing.id, FilingItem.seq))
    rows = [(item, org) for item, org in session.execute(stmt)]
    return [row for row in rows if month is None or row[0].month == month]


def org_name_of(session: Session, item: FilingItem) -> str:
    """The name of the organisation that filed an activity."""
    org = session.get(Organisation, item.filing.org_id)
    return org.name if org else ""
