"""Platform admins review filed activities in chat: 审核, 通过 N [意见], 驳回 N 理由."""
from __future__ import annotations

import re

from bot.context import BotError, Ctx, Incoming, Reply
from core.texts import t
from handlers.filing import activity_text
from models.filing import ReviewState
from models.filing_ops import ReviewError, pending_items, review_item

DECISION = re.compile(r"^(通过|驳回)\s*(\d+)\s*(.*)$", re.S)
REASON_MAX = 200  # the review_reason column's size
STATES = {"通过": ReviewState.APPROVED, "驳回": ReviewState.REJECTED}


def pending(msg: Incoming, ctx: Ctx) -> Reply:
    """审核: the oldest activities waiting for review."""
    items = pending_items(ctx.session, ctx.settings.filing.review_list_shown)
    if not items:
        return Reply(text=t("filing.review.none"))
    lines = [t("filing.review.head", n=len(items))] + [activity_text(ctx, item) for item in items]
    lines.append(t("filing.review.footer"))
    return Reply(text="\n".join(lines))


def decide(msg: Incoming, ctx: Ctx) -> Reply:
    """通过 N [意见] / 驳回 N 理由: record the decision and notify the organisation's admins."""
    match = DECISION.match(msg.text)
    assert match is not None  # guarded by is_decision
    word, item_id, reason = match.group(1), int(match.group(2)), " ".join(match.group(3).split())
    state = STATES[word]
    if state == ReviewState.REJECTED and not reason:
        raise BotError(t("filing.review.reason_needed", id=item_id))
    if len(reason) > REASON_MAX:
        raise BotError(t("filing.review.reason_long", max=REASON_MAX))
    try:
        item, changed = review_item(ctx.session, item_id, state, reason, ctx.user.openid, ctx.now,
                                    ctx.settings.filing.review_template)
    except ReviewError:
        raise BotError(t("filing.review.unknown", id=item_id)) from None
    key = "filing.review.done" if changed else "filing.review.same"
    return Reply(text=t(key, id=item.id, name=item.name, state=t(f"filing.state.{state}")))
