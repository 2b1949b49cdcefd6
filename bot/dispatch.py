"""One path for a message: dedupe, per-user lock, route, commit once, and the error boundary."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from typing import Callable

from bot import routing
from bot.context import BotError, Ctx, Incoming, Reply
from bot.logs import bind_request
from bot.services import Services
from bot.store import Busy, StoreUnavailable
from bot.texts import t
from handlers.accounts import touch
from models.accounts import get_or_create_user
from models.roles import roles_of

log = logging.getLogger(__name__)

PENDING = b"\x00pending"
POLL_SECONDS = 0.05
Render = Callable[[Reply | None], bytes]


@dataclasses.dataclass(frozen=True)
class Outcome:
    """A handler's reply, and whether its transaction committed."""

    reply: Reply | None
    committed: bool


def dispatch(services: Services, msg: Incoming) -> Outcome:
    """Route one message inside one transaction; the only broad except of the bot."""
    session = services.db.sessions()
    ctx: Ctx | None = None
    try:
        ctx = _context(services, session, msg)
        reply = routing.route(msg, ctx)(msg, ctx)
        session.commit()
    except BotError as exc:
        session.rollback()
        return Outcome(Reply(text=exc.text), committed=True)  # an expected, final answer
    except (Busy, StoreUnavailable):
        session.rollback()
        log.warning("dispatch: the store is unavailable", exc_info=True)
        return Outcome(Reply(text=t("error.busy")), committed=False)
    except Exception:  # noqa: BLE001 - the dispatch boundary: roll back, log, answer kindly
        session.rollback()
        log.exception("dispatch: handler failed")
        return Outcome(Reply(text=t("error.generic")), committed=False)
    finally:
        session.close()
    _run_after_commit(ctx)
    return Outcome(reply, committed=True)


def _context(services: Services, session: object, msg: Incoming) -> Ctx:
    """Load the follower and their roles for this message."""
    user = get_or_create_user(session, msg.openid)  # type: ignore[arg-type]
    now = services.now()
    if msg.type != "event":
        touch(user, now, dt.timedelta(seconds=services.settings.accounts.touch_interval_seconds))
    roles = roles_of(session, user, services.settings.admins.openids)  # type: ignore[arg-type]
    return Ctx(session=session, user=user, roles=roles, settings=services.settings,  # type: ignore[arg-type]
               store=services.store, now=now, services=services)


def _run_after_commit(ctx: Ctx | None) -> None:
    """Store writes that must follow the commit (dialog drafts, caches)."""
    for action in ctx.after_commit if ctx else ():
        try:
            action()
        except StoreUnavailable:
            log.warning("dispatch: an after-commit store write failed", exc_info=True)


def deliver(services: Services, msg: Incoming, render: Render, waited: float = 0.0) -> bytes:
    """Answer a delivery exactly once: a retry gets the first delivery's bytes.

    `waited` is how long the request queued before us: WeChat's clock started then.
    """
    bind_request(msg.openid, msg.dedupe_id)
    started = time.monotonic()
    deadline = started + services.settings.wechat.reply_deadline_seconds - waited
    accounts = services.settings.accounts
    key = services.store.key("dedupe", msg.openid, msg.dedupe_id)
    try:
        first = services.store.claim(key, PENDING, accounts.dedupe_ttl_seconds)
    except StoreUnavailable:
        log.warning("deliver: the store is down; answering without side effects")
        return render(Reply(text=t("error.busy")))
    if not first:
        return _await_first(services, key, deadline)
    return _first_delivery(services, msg, render, key, deadline)


def _first_delivery(services: Services, msg: Incoming, render: Render, key: str,
                    deadline: float) -> bytes:
    """Process under the user's lock and remember the answer for retries."""
    accounts = services.settings.accounts
    wait = max(0.0, min(accounts.user_lock_seconds, deadline - time.monotonic() - 0.5))
    try:
        with services.store.lock(f"user:{msg.openid}", timeout=10, wait=wait):
            outcome = dispatch(services, msg)
    except (Busy, StoreUnavailable):
        _forget(services, key)
        return render(Reply(text=t("error.busy")))
    body = render(outcome.reply)
    if not outcome.committed:
        _forget(services, key)  # nothing happened: let WeChat's retry try again
        return body
    if time.monotonic() > deadline:
        log.warning("deliver: past the deadline; answering success")
        services.late_reply(msg.openid, outcome.reply, msg.dedupe_id)
        body = b"success"
    _remember(services, key, body, accounts.dedupe_ttl_seconds)
    return body


def _await_first(services: Services, key: str, deadline: float) -> bytes:
    """A retry while the first delivery is still running waits for its answer."""
    while time.monotonic() < deadline:
        try:
            body = services.store.get(key)
        except StoreUnavailable:
            return b"success"
        if body is None:
            return b"success"
        if body != PENDING:
            return body
        time.sleep(POLL_SECONDS)
    return b"success"


def _remember(services: Services, key: str, body: bytes, ttl: int) -> None:
    """Cache the answer for retries; losing it only costs a retry its reply text."""
    try:
        services.store.put(key, body, ttl)
    except StoreUnavailable:
        log.warning("deliver: could not cache the reply for retries")


def _forget(services: Services, key: str) -> None:
    """Release the dedupe claim of a delivery that had no side effect, so a retry may run."""
    try:
        services.store.delete(key)
    except StoreUnavailable:
        log.warning("deliver: could not release the dedupe claim")
