"""One path for a message: the exactly-once gate, route, commit once, and the error boundary.

`answer_webhook` answers WeChat: a message that changes something passes the exactly-once gate
(dedupe claim and the user's lock, bot/exactly_once.py) so WeChat's retries get the first answer
byte for byte; a read-only reply (帮助, 项目, 排行, 规则 outside a dialog) changes nothing, so it
skips the gate and a retry computes it again. `answer_later` handles a request kept while
overloaded. `dispatch` is the transaction and the error boundary both use.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError

from bot import exactly_once as gate
from bot import routing
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
    """A handler's reply, and whether it is final.

    Final: the transaction committed, or the handler refused with an expected answer after
    rolling back (nothing was to be written); WeChat's retries must get this reply. Not final:
    something failed and was rolled back; a retry must try again.
    """

    reply: Reply | None
    final: bool


def dispatch(services: Services, msg: Incoming, read_only: bool = False) -> Outcome | None:
    """Route one message inside one transaction; the only broad except of the bot.

    `read_only`: the message came without the exactly-once gate; None (nothing done) when its
    route is not a read-only reply after all (e.g. 帮助 inside a dialog), to pass the gate.
    """
    session = services.db.read_sessions() if read_only else services.db.sessions()
    ctx: Ctx | None = None
    try:
        ctx = _context(services, session, msg)
        handler = routing.route(msg, ctx)
        if read_only and handler not in routing.READ_ONLY:
            session.rollback()
            return None
        reply = handler(msg, ctx)
        session.commit()
    except BotError as exc:
        session.rollback()
        return Outcome(Reply(text=exc.text), final=True)  # an expected answer; nothing written
    except (Busy, StoreUnavailable):
        session.rollback()
        log.warning("dispatch: the store is unavailable", exc_info=True)
        return Outcome(Reply(text=t("error.busy")), final=False)
    except Exception:
        session.rollback()
        log.exception("dispatch: handler failed")
        return Outcome(Reply(text=t("error.generic")), final=False)
    finally:
        session.close()
    _run_after_commit(ctx)
    return Outcome(reply, final=True)


def _context(services: Services, session: object, msg: Incoming) -> Ctx:
    """Load the follower and their roles for this message."""
    admins, now, follows = services.settings.admins.openids, services.now(), proves_following(msg)
    try:
        user, roles, has_draft = follower_with_roles(session, msg.openid, admins, now, follows)  # type: ignore[arg-type]
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        # A restarted server: the pool has dropped its old connections. Nothing ran yet.
        log.warning("dispatch: the database connection was lost; retrying on a new one")
        session.rollback()  # type: ignore[attr-defined]
        user, roles, has_draft = follower_with_roles(session, msg.openid, admins, now, follows)  # type: ignore[arg-type]
    if msg.type != "event":
        touch(user, now, dt.timedelta(seconds=services.settings.accounts.touch_interval_seconds))
    return Ctx(session=session, user=user, roles=roles, settings=services.settings,  # type: ignore[arg-type]
               store=services.store, now=now, services=services,
               dialogs=routing.DIALOGS, draft_loaded=not has_draft)


# Events only a follower can cause (menu taps, scans, location); an unfollow, a template's
# delivery report and unknown events prove nothing.
FOLLOWER_EVENTS = frozenset({"subscribe", "scan", "click", "view", "location", "scancode_push",
                             "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album", "pic_weixin",
                             "location_select", "view_miniprogram"})


def proves_following(msg: Incoming) -> bool:
    """Whether the message proves its sender follows the account (WeChat delivers messages only
    from followers)."""
    return msg.type != "event" or msg.event in FOLLOWER_EVENTS


def _run_after_commit(ctx: Ctx | None) -> None:
    """Store writes that must follow the commit (dialog drafts, caches)."""
    for action in ctx.after_commit if ctx else ():
        try:
            action()
        except StoreUnavailable:
            log.warning("dispatch: an after-commit store write failed", exc_info=True)


def answer_webhook(services: Services, msg: Incoming, render: Render, waited: float = 0.0) -> bytes:
    """Answer WeChat: a read-only reply at once, anything else exactly once (a retry gets the
    first delivery's bytes).

    `waited` is how long the request queued before us: WeChat's clock started then.
    """
    bind_request(msg.openid, msg.dedupe_id)
    deadline = time.monotonic() + services.settings.wechat.reply_deadline_seconds - waited
    if routing.may_be_read_only(msg):
        outcome = dispatch(services, msg, read_only=True)
        if outcome is not None:
            return render(outcome.reply)
    d = gate.gate(services.store, msg.openid, msg.dedupe_id)
    try:
        opened = gate.open_gate(services.store, d, PENDING,
                                     services.settings.accounts.dedupe_ttl_seconds, LOCK_SECONDS)
    except StoreUnavailable:  # whether it claimed is unknown: leave the key to its expiry
        log.warning("answer: the store is down; answering without side effects")
        return render(Reply(text=t("error.busy")))
    if not opened.first:
        return _await_first(services, d.dedupe, opened.earlier, deadline)
    held: gate.Opened | None = opened if opened.locked else _wait_lock(services, d, deadline)
    if held is None:
        _close(services, d, None, locked=False)  # nothing happened: let WeChat's retry try again
        return render(Reply(text=t("error.busy")))
    return _first_delivery(services, msg, render, d, held, deadline)


def answer_later(services: Services, msg: Incoming) -> bool:
    """Handle a message kept while overloaded, once; its reply goes by customer-service message.

    False means nothing happened and the caller should try again later.
    """
    bind_request(msg.openid, msg.dedupe_id)
    d = gate.gate(services.store, msg.openid, msg.dedupe_id)
    try:
        opened = gate.open_gate(services.store, d, PENDING,
                                     services.settings.accounts.dedupe_ttl_seconds, LOCK_SECONDS)
    except StoreUnavailable:
        return False
    if not opened.first:
        return True  # a copy that got through the webhook was (or is being) handled
    held: gate.Opened | None = opened
    if not opened.locked:
        deadline = time.monotonic() + services.settings.accounts.user_lock_seconds + 0.5
        held = _wait_lock(services, d, deadline)
    if held is None:
        _close(services, d, None, locked=False)
        return False
    outcome = dispatch(services, msg)
    assert outcome is not None  # only a read-only dispatch gives up
    if not outcome.final:
        _close(services, d, None)
        return False
    services.late_reply(msg.openid, outcome.reply, msg.dedupe_id)
    _close(services, d, b"success")
    return True


def _wait_lock(services: Services, d: gate.Gate, deadline: float) -> gate.Opened | None:
    """Wait for the user's lock while their previous message is being handled."""
    accounts = services.settings.accounts
    wait = max(0.0, min(accounts.user_lock_seconds, deadline - time.monotonic() - 0.5))
    try:
        return gate.wait_lock(services.store, d, LOCK_SECONDS, wait)
    except StoreUnavailable:
        log.warning("answer: the store failed while waiting for the user's lock")
        return None


def _first_delivery(services: Services, msg: Incoming, render: Render, d: gate.Gate,
                    opened: gate.Opened, deadline: float) -> bytes:
    """Process under the user's lock, then remember the answer and unlock in one step."""
    outcome = dispatch(services, msg)
    assert outcome is not None  # only a read-only dispatch gives up
    body = render(outcome.reply)
    if not outcome.final:
        _close(services, d, None)  # nothing happened: let WeChat's retry try again
        return body
    if time.monotonic() > deadline:
        log.warning("answer: past the deadline; answering success")
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


def _close(services: Services, d: gate.Gate, body: bytes | None, locked: bool = True) -> None:
    """Cache the answer (or forget the claim) and unlock; a failure only costs a retry its text."""
    try:
        gate.close_gate(services.store, d, body, services.settings.accounts.dedupe_ttl_seconds,
                             locked)
    except StoreUnavailable:
        log.warning("answer: could not cache the reply or release the lock")
