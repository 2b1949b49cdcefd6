"""Filing the 申请意向表 by conversation (申报), and 我的申报."""
from __future__ import annotations

import re

from bot.context import BotError, Ctx, Incoming, Reply
from bot.dialog import Conversation, State
from core.texts import t
from handlers import activities
from handlers.filing_steps import HEAD, STEPS, org_name, org_value
from models.accounts import Role
from models.campaign import Window, filing_window
from models.filing import FilingItem, scale_bounds
from models.filing_ops import items_of_user, org_name_of, submit_filing
from models.orgs import orgs_of
from models.support import (
    UNCONDITIONAL,
    Basis,
    assess,
    assess_item,
    short_line,
    support_name,
)


def window_refusal(ctx: Ctx) -> str | None:
    """Why filing is refused today (with the dates), or None while the window is open."""
    campaign = ctx.settings.campaign
    state = filing_window(campaign, ctx.now.date())
    if state == Window.OPEN:
        return None
    dates = {"opens": campaign.filing_opens.isoformat(), "deadline": campaign.filing_deadline.isoformat()}
    return t(f"filing.closed.{state}", **dates)


def start(msg: Incoming, ctx: Ctx) -> Reply:
    """申报 or the menu: start the dialog, or resume the open draft."""
    if not ctx.has(Role.ORG_ADMIN):
        return Reply(text=t("filing.not_admin"))
    refusal = window_refusal(ctx)
    if refusal:
        return Reply(text=refusal)
    assert ctx.dialogs is not None  # the dispatcher hands every handler the app's conversations
    return ctx.dialogs.enter(ctx, FILING, lambda: fresh(ctx))


def fresh(ctx: Ctx) -> tuple[State, str]:
    """A new draft's preset answers (the organisation, when the user has one) and its intro."""
    orgs = orgs_of(ctx.session, ctx.user)
    if len(orgs) == 1:
        return {"org": org_value(orgs[0])}, t("filing.intro", org=orgs[0].name)
    return {}, t("filing.intro.many")


def summary_head(ctx: Ctx, state: State) -> str:
    """The summary's first line."""
    return t("filing.summary.head", org=org_name(ctx, state), n=len(state["records"]))


def record_support(ctx: Ctx, state: State, record: State) -> str:
    """The verdicts of one drafted activity's conditional supports, on its planned scale."""
    if "scale" not in record or "intentions" not in record or "time" not in record:
        return ""
    basis = Basis(scale=scale_bounds(record["scale"])[1], month=record["time"]["start"][:7])
    # 设计大赛 and 重磅活动发布 are granted to all who apply (row 9 lists them): room for the rest.
    results = [r for r in assess(basis, record["intentions"], ctx.settings.support)
               if r.intention not in UNCONDITIONAL]
    return t("filing.support.line", line=short_line(results)) if results else ""


def submit(ctx: Ctx, state: State) -> str:
    """确认: write the filing once (the draft token makes a second 确认 find the first)."""
    refusal = window_refusal(ctx)
    if refusal:
        raise BotError(refusal)
    org_id = state["head"]["org"]["id"]
    if org_id not in {org.id for org in orgs_of(ctx.session, ctx.user)}:
        raise BotError(t("filing.not_admin"))
    filing, _ = submit_filing(ctx.session, token=state["token"], org_id=org_id, user=ctx.user,
                              records=state["records"], now=ctx.now)
    lines = [_submitted_line(ctx, item) for item in filing.items]
    return t("filing.submitted", id=filing.id, n=len(filing.items), lines="\n".join(lines))


def _submitted_line(ctx: Ctx, item: FilingItem) -> str:
    """One filed activity with its id and support verdicts."""
    head = t("filing.submitted.item", seq=item.seq, name=item.name, id=item.id)
    support = short_line(assess_item(item, ctx.settings.support))
    return f"{head}\n{t('filing.support.line', line=support)}" if support else head


FILING = Conversation(
    name="filing", noun=t("filing.noun"), head=HEAD, steps=STEPS,
    max_records=lambda ctx: ctx.settings.filing.max_activities,
    summary_head=summary_head, record_extra=record_support, submit=submit,
    entry_words=("申报",),
)


def my_filings(msg: Incoming, ctx: Ctx) -> Reply:
    """我的申报: the newest activities of my organisations, review state and eligibility."""
    if not ctx.has(Role.ORG_ADMIN):
        return Reply(text=t("filing.not_admin"))
    wanted = re.sub(r"\D", "", msg.text) if msg.type == "text" else ""
    items = items_of_user(ctx.session, ctx.user, ctx.settings.filing.my_filings_shown)
    if not items:
        return Reply(text=t("filing.mine.none"))
    if wanted:
        return _one_filing(ctx, int(wanted))
    lines = [t("filing.mine.head", n=len(items))] + [activity_text(ctx, item) for item in items]
    lines.append(t("filing.mine.footer", example=items[0].id))
    return Reply(text="\n".join(lines))


def activity_text(ctx: Ctx, item: FilingItem) -> str:
    """One activity in 我的申报."""
    lines = [t("filing.mine.item", id=item.id, name=item.name, org=org_name_of(ctx.session, item),
               time=item.time_text, scale=item.scale_text, state=t(f"filing.state.{item.review_state}"))]
    if item.review_reason:
        lines.append(t("filing.mine.reason", reason=item.review_reason))
    lines.append(t("filing.support.line", line=short_line(assess_item(item, ctx.settings.support))))
    return "\n".join(lines)


def _one_filing(ctx: Ctx, item_id: int) -> Reply:
    """我的申报 N: one activity of my organisations with the full reasons."""
    item = ctx.session.get(FilingItem, item_id)
    mine = {org.id for org in orgs_of(ctx.session, ctx.user)}
    if item is None or item.filing.org_id not in mine:
        return Reply(text=t("filing.mine.unknown", id=item_id))
    lines = [activity_text(ctx, item).rsplit("\n", 1)[0]]
    figures = (item.actual_participants, item.actual_registrations, item.actual_interactions)
    if any(v is not None for v in figures):
        lines.append(t("filing.mine.actual", participants=_dash(figures[0]),
                       registrations=_dash(figures[1]), interactions=_dash(figures[2])))
    lines += [f"  · {support_name(r.intention)}：{r.reason}"
              for r in assess_item(item, ctx.settings.support)]
    lines += activities.plan_lines(ctx, item)
    return Reply(text="\n".join(lines))


def _dash(value: int | None) -> str:
    """A figure, or a dash when not recorded."""
    return "-" if value is None else str(value)


def nothing_to_confirm(msg: Incoming, ctx: Ctx) -> Reply:
    """确认 outside a dialog (e.g. a second tap after the filing was submitted)."""
    return Reply(text=t("filing.confirm.nothing"))
