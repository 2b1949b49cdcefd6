"""Platform admins review filed activities in chat.

审核 lists the oldest pending activities, 审核 N shows one in full with its review history,
通过 N [意见] / 驳回 N 理由 decide, and 改为通过 N [意见] / 改为驳回 N 理由 change a decision.
The same decision again changes nothing; another decision without 改为 is refused with the word.
"""
from __future__ import annotations

import re

from bot.context import BotError, Ctx, Incoming, Reply
from bot.wechat.protocol import MAX_TEXT_BYTES, fit_text
from core.texts import t
from handlers.filing import activity_text
from models.base import get_by_key
from models.filing import FilingItem, FilingReview, ReviewState
from models.filing_ops import (
    ReviewConflict,
    ReviewError,
    count_pending,
    latest_review,
    org_name_of,
    pending_items,
    review_item,
)
from models.support import assess_item, short_line, support_name

DECISION = re.compile(r"^(改为)?(通过|驳回)\s*(\d+)\s*(.*)$", re.DOTALL)
SHOW = re.compile(r"^审核\s*(\d+)$")
REASON_MAX = 200  # the review_reason column's size
STATES = {"通过": ReviewState.APPROVED, "驳回": ReviewState.REJECTED}
WORDS = {state: word for word, state in STATES.items()}
LIST_DESCRIPTION_CLIP = 40  # 审核 lists several activities in one reply
LIST_PLAN_MAX = 120         # a longer link is shown by 审核 N (a clipped link would not open)


def pending(msg: Incoming, ctx: Ctx) -> Reply:
    """审核: the oldest activities waiting for review, as many as fit one reply."""
    items = pending_items(ctx.session, ctx.settings.filing.review_list_shown)
    if not items:
        return Reply(text=t("filing.review.none"))
    total, footer = count_pending(ctx.session), t("filing.review.footer", example=items[0].id)
    blocks = [_list_block(ctx, item) for item in items]
    text = _list_text(blocks[:1], total, footer)
    for n in range(2, len(blocks) + 1):
        longer = _list_text(blocks[:n], total, footer)
        if len(longer.encode()) > MAX_TEXT_BYTES:
            break
        text = longer
    return Reply(text=fit_text(text))


def _list_text(blocks: list[str], total: int, footer: str) -> str:
    """The 审核 reply showing these blocks, counting the pending ones left out."""
    rest = total - len(blocks)
    lines = [t("filing.review.head", n=len(blocks), total=total), *blocks]
    lines += [t("filing.review.more", n=rest)] if rest else []
    return "\n".join([*lines, footer])


def _list_block(ctx: Ctx, item: FilingItem) -> str:
    """One pending activity in the 审核 list: the 我的申报 lines plus 简介, 申请意向 and the plan."""
    description = item.description
    if len(description) > LIST_DESCRIPTION_CLIP:
        description = description[:LIST_DESCRIPTION_CLIP] + "…"
    head, support = activity_text(ctx, item).rsplit("\n", 1)  # the verdicts stay last
    lines = [head, t("filing.review.description", text=description),
             t("filing.review.intentions", names=_intentions(item)), _plan_line(item), support]
    return "\n".join(lines)


def _plan_line(item: FilingItem) -> str:
    """The plan link, or where to find a long one, or that there is none."""
    if not item.plan_url:
        return t("filing.review.plan_none")
    if len(item.plan_url) > LIST_PLAN_MAX:
        return t("filing.review.plan_long", id=item.id)
    return t("filing.review.plan", url=item.plan_url)


def _intentions(item: FilingItem) -> str:
    """The supports applied for, by their one name each."""
    return "、".join(support_name(v) for v in item.intentions)


def show(msg: Incoming, ctx: Ctx) -> Reply:
    """审核 N: one activity in full, its supports with reasons and its review history."""
    match = SHOW.match(msg.text)
    assert match is not None  # guarded by the route's pattern
    number = int(match.group(1))
    item = get_by_key(ctx.session, FilingItem, number)
    if item is None:
        return Reply(text=t("filing.review.unknown", id=match.group(1)))
    return Reply(text=activity_in_full(ctx, item))


def activity_in_full(ctx: Ctx, item: FilingItem) -> str:
    """Every field of an activity; shorter verdicts and fewer old decisions if it must fit."""
    latest_review(item)  # a decision made before the history existed gets its history row
    head = _full_fields(ctx, item)
    results = assess_item(item, ctx.settings.support)
    reasons = [t("filing.review.support_full")] + [
        f"  · {support_name(r.intention)}：{r.reason}" for r in results]
    history = [_history_line(ctx, r) for r in item.reviews]
    footer = [t("filing.review.show_footer.pending" if item.review_state == ReviewState.PENDING
                else f"filing.review.show_footer.{item.review_state}", id=item.id)]
    for support in (reasons, [t("filing.support.line", line=short_line(results))]):
        for keep in range(len(history), -1, -1):
            shown = history[len(history) - keep:]
            dropped = [t("filing.review.history_dropped", n=len(history) - keep)] if keep < len(history) else []
            title = [t("filing.review.history")] if history else []
            text = "\n".join([*head, *support, *title, *dropped, *shown, *footer])
            if len(text.encode()) <= MAX_TEXT_BYTES:
                return text
    return fit_text(text)


