"""组织: the organisations, adding one, importing a file (every bad row shown), invite codes."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from bot.console.pages import UploadRefused, db, done, import_errors, refused, saved_upload
from bot.console.security import actor, services
from core.texts import t
from models.accounts import new_code
from models.console import audit
from models.org_import import check_file, import_orgs
from models.orgs import OrgAdmin, Organisation, OrgKind, add_org
from models.sheets import ImportFailed
from models.towns import all_towns, resolve_town

NAME_MAX = 100  # the organisations.name column


def index(errors: list[str] | None = None, code: tuple[str, str, str] | None = None,
          status: int = 200) -> tuple[str, int]:
    """Every organisation with its admins; the add and import forms."""
    with db() as s:
        admins: dict[int, int] = {int(k): int(v) for k, v in s.execute(
            select(OrgAdmin.org_id, func.count(OrgAdmin.id)).group_by(OrgAdmin.org_id))}
        orgs = list(s.scalars(select(Organisation).order_by(Organisation.id)))
    towns = all_towns(services().settings.data.towns_file)
    return render_template("console/orgs.html", orgs=orgs, admins=admins, kinds=list(OrgKind),
                           towns=towns, errors=errors, code=code), status


def add() -> Response:
    """Register one organisation (as `org add`)."""
    name = " ".join(request.form.get("name", "").split())
    kind = request.form.get("kind", OrgKind.ORG)
    town = resolve_town(request.form.get("town", ""), services().settings.data.towns_file)
    if not name or len(name) > NAME_MAX:
        return refused(t("console.orgs.bad_name", max=NAME_MAX), "console.orgs")
    if town is None:
        return refused(t("console.orgs.bad_town", town=request.form.get("town", "")), "console.orgs")
    if kind not in {k.value for k in OrgKind}:
        return refused(t("console.orgs.bad_kind"), "console.orgs")
    svc = services()
    try:
        with db() as s:
            org = add_org(s, name, town, OrgKind(kind))
            audit(s, actor(), "org.add", f"org:{org.id}", svc.now(),
                  after={"name": name, "town": town, "kind": kind})
            org_id = org.id
    except IntegrityError:
        return refused(t("console.orgs.exists", name=name), "console.orgs")
    return done(t("console.orgs.added", name=name, id=org_id), "console.orgs")


def import_file() -> Response | tuple[str, int]:
    """Import organisations from .csv/.xlsx: all rows or none, every bad row listed."""
    svc = services()
    try:
        with saved_upload(request.files.get("file")) as path, db() as s:
            created = import_orgs(s, check_file(s, path, svc.settings.data.towns_file))
            audit(s, actor(), "org.import", "orgs", svc.now(),
                  after={"count": len(created), "ids": [o.id for o in created]})
            count = len(created)
    except UploadRefused as exc:
        return index(errors=[str(exc)], status=400)
    except ImportFailed as exc:
        upload = request.files.get("file")
        return index(errors=import_errors(upload.filename or "" if upload else "", exc.errors),
                     status=400)
    return done(t("console.orgs.imported", count=count), "console.orgs")


def invite(org_id: int) -> Response | tuple[str, int]:
    """A one-time binding code for an organisation's admin (as `org invite`), shown once."""
    svc = services()
    ttl = dt.timedelta(hours=svc.settings.accounts.binding_code_ttl_hours)
    with db() as s:
        org = s.get(Organisation, org_id)
        if org is None:
            return refused(t("console.orgs.no_org", id=org_id), "console.orgs")
        code = new_code(s, "org", org_id, ttl, svc.clock())
        audit(s, actor(), "org.invite", f"org:{org_id}", svc.now(),
              after={"expires_at": code.expires_at.isoformat()})
        shown = (org.name, code.code, f"{code.expires_at.astimezone(svc.tz):%Y-%m-%d %H:%M}")
    return index(code=shown)
