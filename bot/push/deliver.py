"""Sending one claimed message, and what each WeChat answer does to its row."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.push.alerts import quota_gone
from bot.push.rate import RateLimit
from bot.push.templates import NOT_CONFIGURED, TemplateNotConfigured, configured, field_named, render
from bot.services import Services
from bot.wechat.errors import Action, WeChatError
from models import outbox_claim as claims
from models.accounts import User
from models.outbox import Channel
from models.outbox_claim import Claimed
from models.push_marks import mark_recipient, mark_unsubscribed, refused

log = logging.getLogger(__name__)
NOT_FOLLOWER, REFUSED, DAILY_QUOTA, RATE_LIMITED, BAD_DATA = 43004, 43101, 45009, 45011, 47003
FALLBACK_CODES = frozenset({45015, 45047})


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What happened to one message in this run."""

    # sent, retry, failed, skipped, fallback, released, throttled, halted, lost
    state: str
    code: int | None = None


def send_one(services: Services, msg: Claimed, limiter: RateLimit, halted: set[str]) -> Outcome:
    """Send one claimed message unless its channel halted, the recipient refused, or the minute is full."""
    now = services.now()
    with services.db.session() as session:
        if msg.channel in halted:
            return _done(claims.release(session, msg), Outcome("released"))
        skip = _skip_code(session, msg)
        if skip:
            return _done(claims.record_skip(session, msg, skip, "收件人已拒收或已取消关注"),
                         Outcome("skipped", skip))
        if not limiter.acquire(now):
            return _done(claims.release(session, msg), Outcome("throttled"))
    return _call_and_record(services, msg, limiter)


def _skip_code(session: Session, msg: Claimed) -> int | None:
    """Why this recipient must not be written to on this channel, if they must not."""
    if msg.openid is None:
        return None
    if refused(session, msg.openid, msg.channel):
        return REFUSED if msg.channel == Channel.SUBSCRIBE else NOT_FOLLOWER
    user = session.scalar(select(User).where(User.openid == msg.openid))
    gone = user is not None and not user.subscribed and user.unsubscribed_at is not None
    return NOT_FOLLOWER if gone and msg.channel != Channel.MASS else None


def _call_and_record(services: Services, msg: Claimed, limiter: RateLimit) -> Outcome:
    """Call WeChat outside any transaction, then record the answer."""
    try:
        wx_msgid = call_api(services, msg)
    except TemplateNotConfigured as exc:
        with services.db.session() as session:
            text = f"模板“{exc.args[0]}”未配置 template_id"
            return _done(claims.record_failure(session, msg, NOT_CONFIGURED, text),
                         Outcome("failed", NOT_CONFIGURED))
    except WeChatError as exc:
        with services.db.session() as session:
            return on_error(services, session, msg, exc, limiter)
    with services.db.session() as session:
        return _done(claims.record_sent(session, msg, wx_msgid, services.now()), Outcome("sent"))


def call_api(services: Services, msg: Claimed) -> str:
    """Make the API call of the message's channel; returns WeChat's msgid ("" when none)."""
    api, payload = services.api, msg.payload
    if msg.channel == Channel.TEMPLATE:
        r = render(services.settings.push, payload)
        return _id(api.send_template(msg.openid or "", r.template_id, r.data, r.url,
                                     client_msg_id=msg.key))
    if msg.channel == Channel.SUBSCRIBE:
        r = render(services.settings.push, payload)
        api.send_subscribe(msg.openid or "", r.template_id, r.data, r.url)
        return ""
    if msg.channel == Channel.MASS:
        return _id(api.mass_send_text(str(payload["text"]), client_msg_id=msg.key))
    api.send_custom_text(msg.openid or "", str(payload["text"]))
    return ""


def _id(value: int) -> str:
    """WeChat's msgid as text ("" for none)."""
    return str(value) if value else ""


def on_error(services: Services, session: Session, msg: Claimed, exc: WeChatError,
             limiter: RateLimit) -> Outcome:
    """Apply WeChat's advice for an error code to the message's row."""
    now, code = services.now(), exc.code
    if code == DAILY_QUOTA:
        until = quota_gone(services, session, msg.channel, code, now)
        return _done(claims.release(session, msg, at=until), Outcome("halted", code))
    if code in (NOT_FOLLOWER, REFUSED) and msg.openid:
        return _skip_recipient(session, msg, code, now)
    if code in FALLBACK_CODES:
        return _fall_back(services, session, msg, code, now)
    if code == BAD_DATA:
        field = field_named(exc.message, _template_data(services, msg))
        return _done(claims.record_failure(session, msg, code, f"字段 {field} 无效：{exc.message}"),
                     Outcome("failed", code))
    if exc.action is Action.RETRY:
        return _retry(services, session, msg, exc, limiter, now)
    return _done(claims.record_failure(session, msg, code, exc.message or str(exc)),
                 Outcome("failed", code))


def _skip_recipient(session: Session, msg: Claimed, code: int, now: dt.datetime) -> Outcome:
    """43004 / 43101: mark the recipient and move on."""
    mark_recipient(session, msg.openid or "", msg.channel, code, now)
    if code == NOT_FOLLOWER:
        mark_unsubscribed(session, msg.openid or "", now)
    text = "用户未关注公众号" if code == NOT_FOLLOWER else "用户拒收订阅通知"
    return _done(claims.record_skip(session, msg, code, text), Outcome("skipped", code))


def _fall_back(services: Services, session: Session, msg: Claimed, code: int,
               now: dt.datetime) -> Outcome:
    """45015 / 45047: send the configured template instead; without one, skip the recipient."""
    fallback: dict[str, Any] | None = msg.payload.get("fallback")
    if msg.channel == Channel.CUSTOM and fallback and configured(services.settings.push,
                                                                  str(fallback.get("template"))):
        return _done(claims.record_fallback(session, msg, code, Channel.TEMPLATE, fallback, now),
                     Outcome("fallback", code))
    text = "客服消息窗口已关闭且未配置备用模板" if code == 45015 else "客服消息条数已满且未配置备用模板"
    return _done(claims.record_skip(session, msg, code, text), Outcome("skipped", code))


def _retry(services: Services, session: Session, msg: Claimed, exc: WeChatError,
           limiter: RateLimit, now: dt.datetime) -> Outcome:
    """-1, 45011, token or network trouble: try again later, waiting longer each time."""
    if exc.code == RATE_LIMITED:
        limiter.exhaust(now)
    push = services.settings.push
    wait = push.backoff_seconds[min(msg.attempts, len(push.backoff_seconds)) - 1]
    ok = claims.record_retry(session, msg, exc.code, exc.message or str(exc),
                             now + dt.timedelta(seconds=wait), push.max_attempts)
    state = "retry" if msg.attempts < push.max_attempts else "failed"
    return _done(ok, Outcome(state, exc.code))


def _template_data(services: Services, msg: Claimed) -> dict[str, str]:
    """The rendered template values of a message, to name a bad field."""
    try:
        return render(services.settings.push, msg.payload).data
    except TemplateNotConfigured:
        return {}


def _done(recorded: bool, outcome: Outcome) -> Outcome:
    """The outcome, or `lost` when another sender took the row over after our lease ran out."""
    if recorded:
        return outcome
    log.warning("push: lease lost before recording %s", outcome.state)
    return Outcome("lost", outcome.code)
