"""Every console route in one table, and the blueprint that serves them with their guards."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, RequestEntityTooLarge

from bot.console import (
    security,
    views_activities,
    views_auth,
    views_contest,
    views_experts,
    views_filings,
    views_main,
    views_orgs,
    views_push,
    views_supervision,
)
from bot.console.pages import NAV, action_label, fmt_time, plain
from core.texts import t
from models.base import KEY_MAX

View = Callable[..., Any]
ID = f"int(max={KEY_MAX})"  # an id past what the tables hold is no page (404), never a driver error
# (rule, endpoint, view, methods): the console's whole surface.
ROUTES: tuple[tuple[str, str, View, tuple[str, ...]], ...] = (
    ("/login", "login", views_auth.login, ("GET", "POST")),
    ("/logout", "logout", views_auth.logout, ("POST",)),
    ("/", "overview", views_main.overview, ("GET",)),
    ("/audit", "audit", views_main.audit, ("GET",)),
    ("/filings", "filings", views_filings.queue, ("GET",)),
    (f"/filings/<{ID}:item_id>", "filing", views_filings.detail, ("GET",)),
    (f"/filings/<{ID}:item_id>/review", "filing_review", views_filings.review, ("POST",)),
    ("/export/filings.xlsx", "export_filings", views_filings.export, ("GET",)),
    ("/orgs", "orgs", views_orgs.index, ("GET",)),
    ("/orgs/add", "org_add", views_orgs.add, ("POST",)),
    ("/orgs/import", "org_import", views_orgs.import_file, ("POST",)),
    (f"/orgs/<{ID}:org_id>/invite", "org_invite", views_orgs.invite, ("POST",)),
    ("/contest", "contest", views_contest.index, ("GET",)),
    ("/contest/<month>", "contest_month", views_contest.month, ("GET",)),
    ("/contest/<month>/shortlist", "contest_shortlist", views_contest.shortlist, ("POST",)),
    ("/contest/<month>/void", "contest_void", views_contest.void, ("POST",)),
    ("/contest/<month>/close", "contest_close", views_contest.close, ("GET", "POST")),
    ("/contest/<month>/announce", "contest_announce", views_contest.announce, ("GET", "POST")),
    ("/contest/<month>/frozen.json", "contest_frozen", views_contest.frozen, ("GET",)),
    ("/contest/blacklist", "contest_blacklist", views_contest.blacklist, ("POST",)),
    ("/activities", "activities", views_activities.index, ("GET",)),
    (f"/activities/<{ID}:item_id>", "activity", views_activities.detail, ("GET",)),
    (f"/activities/<{ID}:item_id>/export.xlsx", "activity_export", views_activities.export, ("GET",)),
    (f"/activities/<{ID}:item_id>/checkin.png", "activity_checkin_code", views_activities.checkin_code, ("GET",)),
    (f"/activities/<{ID}:item_id>/checkout.png", "activity_checkout_code", views_activities.checkout_code,
     ("GET",)),
    ("/push", "push", views_push.index, ("GET",)),
    ("/push/retry", "push_retry", views_push.retry, ("POST",)),
    ("/experts", "experts", views_experts.index, ("GET",)),
    ("/experts/stats", "expert_stats", views_experts.upload_stats, ("POST",)),
    ("/experts/evaluate", "expert_evaluate", views_experts.evaluate, ("POST",)),
    ("/experts/quarter", "expert_quarter", views_experts.quarter, ("POST",)),
    ("/supervision", "supervision", views_supervision.index, ("GET",)),
    ("/supervision/invite", "supervisor_invite", views_supervision.invite, ("POST",)),
)


def blueprint() -> Blueprint:
    """The console's blueprint: routes, guards, templates and its own static files."""
    bp = Blueprint("console", __name__, url_prefix=security.CONSOLE_PATH, template_folder="templates",
                   static_folder="static", static_url_path="/static")
    for rule, endpoint, view, methods in ROUTES:
        bp.add_url_rule(rule, endpoint, view, methods=list(methods))
    bp.before_request(_limit_body)
    bp.before_request(security.guard)
    bp.after_request(_headers)
    bp.app_template_global("t")(t)
    bp.app_template_filter("when")(fmt_time)
    bp.app_template_filter("action")(action_label)
    bp.app_template_filter("plain")(plain)
    bp.context_processor(lambda: {"nav": NAV, "is_admin": security.is_admin()})
    bp.register_error_handler(Forbidden, _forbidden)
    bp.register_error_handler(CSRFError, _csrf_failed)
    bp.register_error_handler(RequestEntityTooLarge, _too_large)
    return bp


def _limit_body() -> None:
    """Console uploads may be larger than a WeChat message, up to the console's own limit."""
    request.max_content_length = security.services().settings.console.upload_max_bytes


def _headers(response: Response) -> Response:
    """No framing, no sniffing, no caching of pages that show personal data."""
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
    if request.endpoint != "console.static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _error(status: int, message: str) -> tuple[str, int]:
    return render_template("console/error.html", message=message, status=status), status


def _forbidden(_exc: Exception) -> tuple[str, int]:
    return _error(403, t("console.error.forbidden"))


def _csrf_failed(_exc: Exception) -> tuple[str, int]:
    return _error(400, t("console.error.csrf"))


def _too_large(_exc: Exception) -> tuple[str, int]:
    limit = security.services().settings.console.upload_max_bytes
    return _error(413, t("console.error.too_large", limit=f"{limit / 1048576:.1f} MB"))
