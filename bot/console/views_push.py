"""推送: the outbox by state and channel, failures with WeChat's codes explained, retry."""
from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from bot.cli.push import code_label
from bot.console.pages import db, done, refused
from bot.console.security import actor, services
from core.texts import t
from models.console import audit
from models.outbox import (
    Channel,
    OutboxMessage,
    Status,
    failures,
    requeue,
    status_counts,
)
from models.push_marks import recent_alerts


def index() -> str:
    """Counts by state and channel, quota alerts, failures, and the rows of one state/channel."""
    state = request.args.get("state", "")
    channel = request.args.get("channel", "")
    limit = services().settings.console.rows_shown
    with db() as s:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if state in {st.value for st in Status}:
            stmt = stmt.where(OutboxMessage.status == state)
        if channel in {ch.value for ch in Channel}:
            stmt = stmt.where(OutboxMessage.channel == channel)
        page = {"counts": status_counts(s), "alerts": recent_alerts(s), "failed": failures(s, limit),
                "rows": list(s.scalars(stmt))}
    return render_template("console/push.html", states=list(Status), channels=list(Channel),
                           state=state, channel=channel, code_label=code_label, **page)


def retry() -> Response:
    """Queue the ticked failed or skipped messages again (push retry)."""
    ids = sorted({int(v) for v in request.form.getlist("id") if v.isdigit()})
    if not ids:
        return refused(t("console.push.none_ticked"), "console.push")
    svc = services()
    with db() as s:
        before = {str(r.id): r.status for r in s.scalars(select(OutboxMessage)
                                                         .where(OutboxMessage.id.in_(ids)))}
        result = requeue(s, ids, svc.now())
        if result.ids:
            audit(s, actor(), "push.retry", "outbox", svc.now(), before=before,
                  after={"requeued": len(result.ids), "ids": list(result.ids)})
    said = [t("push.retry.done", count=len(result.ids), ids="、".join(map(str, result.ids)))
            if result.ids else t("push.retry.none")]
    if result.missing:
        said.append(t("push.retry.missing", ids="、".join(map(str, result.missing))))
    said += [t("push.retry.left", id=i, state=t(f"push.status.{state}")) for i, state in result.left]
    return (done if result.ids else refused)(" ".join(said), "console.push")
