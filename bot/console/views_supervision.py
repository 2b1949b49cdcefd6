"""督导: every town with its supervisors, and a binding code for a town's supervisor."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request
from werkzeug.wrappers import Response

from bot.console.pages import db, refused
from bot.console.security import actor, services
from core.texts import t
from models.console import audit
from models.supervision import issue_code, org_figures, supervisor_openids
from models.towns import all_towns, resolve_town


def index(code: tuple[str, str, str] | None = None) -> str:
    """Every town: its bound supervisors and its organisations."""
    towns = all_towns(services().settings.data.towns_file)
    with db() as s:
        bound = supervisor_openids(s)
        orgs = {town: org_figures(s, town) for town in towns}
    covered = sum(1 for town in towns if town in bound)
    return render_template("console/supervision.html", towns=towns, bound=bound, orgs=orgs,
                           covered=covered, code=code)


def invite() -> Response | str:
    """A one-time binding code for a town's supervisor (as `supervisor invite`), shown once."""
    typed = request.form.get("town", "")
    svc = services()
    town = resolve_town(typed, svc.settings.data.towns_file)
    if town is None:
        return refused(t("supervisor.cli.unknown_town", town=typed), "console.supervision")
    ttl = dt.timedelta(hours=svc.settings.accounts.binding_code_ttl_hours)
    with db() as s:
        code = issue_code(s, town, ttl, svc.clock())
        audit(s, actor(), "supervisor.invite", f"town:{town}", svc.now(),
              after={"expires_at": code.expires_at.isoformat()})
        shown = (town, code.code, f"{code.expires_at.astimezone(svc.tz):%Y-%m-%d %H:%M}")
    return index(code=shown)
