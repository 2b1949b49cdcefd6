"""活动: the published activities with their loop figures; one activity's registrations, check-ins,
ratings and support verdicts; its workbook and its codes to print. Nothing here changes data."""
from __future__ import annotations

import logging
import tempfile
from io import BytesIO
from pathlib import Path

from flask import abort, render_template, send_file
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.activity_codes import code_target, fetch_code
from bot.console.pages import db
from bot.console.security import services
from bot.wechat.errors import WeChatError
from core.texts import t
from handlers.activities import correction_lines
from models import activity_rules as rules
from models.activities import Activity, Rating
from models.activity_export import rows_of, sheets_of, write_workbook
from models.activity_figures import Figures, actual_verdicts, figures
from models.orgs import Organisation

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def index() -> str:
    """Every published activity with its figures, the latest activity first."""
    limit = services().settings.console.rows_shown
    with db() as s:
        stmt = (select(Activity, Organisation).join(Organisation, Organisation.id == Activity.org_id)
                .order_by(Activity.starts_at.desc(), Activity.id.desc()).limit(limit))
        rows: list[tuple[Activity, Organisation, Figures]] = [
            (row, org, figures(s, row.id)) for row, org in s.execute(stmt).tuples()]
        return render_template("console/activities.html", rows=rows)


def detail(item_id: int) -> str:
    """One activity: its people, check-ins and check-outs, ratings, figures and support verdicts."""
    svc = services()
    with db() as s:
        row = _published(s, item_id)
        loop, verdicts = actual_verdicts(s, row, svc.settings.support, svc.now())
        people = rows_of(s, row)
        names = {p.user_id: p.name for p in people}
        ratings = list(s.scalars(select(Rating).where(Rating.activity_id == row.id)
                                 .order_by(Rating.rated_at, Rating.id)))
        return render_template("console/activity.html", row=row, org=s.get(Organisation, row.org_id),
                               loop=loop, verdicts=verdicts, people=people, names=names, ratings=ratings,
                               corrections=correction_lines(s, row.item, svc.tz),
                               qr_days=svc.settings.activities.qrcode_days_after)


def export(item_id: int) -> Response:
    """The registrants (sheet 报名) and check-ins (sheet 签到), as `activity export` writes them."""
    svc = services()
    with db() as s:
        registrations, checkins = sheets_of(s, _published(s, item_id), svc.tz)
    with tempfile.TemporaryDirectory(prefix="yv-export-") as folder:
        path = Path(folder) / "activity.xlsx"
        write_workbook(path, registrations, checkins)
        data = path.read_bytes()
    name = t("console.activities.workbook", id=item_id) + ".xlsx"
    return send_file(BytesIO(data), as_attachment=True, download_name=name, mimetype=XLSX)


def checkin_code(item_id: int) -> Response | tuple[str, int]:
    """The check-in code to print (a read: WeChat issues a fresh temporary code)."""
    return _code(item_id, checkout=False)


def checkout_code(item_id: int) -> Response | tuple[str, int]:
    """The 签退 code to print, for activities that take 签退."""
    return _code(item_id, checkout=True)


def _code(item_id: int, checkout: bool) -> Response | tuple[str, int]:
    """Ask WeChat for the code as `activity qrcode` does; a refusal is a friendly page and a log line."""
    svc = services()
    with db() as s:
        row = _published(s, item_id)
        if checkout and not row.checkout:
            abort(404)
        scene, until = code_target(row, checkout, svc.settings.activities.qrcode_days_after)
    try:
        code = fetch_code(svc.api, scene, until, svc.now())
    except WeChatError as exc:
        log.warning("console qrcode for activity %s failed: %s %s", item_id, exc.code, exc.message)
        message = t("activities.cli.wechat_failed", error=f"{exc.code} {exc.message}")
        return render_template("console/error.html", message=message, status=502), 502
    kind = "checkout" if checkout else "checkin"
    return send_file(BytesIO(code.png), mimetype="image/png", download_name=f"activity-{item_id}-{kind}.png")


def _published(s: Session, item_id: int) -> Activity:
    """The published activity of a filed item, or 404."""
    row = rules.published(s, item_id)
    if row is None:
        abort(404)
    return row
