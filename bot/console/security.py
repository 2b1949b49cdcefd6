"""The console's security: the secret key, the session cookie, CSRF, passwords, who is logged in."""
from __future__ import annotations

import datetime as dt
import logging
import secrets

from flask import Flask, Request, abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response

from bot.services import Services
from core.settings import EXAMPLE_CONFIG, ConsoleSettings, Settings, SettingsError, read_toml
from models.console import ConsoleRole, ConsoleUser, Throttle

log = logging.getLogger(__name__)
csrf = CSRFProtect()
SECRET_MIN_CHARS = 24
CONSOLE_PATH = "/admin"  # the blueprint's url_prefix and the cookie's path
PASSWORD_MIN_CHARS = 8
HASH_METHOD = "scrypt"
OPEN_ENDPOINTS = ("console.login", "console.static")
# A logged-in viewer may still end their own session.
VIEWER_POSTS = ("console.logout",)


def is_quick_start(settings: Settings) -> bool:
    """The embedded quick start: SQLite and the in-process store together (one process, a laptop)."""
    return settings.database.url.startswith("sqlite:") and settings.redis.url.startswith("memory://")


def example_secret() -> str:
    """The secret key printed in config.example.toml, which no deployment may keep."""
    return str(read_toml(EXAMPLE_CONFIG).get("console", {}).get("secret_key", ""))


def secret_key(settings: Settings) -> str:
    """The key that signs the session; outside the quick start a weak one stops start-up."""
    if has_own_key(settings):
        return settings.console.secret_key
    if not is_quick_start(settings):
        raise SettingsError("console.settings.secret_key", min=SECRET_MIN_CHARS)
    return secrets.token_hex(32)


def has_own_key(settings: Settings) -> bool:
    """Whether the console signs with a key of the settings (not one made for this process)."""
    key = settings.console.secret_key
    return bool(key) and key != example_secret() and len(key) >= SECRET_MIN_CHARS


def check_numbers(c: ConsoleSettings) -> None:
    """Console numbers that would disable a protection stop start-up, naming the key."""
    checks = {"session_hours": c.session_hours >= 1, "lock_minutes": c.lock_minutes >= 1,
              "max_failures_per_account": c.max_failures_per_account >= 1,
              "max_failures_per_address": c.max_failures_per_address >= 1,
              "upload_max_bytes": c.upload_max_bytes >= 1024, "proxy_hops": c.proxy_hops >= 0,
              "rows_shown": c.rows_shown >= 1}
    for key, ok in checks.items():
        if not ok:
            raise SettingsError("settings.range", key=f"console.{key}")


def configure(app: Flask, services: Services) -> None:
    """Sign sessions, harden the cookie and check CSRF on every console form."""
    settings = services.settings
    c = settings.console
    check_numbers(c)
    app.secret_key = secret_key(settings)
    if not has_own_key(settings):
        services.notices.append("console: quick start without a secret key of its own; sessions end on restart")
    app.config.update(
        SESSION_COOKIE_NAME="yv_console", SESSION_COOKIE_PATH=CONSOLE_PATH,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=c.https,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=c.session_hours),
        WTF_CSRF_CHECK_DEFAULT=False,  # only the console's forms: /wechat is signed by WeChat
        WTF_CSRF_TIME_LIMIT=c.session_hours * 3600, WTF_CSRF_SSL_STRICT=c.https)
    app.session_interface = ConsoleSessions()
    csrf.init_app(app)


class ConsoleSessions(SecureCookieSessionInterface):
    """Signed cookie sessions for the console's pages only.

    The webhook carries no cookie, yet Flask would build the cookie's signer and a session for
    each of WeChat's requests: a tenth of a read-only reply's time. Elsewhere the session is
    Flask's null session, which is never saved.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The console's session; a null session outside the console."""
        if request.path != CONSOLE_PATH and not request.path.startswith(CONSOLE_PATH + "/"):
            return self.make_null_session(app)
        return super().open_session(app, request)


def services() -> Services:
    """The running bot's services."""
    svc: Services = current_app.extensions["youthvoice"]
    return svc


def hash_password(password: str) -> str:
    """A salted scrypt hash of a password."""
    return generate_password_hash(password, method=HASH_METHOD)


def password_ok(user: ConsoleUser | None, password: str) -> bool:
    """Whether the password is the account's (a missing account costs the same time)."""
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


def new_password() -> str:
    """A random password that is easy to copy (no look-alike characters)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


_DUMMY_HASH = generate_password_hash("not-a-password", method=HASH_METHOD)


def throttle(c: ConsoleSettings) -> Throttle:
    """The login throttle's numbers from the settings."""
    return Throttle(c.max_failures_per_account, c.max_failures_per_address, c.lock_minutes)


def client_address(proxy_hops: int) -> str:
    """The address a login comes from: the socket's, or the one the trusted proxies saw."""
    if proxy_hops > 0:
        hops = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
        if len(hops) >= proxy_hops:
            return hops[-proxy_hops]
    return request.remote_addr or "unknown"


def log_in(user: ConsoleUser) -> None:
    """Start a fresh session for the account (a new one, so an old cookie cannot be reused)."""
    session.clear()
    session.permanent = True
    session["uid"] = user.id


def log_out() -> None:
    """End the session."""
    session.clear()


def guard() -> Response | None:
    """Before every console request: a session is needed, and only admins change things."""
    if request.endpoint in OPEN_ENDPOINTS:
        if request.method == "POST":
            csrf.protect()
        return None
    user = _current_user()
    if user is None:
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    g.console_user = user
    if request.method not in ("GET", "HEAD"):
        if user.role != ConsoleRole.ADMIN and request.endpoint not in VIEWER_POSTS:
            abort(403)
        csrf.protect()
    return None


def _current_user() -> ConsoleUser | None:
    """The account of this session, read again from SQL so a removed account is out at once."""
    uid = session.get("uid")
    if not isinstance(uid, int):
        return None
    with services().db.session() as s:
        return s.get(ConsoleUser, uid)


def actor() -> str:
    """How the logged-in account is named in domain records and the audit log."""
    return f"console:{g.console_user.username}"


def is_admin() -> bool:
    """Whether the logged-in account may change things."""
    user = g.get("console_user")
    return user is not None and user.role == ConsoleRole.ADMIN
