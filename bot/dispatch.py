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
import enum
import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot import exactly_once as gate
from bot import routing
from bot.context import BotError, Ctx, Handler, Incoming, Reply
from bot.logs import bind_request
from bot.read_cache import Change, KnownFollower, detached_copy
from bot.services import Services
from bot.store import Busy, StoreUnavailable
from core.texts import t
from handlers.accounts import touch, touch_due
from models.accounts import Role, User
from models.contest_votes import DialogOpen
from models.roles import follower_with_roles, unread_sender

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
    change: Change = Change.SENDER  # what the other workers' read caches must forget


class Mode(enum.Enum):
    """How a message's statements run."""

    READ = "read"            # a read-only reply, without the gate, in autocommit on PostgreSQL
    ONE_STATEMENT = "one"    # a vote on PostgreSQL: autocommit, its sender recorded by its statement
    WRITE = "write"          # anything else: one transaction


def dispatch(services: Services, msg: Incoming, read_only: bool = False) -> Outcome | None:
    """Route one message and run it; the only broad except of the bot.

    `read_only`: the message came without the exactly-once gate; None (nothing done) when its
    route is not a read-only reply after all (e.g. 帮助 inside a dialog), to pass the gate. A
    vote on PostgreSQL is tried as one statement first; should its route be another (an open
    dialog takes the words), nothing was written and it runs again in a transaction.
    """
    if read_only:
        return _dispatch(services, msg, Mode.READ)
    if services.db.dialect == "postgresql" and routing.may_be_one_statement(msg):
        outcome = _dispatch(services, msg, Mode.ONE_STATEMENT)
        if outcome is not None:
            return outcome
    return _dispatch(services, msg, Mode.WRITE)


def _dispatch(services: Services, msg: Incoming, mode: Mode) -> Outcome | None:
    """Route one message inside its session; None when the route does not suit `mode`."""
    if mode is Mode.READ:
        services.read_cache.listen()
    else:
        services.read_cache.listen_now_and_then()
    held = OnFirstUse(services.db.sessions if mode is Mode.WRITE else services.db.autocommit_sessions)
    ctx: Ctx | None = None
    try:
        ctx = _context(services, held.open, msg, mode)
        handler = routing.route(msg, ctx)
        if not _suits(mode, handler):
            held.rollback()
            return None
        reply = _public_answer(handler, msg, ctx) if mode is Mode.READ else handler(msg, ctx)
        held.commit()
    except BotError as exc:
        held.rollback()
        return Outcome(Reply(text=exc.text), final=True, change=Change.NOTHING)  # an expected answer
    except (Busy, StoreUnavailable):
        held.rollback()
        log.warning("dispatch: the store is unavailable", exc_info=True)
        return Outcome(Reply(text=t("error.busy")), final=False)
    except DialogOpen:  # the vote's statement found a dialog open and did nothing: route again
        held.rollback()
        return None
    except Exception:
        held.rollback()
        log.exception("dispatch: handler failed")
        return Outcome(Reply(text=t("error.generic")), final=False)
    finally:
        held.close()
    if mode is not Mode.READ:
        services.read_cache.wrote(msg.openid)
    _run_after_commit(ctx)
    return Outcome(reply, final=True, change=Change.PUBLIC if mode is Mode.ONE_STATEMENT else Change.SENDER)


def _suits(mode: Mode, handler: Handler) -> bool:
    """Whether the routed handler may run in this mode."""
    if mode is Mode.READ:
        return handler in routing.READ_ONLY
    if mode is Mode.ONE_STATEMENT:
        return handler in routing.ONE_STATEMENT
    return True


class OnFirstUse:
    """The message's session, opened on first use: a reply from the read cache needs none."""

    def __init__(self, factory: Callable[[], Session]) -> None:
        self.factory = factory
        self.session: Session | None = None

    def open(self) -> Session:
        """The session (opened now if it is not yet)."""
        if self.session is None:
            self.session = self.factory()
        return self.session

    def commit(self) -> None:
        """Commit, if a session was opened (in autocommit: flush what is left, e.g. a touch)."""
        if self.session is not None:
            self.session.commit()

    def rollback(self) -> None:
        """Roll back, if a session was opened."""
        if self.session is not None:
            self.session.rollback()

    def close(self) -> None:
        """Close, if a session was opened."""
        if self.session is not None:
            self.session.close()


def _context(services: Services, opener: Callable[[], Session], msg: Incoming, mode: Mode) -> Ctx:
    """Load the follower and their roles for this message (a read-only reply may reuse what
    this worker read of them a moment ago: bot/read_cache.py; a vote on PostgreSQL leaves it to
    its statement)."""
    admins, now, follows = services.settings.admins.openids, services.now(), proves_following(msg)
    accounts = services.settings.accounts
    interval = dt.timedelta(seconds=accounts.touch_interval_seconds)
    if mode is Mode.ONE_STATEMENT:  # the vote's statement reads the sender (and their draft) itself
        sender, held = unread_sender(msg.openid, admins, follows)
        return _ctx(services, opener, sender, held, now, has_draft=False)
    known = services.read_cache.follower(msg.openid, now) if mode is Mode.READ else None
    if known is not None and not touch_due(known.user, now, interval):
        return _ctx(services, opener, known.user, known.roles, now, has_draft=False)
    session = opener()
    try:
        user, roles, has_draft = follower_with_roles(session, msg.openid, admins, now, follows)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        # A restarted server: the pool has dropped its old connections. Nothing ran yet.
        log.warning("dispatch: the database connection was lost; retrying on a new one")
        session.rollback()
        user, roles, has_draft = follower_with_roles(session, msg.openid, admins, now, follows)
    if msg.type != "event":
        touch(user, now, interval)
    ctx = _ctx(services, opener, user, roles, now, has_draft)
    if mode is Mode.READ and user.subscribed and not has_draft:
        found = KnownFollower(detached_copy(user), roles)  # copied now: the session closes first
        ctx.after_commit.append(lambda: services.read_cache.remember_follower(msg.openid, found, now))
    return ctx


def _ctx(services: Services, opener: Callable[[], Session], user: User, roles: frozenset[Role],
         now: dt.datetime, has_draft: bool) -> Ctx:
    return Ctx(opener=opener, user=user, roles=roles, settings=services.settings,
               store=services.store, now=now, services=services,
               dialogs=routing.DIALOGS, draft_loaded=not has_draft)


def _public_answer(handler: Handler, msg: Incoming, ctx: Ctx) -> Reply | None:
    """A read-only reply; a public one (the same for every follower) reused for a moment."""
    if handler not in routing.PUBLIC_READS:
        return handler(msg, ctx)
    cache, key = ctx.services.read_cache, (handler, msg.type, msg.text, msg.event_key)
    reply = cache.answer(key, ctx.now)
    if reply is None:
        keep = cache.before_answer()  # before the reading: see bot/read_cache.py
        reply = handler(msg, ctx)
        computed, now = reply, ctx.now
        if keep:
            ctx.after_commit.append(lambda: cache.remember_answer(key, computed, now))
    return reply


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
    _close(services, d, b"success", outcome.change)
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
    _close(services, d, body, outcome.change)
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


def _close(services: Services, d: gate.Gate, body: bytes | None, change: Change = Change.SENDER,
           locked: bool = True) -> None:
    """Cache the answer (or forget the claim) and unlock; a failure only costs a retry its text."""
    try:
        gate.close_gate(services.store, d, body, services.settings.accounts.dedupe_ttl_seconds,
                        locked, services.read_cache.announce(change))
    except StoreUnavailable:
        log.warning("answer: could not cache the reply or release the lock")
