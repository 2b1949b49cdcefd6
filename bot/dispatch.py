"""One path for a message: dedupe, per-user lock, route, commit once, and the error boundary."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from typing import Callable

from sqlalchemy.exc import DBAPIError

from bot import delivery, routing
from bot.context import BotError, Ctx, Incoming, Reply
from bot.logs import bind_request
from bot.services import Services
from bot.store import Busy, StoreUnavailable
from core.texts import t
from handlers.accounts import touch
from models.roles import follower_with_roles

log = logging.getLogger(__name__)

PENDING = b"\x00pending"
POLL_SECONDS = 0.05
LOCK_SECONDS = 10  # the user's lock outlives no handler by much; it expires if a worker dies
Render = Callable[[Reply | None], bytes]


@dataclasses.dataclass(frozen=True)
class Outcome:
    """A handler's reply, and whether its transaction committed."""

    reply: Reply | None
    committed: bool


def dispatch(services: Services, msg: Incoming,
             prefetched: dict[str, bytes | None] | None = None) -> Outcome:
    """Route one message inside one transaction; the only broad except of the bot.

    `prefetched`: store values already read under the user's lock (their dialog state).
    """
    session = services.db.sessions()
    ctx: Ctx | None = None
    try:
        ctx = _context(services, session, msg, prefetched or {})
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


def _context(services: Services, session: object, msg: Incoming,
             prefetched: dict[str, bytes | None]) -> Ctx:
    """Load the follower and their roles for this message."""
    admins = services.settings.admins.openids
    try:
        user, roles = follower_with_roles(session, msg.openid, admins)  # type: ignore[arg-type]
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        # A restarted server: the pool has dropped its old connections. Nothing ran yet.
        log.warning("dispatch: the database connection was lost; retrying on a new one")
        session.rollback()  # type: ignore[attr-defined]
        user, roles = follower_with_roles(session, msg.openid, admins)  # type: ignore[arg-type]
    now = services.now()
    if msg.type != "event":
        touch(user, now, dt.timedelta(seconds=services.settings.accounts.touch_interval_seconds))
    return Ctx(session=session, user=user, roles=roles, settings=services.settings,  # type: ignore[arg-type]
               store=services.store, now=now, services=services, prefetched=prefetched,
               dialogs=routing.DIALOGS)


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
    deadline = time.monotonic() + services.settings.wechat.reply_deadline_seconds - waited
    d = delivery.delivery(services.store, msg.openid, msg.dedupe_id)
    try:
        opened = delivery.open_delivery(services.store, d, PENDING,
                                     services.settings.accounts.dedupe_ttl_seconds, LOCK_SECONDS)
    except StoreUnavailable:  # whether it claimed is unknown: leave the key to its expiry
        log.warning("deliver: the store is down; answering without side effects")
        return render(Reply(text=t("error.busy")))
    if not opened.first:
        return _await_first(services, d.dedupe, opened.earlier, deadline)
    if not opened.locked:
        opened = _wait_lock(services, d, deadline)
    if opened is None:
        _close(services, d, None, locked=False)  # nothing happened: let WeChat's retry try again
        return render(Reply(text=t("error.busy")))
    return _first_delivery(services, msg, render, d, opened, deadline)


def deliver_later(services: Services, msg: Incoming) -> bool:
    """Handle a message kept while overloaded, once; its reply goes by customer-service message.

    False means nothing happened and the caller should try again later.
    """
    bind_request(msg.openid, msg.dedupe_id)
    d = delivery.delivery(services.store, msg.openid, msg.dedupe_id)
    try:
        opened = delivery.open_delivery(services.store, d, PENDING,
                                     services.settings.accounts.dedupe_ttl_seconds, LOCK_SECONDS)
    except StoreUnavailable:
        return False
    if not opened.first:
        return True  # a copy that got through the webhook was (or is being) handled
    if not opened.locked:
        deadline = time.monotonic() + services.settings.accounts.user_lock_seconds + 0.5
        opened = _wait_lock(services, d, deadline)
    if opened is None:
        _close(services, d, None, locked=False)
        return False
    outcome = dispatch(services, msg, {d.dialog: opened.dialog})
    if not outcome.committed:
        _close(services, d, None)
        return False
    services.late_reply(msg.openid, outcome.reply, msg.dedupe_id)
    _close(services, d, b"success")
    return True


def _wait_lock(services: Services, d: delivery.Delivery, deadline: float) -> delivery.Opened | None:
    """Wait for the user's lock while their previous message is being handled."""
    accounts = services.settings.accounts
    wait = max(0.0, min(accounts.user_lock_seconds, deadline - time.monotonic() - 0.5))
    try:
        return delivery.wait_lock(services.store, d, LOCK_SECONDS, wait)
    except StoreUnavailable:
        log.warning("deliver: the store failed while waiting for the user's lock")
        return None


def _first_delivery(services: Services, msg: Incoming, render: Render, d: delivery.Delivery,
                    opened: delivery.Opened, deadline: float) -> bytes:
    """Process under the user's lock, then remember the answer and unlock in one step."""
    outcome = dispatch(services, msg, {d.dialog: opened.dialog})
    body = render(outcome.reply)
    if not outcome.committed:
        _close(services, d, None)  # nothing happened: let WeChat's retry try again
        return body
    if time.monotonic() > deadline:
        log.warning("deliver: past the deadline; answering success")
        services.late_reply(msg.openid, outcome.reply, msg.dedupe_id)
        body = b"success"
    _close(services, d, body)
    return body


def _await_first(services: Services, key: str, earlier: bytes | None, deadline: float) -> bytes:
    """A retry while the first delivery is still running waits for its answer."""
    body = earlier
    while body == PENDING and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        try:
            body = services.store.get(key)
        except StoreUnavailable:
            return b"success"
    return b"success" if body is None or body == PENDING else body


def _close(services: Services, d: delivery.Delivery, body: bytes | None, locked: bool = True) -> None:
    """Cache the answer (or forget the claim) and unlock; a failure only costs a retry its text."""
    try:
        delivery.close_delivery(services.store, d, body, services.settings.accounts.dedupe_ttl_seconds,
                             locked)
    except StoreUnavailable:
        log.warning("deliver: could not cache the reply or release the lock")
