"""Followers asking for the month's results (订阅结果), and WeChat's delivery reports."""
from __future__ import annotations

from bot.context import BotError, Ctx, Incoming, Reply
from core.texts import t
from models.outbox import mark_delivered
from models.subscriptions import subscribe, unsubscribe


def _month(ctx: Ctx) -> str:
    """The round a subscription is for: the month being voted on now."""
    return f"{ctx.now:%Y-%m}"


def subscribe_results(msg: Incoming, ctx: Ctx) -> Reply:
    """订阅结果: be told this month's winners when they are announced."""
    if not ctx.user.subscribed:
        raise BotError(t("push.results.not_follower"))
    month = _month(ctx)
    if subscribe(ctx.session, ctx.user.openid, month, ctx.now):
        return Reply(text=t("push.results.subscribed", month=month))
    return Reply(text=t("push.results.already", month=month))


def unsubscribe_results(msg: Incoming, ctx: Ctx) -> Reply:
    """取消订阅结果: withdraw this month's subscription."""
    month = _month(ctx)
    if unsubscribe(ctx.session, ctx.user.openid, month):
        return Reply(text=t("push.results.unsubscribed", month=month))
    return Reply(text=t("push.results.none", month=month))


def template_finished(msg: Incoming, ctx: Ctx) -> None:
    """TEMPLATESENDJOBFINISH: WeChat reports whether a template message reached the follower."""
    wx_msgid = str(msg.raw.get("MsgID") or msg.raw.get("MsgId") or "")
    if wx_msgid:
        mark_delivered(ctx.session, wx_msgid, str(msg.raw.get("Status") or ""), ctx.now)
