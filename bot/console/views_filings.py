"""申报审核: the review queue, one activity with every field, decisions, the 申请意向表 download."""
from __future__ import annotations

import tempfile
from io import BytesIO
from pathlib import Path

from flask import abort, render_template, request, send_file
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.console.pages import db, done, fmt_time, refused
from bot.console.security import actor, services
from core.texts import t
from models.console import audit
from models.filing import Filing, FilingItem, ReviewState
from models.filing_export import export_rows, write_xlsx
from models.filing_ops import ReviewConflict, ReviewError, review_item
from models.months import is_month
from models.orgs import Organisation
from models.support import assess_item

REASON_MAX = 200  # the review_reason column


class Conflict(Exception):
    """Another decision is in force and the change box was not ticked (the message is Chinese)."""


def queue() -> str:
    """Activities in one review state (pending first), oldest filing first."""
    state = request.args.get("state", ReviewState.PENDING)
    if state not in {s.value for s in ReviewState}:
        state = ReviewState.PENDING
    with db() as s:
        rows = _items(s, state, services().settings.console.rows_shown)
        verdicts = {item.id: assess_item(item, services().settings.support) for item, _ in rows}
    return render_template("console/filings.html", rows=rows, state=state, verdicts=verdicts,
                           states=[st.value for st in ReviewState])


def _items(s: Session, state: str, limit: int) -> list[tuple[FilingItem, Organisation]]:
    stmt = (select(FilingItem, Organisation).join(Filing, Filing.id == FilingItem.filing_id)
            .join(Organisation, Organisation.id == Filing.org_id)
            .where(FilingItem.review_state == state)
            .order_by(Filing.filed_at, FilingItem.id).limit(limit))
    return [(item, org) for item, org in s.execute(stmt).all()]


def detail(item_id: int) -> str:
    """One activity: every field of the form, its support verdicts and its decisions so far."""
    with db() as s:
        item = s.get(FilingItem, item_id)
        if item is None:
            abort(404)
        org = s.get(Organisation, item.filing.org_id)
        verdicts = assess_item(item, services().settings.support)
        history = list(item.reviews)  # every decision, from chat, CLI or here, oldest first
        filed_at = item.filing.filed_at
    return render_template("console/filing.html", item=item, org=org, verdicts=verdicts,
                           history=history, filed_at=filed_at)


def review(item_id: int) -> Response:
    """Approve or reject with a reason; the organisation's admins are told once (review_item)."""
    decision = request.form.get("decision", "")
    reason = " ".join(request.form.get("reason", "").split())
    if decision not in (ReviewState.APPROVED, ReviewState.REJECTED):
        return refused(t("console.review.no_decision"), "console.filing", item_id=item_id)
    if decision == ReviewState.REJECTED and not reason:
        return refused(t("console.review.need_reason"), "console.filing", item_id=item_id)
    if len(reason) > REASON_MAX:
        return refused(t("console.review.too_long", max=REASON_MAX), "console.filing", item_id=item_id)
    try:
        with db() as s:
            changed = _decide(s, item_id, ReviewState(decision), reason, bool(request.form.get("change")))
    except Conflict as conflict:
        return refused(str(conflict), "console.filing", item_id=item_id)
    except ReviewError:
        abort(404)
    key = "console.review.done" if changed else "console.review.same"
    return done(t(key, id=item_id, state=t(f"filing.state.{decision}")), "console.filing",
                item_id=item_id)


def _decide(s: Session, item_id: int, state: ReviewState, reason: str, change: bool) -> bool:
    """Apply the decision through the domain function and write the audit line beside it."""
    current = s.get(FilingItem, item_id)
    if current is None:
        raise ReviewError(str(item_id))
    before = {"state": current.review_state, "reason": current.review_reason}
    svc = services()
    try:
        item, changed = review_item(s, item_id, state, reason, actor(), svc.now(),
                                    svc.settings.filing.review_template, change=change)
    except ReviewConflict as conflict:  # worded here, while the decision in force is loaded
        in_force = conflict.current
        raise Conflict(t("console.review.conflict", id=item_id, at=fmt_time(in_force.decided_at),
                         decision=t(f"filing.state.{in_force.decision}"),
                         word=t(f"filing.state.{state}"))) from conflict
    if changed:
        audit(s, actor(), "filing.review", f"filing:{item_id}", svc.now(), before=before,
              after={"state": item.review_state, "reason": item.review_reason})
    return changed


def export() -> Response:
    """The 申请意向表 as .xlsx (every activity, or one month's with ?month=YYYY-MM)."""
    month = request.args.get("month") or None
    if month is not None and not is_month(month):
        abort(400)
    svc = services()
    with db() as s:
        rows = export_rows(s, month, svc.settings.support, svc.tz)
    with tempfile.TemporaryDirectory(prefix="yv-export-") as folder:
        path = Path(folder) / "filings.xlsx"
        write_xlsx(path, rows, t("console.export.sheet", month=month or ""))
        data = path.read_bytes()
    name = t("console.export.sheet", month=month or "") + ".xlsx"
    return send_file(BytesIO(data), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
