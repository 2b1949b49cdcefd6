"""Writing and reading filings: submit once per draft, review, actual numbers, listings."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from core.texts import t
from models.accounts import User
from models.filing import Filing, FilingItem, ReviewState
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
    return FilingItem(seq=seq, town=record["town"], name=record["name"], time_text=when["text"],
                      starts_on=dt.date.fromisoformat(when["start"]),
                      ends_on=dt.date.fromisoformat(when["end"]), location=record["location"],
                      scale=record["scale"], activity_type=record["type"],
                      description=record["description"], plan_url=record.get("plan"),
                      intentions=list(record["intentions"]), review_state=ReviewState.PENDING)


def review_item(session: Session, item_id: int, state: ReviewState, reason: str, reviewer: str,
                now: dt.datetime, template: str) -> tuple[FilingItem, bool]:
    """Record a decision and tell the organisation's admins in the same transaction."""
    item = session.get(FilingItem, item_id, with_for_update=True)
    if item is None:
        raise ReviewError(f"no activity {item_id}")
    if state == ReviewState.REJECTED and not reason:
        raise ReviewError("a rejection needs a reason")
    if item.review_state == state and (item.review_reason or "") == reason:
        return item, False  # the same decision again: nothing new to tell
    item.review_state, item.review_reason = state, reason or None
    item.reviewed_by, item.reviewed_at = reviewer, now
    _notify(session, item, template, now)
    return item, True


def _notify(session: Session, item: FilingItem, template: str, now: dt.datetime) -> None:
    """Queue the review result for every admin of the organisation."""
    data = {"thing1": _fit(item.name), "phrase2": t(f"filing.state.{item.review_state}"),
            "thing3": _fit(item.review_reason or t("filing.review.no_reason"))}
    stamp = int(now.timestamp())
    for openid in admin_openids(session, item.filing.org_id):
        enqueue(session, key=f"review:{item.id}:{stamp}:{openid}", purpose="filing.review",
                openid=openid, channel=Channel.TEMPLATE, now=now,
                payload={"template": template, "data": data, "url": ""})


def _fit(text: str) -> str:
    """A template value: one line, at most 20 characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= TEMPLATE_VALUE_MAX else flat[: TEMPLATE_VALUE_MAX - 1] + "…"


def record_actuals(session: Session, item_id: int, participants: int | None,
                   registrations: int | None) -> FilingItem:
    """Record an activity's actual participation; the support rules then use it."""
    item = session.get(FilingItem, item_id)
    if item is None:
        raise ReviewError(f"no activity {item_id}")
    if participants is not None:
        item.actual_participants = participants
    if registrations is not None:
        item.actual_registrations = registrations
    return item


def items_of_user(session: Session, user: User, limit: int) -> list[FilingItem]:
    """The newest activities filed by the organisations this user administers."""
    orgs = select(OrgAdmin.org_id).where(OrgAdmin.user_id == user.id)
    stmt = (select(FilingItem).join(Filing).where(Filing.org_id.in_(orgs))
            .order_by(Filing.filed_at.desc(), Filing.id.desc(), FilingItem.seq).limit(limit))
    return list(session.scalars(stmt))


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