def _full_fields(ctx: Ctx, item: FilingItem) -> list[str]:
    """The form's fields of one activity, each on its line."""
    filed_at = item.filing.filed_at.astimezone(ctx.now.tzinfo).strftime("%Y-%m-%d %H:%M")
    lines = [t("filing.review.full_head", id=item.id, name=item.name,
               state=t(f"filing.state.{item.review_state}")),
             t("filing.review.full_org", org=org_name_of(ctx.session, item), filing=item.filing_id,
               at=filed_at),
             t("filing.review.full_fields", town=item.town, time=item.time_text, location=item.location,
               scale=item.scale_text, type=t(f"filing.type.{item.activity_type}")),
             t("filing.review.full_description", text=item.description),
             t("filing.review.plan", url=item.plan_url) if item.plan_url else t("filing.review.plan_none"),
             t("filing.review.intentions", names=_intentions(item))]
    figures = (item.actual_participants, item.actual_registrations, item.actual_interactions)
    if any(v is not None for v in figures):
        lines.append(t("filing.review.actual", participants=_dash(figures[0]),
                       registrations=_dash(figures[1]), interactions=_dash(figures[2])))
    return lines


def _dash(value: int | None) -> str:
    """A figure, or a dash when not recorded."""
    return "-" if value is None else str(value)


def _history_line(ctx: Ctx, review: FilingReview) -> str:
    """One decision of the history: when, who, what, why."""
    word = WORDS[ReviewState(review.decision)]
    return t("filing.review.history_line", at=_when(ctx, review), who=review.reviewer or "-",
             decision=t("filing.review.changed_word", word=word) if review.changed else word,
             comment=f"：{review.comment}" if review.comment else "")


def _when(ctx: Ctx, review: FilingReview) -> str:
    """A decision's time on the bot's clock."""
    return review.decided_at.astimezone(ctx.now.tzinfo).strftime("%Y-%m-%d %H:%M")


def decide(msg: Incoming, ctx: Ctx) -> Reply:
    """通过 N [意见] / 驳回 N 理由 / 改为…: record the decision and notify the organisation's admins."""
    match = DECISION.match(msg.text)
    assert match is not None  # guarded by the route's pattern
    change, word, item_id = bool(match.group(1)), match.group(2), int(match.group(3))
    reason, state = " ".join(match.group(4).split()), STATES[match.group(2)]
    if state == ReviewState.REJECTED and not reason:
        raise BotError(t("filing.review.reason_needed", id=item_id, change="改为" if change else ""))
    if len(reason) > REASON_MAX:
        raise BotError(t("filing.review.reason_long", max=REASON_MAX))
    try:
        item, recorded = review_item(ctx.session, item_id, state, reason, ctx.user.openid, ctx.now,
                                     ctx.settings.filing.review_template, change=change)
    except ReviewConflict as conflict:
        raise BotError(_conflict_text(ctx, conflict.current, word)) from None
    except ReviewError:
        raise BotError(t("filing.review.unknown", id=item_id)) from None
    return Reply(text=_decided_text(ctx, item, recorded))


def _decided_text(ctx: Ctx, item: FilingItem, recorded: bool) -> str:
    """What the reviewer is told: recorded, changed, or already so (nothing queued)."""
    state, current = t(f"filing.state.{item.review_state}"), item.reviews[-1]
    if not recorded:
        return t("filing.review.same", id=item.id, name=item.name, at=_when(ctx, current),
                 decision=WORDS[ReviewState(current.decision)])
    if current.changed:
        return t("filing.review.changed", id=item.id, name=item.name,
                 old=t(f"filing.state.{item.reviews[-2].decision}"), state=state)
    return t("filing.review.done", id=item.id, name=item.name, state=state)


def _conflict_text(ctx: Ctx, current: FilingReview, word: str) -> str:
    """Another decision than the one in force: say how to change it explicitly."""
    hint = t("filing.review.hint_reason") if STATES[word] == ReviewState.REJECTED else t(
        "filing.review.hint_comment")
    return t("filing.review.conflict", id=current.item_id, at=_when(ctx, current),
             decision=WORDS[ReviewState(current.decision)], word=word, hint=hint)
