"""Logging in and out, with the throttle that makes guessing passwords slow."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.console import security
from bot.console.forms import LoginForm
from bot.console.pages import db, fmt_time
from core.texts import t
from models.console import (
    audit,
    clear_failures,
    locked_until,
    record_failure,
    user_by_name,
)


def login() -> Response | tuple[str, int] | str:
    """Show the login form; on POST check the throttle, then the password."""
    form = LoginForm()
    if request.method == "GET":
        return render_template("console/login.html", form=form, error=None)
    if not form.validate():
        return render_template("console/login.html", form=form, error=t("console.login.missing")), 400
    return _attempt(form, form.username.data.strip(), form.password.data)


def _attempt(form: LoginForm, username: str, password: str) -> Response | tuple[str, int]:
    """One login attempt: refused while locked, counted when wrong, a new session when right."""
    svc = security.services()
    now, address = svc.now(), security.client_address(svc.settings.console.proxy_hops)
    rules = security.throttle(svc.settings.console)
    with db() as s:
        until = locked_until(s, username, address, rules, now)
        if until is not None:
            message = t("console.login.locked", until=fmt_time(until, "%H:%M"))
            return render_template("console/login.html", form=form, error=message), 429
        user = user_by_name(s, username)
        if not security.password_ok(user, password) or user is None:
            record_failure(s, username, address, now)
            return render_template("console/login.html", form=form, error=t("console.login.wrong")), 401
        clear_failures(s, username)
        user.last_login_at = now
        audit(s, f"console:{user.username}", "login", f"user:{user.username}", now,
              after={"address": address})
    security.log_in(user)
    return redirect(_next_page())


def _next_page() -> str:
    """Where to go after logging in: the page asked for, if it is a console page."""
    wanted = request.args.get("next", "")
    parts = urlsplit(wanted)
    if wanted.startswith("/admin/") and not parts.scheme and not parts.netloc:
        return wanted
    return url_for("console.overview")


def logout() -> Response:
    """End the session and go back to the login page."""
    security.log_out()
    return redirect(url_for("console.login"))
