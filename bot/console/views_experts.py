"""专家: upload a month's figures (every bad row shown), evaluate a month, choose a quarter's top."""
from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from bot.console.pages import UploadRefused, db, done, import_errors, month_now, refused, saved_upload
from bot.console.security import actor, services
from core.texts import t, word
from models.console import audit
from models.expert_eval import (
    NotReady,
    check_importable,
    is_done,
    latest_evaluated_month,
    month_figures,
    params_of,
    quarter_so_far,
    score_text,
    select_quarter,
)
from models.expert_eval import evaluate as evaluate_month_of
from models.expert_import import import_stats
from models.expert_scores import evaluate_month, top_of_quarter
from models.experts import QUARTER_RE, Expert, quarter_of
from models.months import is_month
from models.sheets import ImportFailed


def index(errors: list[str] | None = None, status: int = 200) -> tuple[str, int]:
    """The experts, the latest evaluated month's ranking, the current quarter so far."""
    svc = services()
    params = params_of(svc.settings.experts)
    with db() as s:
        experts = {e.id: e for e in s.scalars(select(Expert).order_by(Expert.id))}
        today = svc.now().date()
        shown = request.args.get("month") or latest_evaluated_month(s, today) or month_now()
        results = evaluate_month(month_figures(s, shown), params) if is_month(shown) else []
        quarter = request.args.get("quarter") or quarter_of(month_now())
        months, standings = quarter_so_far(s, quarter, params, today) if QUARTER_RE.match(quarter) else ([], [])
        top = top_of_quarter(standings, params.top_n)
        evaluated = is_month(shown) and is_done(s, shown)
    return render_template("console/experts.html", experts=experts, month=shown, results=results,
                           evaluated=evaluated, quarter=quarter, months=months, top=top,
                           errors=errors, score_text=score_text), status


def upload_stats() -> Response | tuple[str, int]:
    """Replace a month's figures from an uploaded .csv/.xlsx: all rows or none."""
    month = request.form.get("month", "").strip()
    if not is_month(month):
        return index(errors=[t("console.bad_month", month=month)], status=400)
    svc = services()
    try:
        with saved_upload(request.files.get("file")) as path, db() as s:
            if is_done(s, quarter_of(month)):
                return index(errors=[t("experts.cli.quarter_locked", quarter=quarter_of(month),
                                       month=month)], status=400)
            check_importable(month, svc.now().date(), partial=bool(request.form.get("partial")))
            result = import_stats(s, path, month, svc.now())
            audit(s, actor(), "expert.stats", f"experts:{month}", svc.now(),
                  after={"rows": result.imported, "replaced": result.replaced})
    except UploadRefused as exc:
        return index(errors=[str(exc)], status=400)
    except NotReady as exc:
        return index(errors=[word(exc.phrase)], status=400)
    except ImportFailed as exc:
        return index(errors=import_errors(_filename(), exc.errors), status=400)
    said = (t("experts.cli.stats_replaced", month=month, count=result.imported, replaced=result.replaced)
            if result.replaced else t("experts.cli.stats_done", month=month, count=result.imported))
    return done(said, "console.experts", month=month)


def _filename() -> str:
    upload = request.files.get("file")
    return upload.filename or "" if upload else ""


def evaluate() -> Response:
    """Evaluate a month and queue each bound expert's result (as `expert evaluate`)."""
    month = request.form.get("month", "").strip()
    if not is_month(month):
        return refused(t("console.bad_month", month=month), "console.experts")
    svc = services()
    try:
        with db() as s:
            queued = evaluate_month_of(s, month, svc.settings.experts, svc.now())
            audit(s, actor(), "expert.evaluate", f"experts:{month}", svc.now(), after={"queued": queued})
    except NotReady as exc:
        return refused(word(exc.phrase), "console.experts", month=month)
    return done(t("console.experts.evaluated", month=month, queued=queued), "console.experts",
                month=month)


def quarter() -> Response:
    """Choose an ended quarter's top experts and queue the notifications (as `expert quarter`)."""
    quarter = request.form.get("quarter", "").strip()
    if not QUARTER_RE.match(quarter):
        return refused(t("experts.cli.bad_quarter", quarter=quarter, example=quarter_of(month_now())),
                       "console.experts")
    svc = services()
    try:
        with db() as s:
            top, queued = select_quarter(s, quarter, svc.settings.experts, svc.settings.admins.openids,
                                         svc.now())
            audit(s, actor(), "expert.quarter", f"experts:{quarter}", svc.now(),
                  after={"top": [q.expert_id for q in top], "queued": queued})
    except NotReady as exc:
        return refused(word(exc.phrase), "console.experts", quarter=quarter)
    return done(t("experts.cli.quarter_done", quarter=quarter, count=len(top), queued=queued),
                "console.experts", quarter=quarter)
