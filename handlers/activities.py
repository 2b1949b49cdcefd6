"""The activity loop in chat: 发布, 活动, 报名 (name and mobile asked), 取消报名, 我的活动,
check-in scans, 评价, and the organisation's view of its activity."""
from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.context import Ctx, Incoming, Reply
from core.texts import t
from handlers import accounts
from models import activity_rules as rules
from models.accounts import Role
from models.activities import (
    Activity,
    PendingSignup,
    PendingStep,
    Rating,
    Registration,
    RegState,
)
from models.activity_export import rows_of
from models.activity_figures import Figures, actual_verdicts, org_figures, town_figures
from models.base import KEY_MAX, get_by_key
from models.corrections import in_effect
from models.filing import FilingItem, Intention
from models.orgs import orgs_of
from models.towns import resolve_town

log = logging.getLogger(__name__)
PAGE = re.compile(r"第?\s*(\d+)\s*页$")
COMMENT_CHARS = 40       # five comments of this length keep 活动 N under 2048 bytes
PENDING_WORDS = frozenset({"确认", "确定", "取消", "退出", "修改"})
SHAPE = re.compile(r"^(发布|活动|报名|取消报名|评价)\s*(\d+)?\s*(.*)$", re.DOTALL)


def _norm(text: str) -> str:
    """Full-width digits and spaces to half-width, trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def _parts(msg: Incoming) -> tuple[str, int | None, str]:
    """The command word, its number (the 活动编号) and the rest of the text."""
    match = SHAPE.match(_norm(msg.text))
    if not match:
        return "", None, ""
    word, number, rest = match.groups()
    return word, int(number) if number else None, rest.strip()


def when(ctx: Ctx, moment: dt.datetime) -> str:
    """A moment as people read it: 11月20日 14:00."""
    local = moment.astimezone(ctx.services.tz)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def refusal(ctx: Ctx, exc: rules.Refusal) -> Reply:
    """A rule's refusal worded from the catalog (times in the local zone)."""
    values = {k: when(ctx, v) if isinstance(v, dt.datetime) else v for k, v in exc.values.items()}
    return Reply(text=t(f"activities.refused.{exc.code}", **values))


# --- predicates of the routing table ------------------------------------------------------------

def is_query(msg: Incoming, ctx: Ctx) -> bool:
    """活动, 活动 N, 活动 2页, 活动 石龙 (a town), 活动 石龙 2页."""
    if msg.type != "text":
        return False
    text = _norm(msg.text)
    if not text.startswith("活动"):
        return False
    rest = PAGE.sub("", text.removeprefix("活动")).strip()
    return not rest or rest.isdigit() or text[2:3].isspace() or \
        resolve_town(rest, ctx.settings.data.towns_file) is not None


def is_scan(msg: Incoming, ctx: Ctx) -> bool:
    """A SCAN, or a subscribe by scanning, of one of our check-in codes."""
    return msg.type == "event" and msg.event in ("scan", "subscribe") and rules.is_scene(msg.event_key)


def is_publish(msg: Incoming, ctx: Ctx) -> bool:
    """发布 N [名额] from an organisation's admin or a platform admin."""
    return msg.type == "text" and _norm(msg.text).startswith("发布") and \
        (ctx.has(Role.ORG_ADMIN) or ctx.has(Role.PLATFORM_ADMIN))


def is_pending_word(msg: Incoming, ctx: Ctx) -> bool:
    """确认 / 修改 / 取消 while a registration waits for it (asked only for these words)."""
    return msg.type == "text" and _norm(msg.text) in PENDING_WORDS and has_pending(msg, ctx)


def has_pending(msg: Incoming, ctx: Ctx) -> bool:
    """A text while a registration waits for an answer (name, mobile, 确认)."""
    if msg.type != "text":
        return False
    return rules.pending_of(ctx.session, ctx.user, ctx.now, ctx.settings.activities) is not None


# --- publishing ---------------------------------------------------------------------------------

def publish(msg: Incoming, ctx: Ctx) -> Reply:
    """发布 N [名额]: an organisation's admin opens an approved activity for registration."""
    _, number, rest = _parts(msg)
    capacity = re.sub(r"[人名个位]$", "", rest.removeprefix("名额").strip())
    if number is None or (capacity and not _is_capacity(capacity)):
        return Reply(text=t("activities.publish.usage"))
    item = get_by_key(ctx.session, FilingItem, number)
    if item is None or not _may_manage(ctx, item):
        return Reply(text=t("activities.refused.unknown", id=number))
    options = rules.PublishOptions(capacity=int(capacity) if capacity else None)
    try:
        activity, created = rules.publish(ctx.session, number, options, ctx.user.openid, ctx.now,
                                          ctx.settings.activities, ctx.services.tz)
    except rules.Refusal as exc:
        return refusal(ctx, exc)
    key = "activities.published" if created else "activities.republished"
    if not created and options == rules.PublishOptions():   # 发布 N again: say so, change nothing
        key = "activities.already_published"
    return Reply(text=t(key, id=number, name=item.name, **_terms(ctx, activity)))


def _is_capacity(text: str) -> bool:
    """Whether a 名额 typed is a positive number the column holds (a longer one overflowed it)."""
    return text.isdecimal() and 1 <= int(text) <= KEY_MAX


def _terms(ctx: Ctx, activity: Activity) -> dict[str, str]:
    """The published terms, worded."""
    return {"time": _span(ctx, activity), "deadline": when(ctx, activity.deadline),
            "capacity": _capacity(activity),
            "walk_ins": t("activities.yes" if activity.walk_ins else "activities.no"),
            "checkout": t("activities.yes" if activity.checkout else "activities.no")}


def _span(ctx: Ctx, activity: Activity) -> str:
    """When the activity runs: its hours, or its day(s) when it was filed without an hour."""
    if not _whole_days(ctx, activity):
        return f"{when(ctx, activity.starts_at)} 至 {when(ctx, activity.ends_at)}"
    last = activity.ends_at - dt.timedelta(days=1)
    if last.date() == activity.starts_at.date():
        return t("activities.whole_day", day=_day(ctx, activity.starts_at))
    return f"{_day(ctx, activity.starts_at)} 至 {_day(ctx, last)}"


def _starts(ctx: Ctx, activity: Activity) -> str:
    """The start in a list: the day alone for an activity open all day."""
    return _day(ctx, activity.starts_at) if _whole_days(ctx, activity) else when(ctx, activity.starts_at)


def _whole_days(ctx: Ctx, activity: Activity) -> bool:
    """Whether the activity runs from midnight to midnight (filed as days without an hour)."""
    tz = ctx.services.tz
    return all(m.astimezone(tz).time() == dt.time() for m in (activity.starts_at, activity.ends_at))


def _day(ctx: Ctx, moment: dt.datetime) -> str:
    """A day as people read it: 11月20日."""
    local = moment.astimezone(ctx.services.tz)
    return f"{local.month}月{local.day}日"


def _capacity(activity: Activity) -> str:
    """The capacity, or 不限."""
    return t("activities.unlimited") if activity.capacity is None else str(activity.capacity)


def _may_manage(ctx: Ctx, item: FilingItem) -> bool:
    """Whether the user administers the item's organisation (or the platform)."""
    if ctx.has(Role.PLATFORM_ADMIN):
        return True
    return ctx.has(Role.ORG_ADMIN) and item.filing.org_id in {o.id for o in orgs_of(ctx.session, ctx.user)}


# --- browsing -----------------------------------------------------------------------------------

def query(msg: Incoming, ctx: Ctx) -> Reply:
    """活动 (list, paged, by town) or 活动 N (one activity)."""
    text = _norm(msg.text).removeprefix("活动").strip()
    if text.isdigit():
        return one(ctx, int(text))
    page_match = PAGE.search(text)
    page = int(page_match.group(1)) if page_match else 1
    asked = PAGE.sub("", text).strip()
    town = resolve_town(asked, ctx.settings.data.towns_file) if asked else None
    if asked and town is None:
        return Reply(text=t("activities.list.no_town", town=asked))
    return Reply(text=listing(ctx, town, max(page, 1)))


def menu_list(msg: Incoming, ctx: Ctx) -> Reply:
    """The menu's 活动报名: the first page."""
    return Reply(text=listing(ctx, None, 1))


def listing(ctx: Ctx, town: str | None, page: int) -> str:
    """Activities still to come, soonest first, one page."""
    stmt = select(Activity).join(FilingItem).where(Activity.ends_at > ctx.now)
    if town:
        stmt = stmt.where(FilingItem.town == town)
    rows = list(ctx.session.scalars(stmt.order_by(Activity.starts_at, Activity.id)))
    size = ctx.settings.activities.page_size
    pages = max(1, -(-len(rows) // size))
    if not rows:
        return t("activities.list.none_town", town=town) if town else t("activities.list.none")
    if page > pages:
        return t("activities.list.no_page", page=page, pages=pages)
    shown = rows[(page - 1) * size: page * size]
    lines = [t("activities.list.head", where=town or t("activities.list.all"), n=len(rows),
               page=page, pages=pages)]
    lines += [t("activities.list.line", id=a.number, name=a.item.name, time=_starts(ctx, a),
                town=a.item.town, left=_left(ctx, a)) for a in shown]
    more = t("activities.list.more", next=page + 1) if page < pages else ""
    lines.append(t("activities.list.footer", example=shown[0].number, more=more))
    return "\n".join(lines)


def _left(ctx: Ctx, activity: Activity) -> str:
    """Places left, 不限, or how many wait."""
    if activity.capacity is None:
        return t("activities.unlimited")
    taken = rules.holding(ctx.session, activity)
    left = activity.capacity - taken
    if left > 0:
        return t("activities.left", n=left)
    waiting = ctx.session.scalar(select(Registration.id).where(
        Registration.activity_id == activity.id, Registration.state == RegState.WAITING).limit(1))
    return t("activities.full_waiting") if waiting else t("activities.full")


def one(ctx: Ctx, number: int) -> Reply:
    """活动 N: time, place, places left; the organisation's admins see its figures too."""
    activity = rules.published(ctx.session, number)
    if activity is None:
        return Reply(text=t("activities.refused.not_published", id=number))
    item = activity.item
    lines = [t("activities.one", id=number, name=item.name, time=_span(ctx, activity),
               place=item.location, town=item.town, left=_left(ctx, activity),
               deadline=when(ctx, activity.deadline), about=item.description[:80])]
    lines.append(_own_state(ctx, activity) or t("activities.one.how", id=number))
    if _may_manage(ctx, item):
        lines += manager_lines(ctx, activity)
    return Reply(text="\n".join(lines))


def _own_state(ctx: Ctx, activity: Activity) -> str:
    """The asker's own registration, if any."""
    row = rules.registration_of(ctx.session, activity, ctx.user)
    if row is None or row.state == RegState.CANCELLED:
        return ""
    if row.state == RegState.WAITING:
        return t("activities.mine.waiting", place=rules.waiting_place(ctx.session, row))
    return t(f"activities.mine.{'checked_in' if row.checked_in_at else row.state}")


def manager_lines(ctx: Ctx, activity: Activity) -> list[str]:
    """The figures, the verdicts on them, the average and the latest visible comments."""
    loop, verdicts = actual_verdicts(ctx.session, activity, ctx.settings.support, ctx.now)
    average = f"{loop.average:.1f}" if loop.average is not None else "-"
    lines = [t("activities.admin.figures", registrations=loop.registrations, waiting=loop.waiting,
               participants=loop.participants, walk_ins=loop.walk_ins, ratings=loop.ratings,
               average=average, comments=loop.comments)]
    lines += correction_lines(ctx.session, activity.item, ctx.services.tz)
    if verdicts:
        lines.append(t("activities.admin.support", line="；".join(r.short for r in verdicts)))
    stmt = (select(Rating).where(Rating.activity_id == activity.id, Rating.comment.is_not(None),
                                 Rating.hidden_at.is_(None))
            .order_by(Rating.rated_at.desc(), Rating.id.desc()).limit(ctx.settings.activities.comments_shown))
    lines += [t("activities.admin.comment", id=r.id, score=r.score, comment=_cut(r.comment or ""))
              for r in ctx.session.scalars(stmt)]
    return lines


def _cut(text: str, chars: int = COMMENT_CHARS) -> str:
    """A comment cut for the chat view (the reply must stay under WeChat's 2048 bytes)."""
    return text if len(text) <= chars else text[: chars - 1] + "…"


# --- registering --------------------------------------------------------------------------------

def register(msg: Incoming, ctx: Ctx) -> Reply:
    """报名 N: ask the name and mobile (or only confirm remembered ones)."""
    _, number, _ = _parts(msg)
    if number is None:
        return Reply(text=t("activities.register.usage"))
    activity = rules.published(ctx.session, number)
    if activity is None:
        return Reply(text=t("activities.refused.not_published", id=number))
    try:
        rules.check_open(ctx.session, activity, ctx.user, ctx.now)
    except rules.Refusal as exc:
        return refusal(ctx, exc)
    known = rules.remembered(ctx.session, ctx.user)
    step = PendingStep.CONFIRM if known and known.mobile else PendingStep.NAME
    pending = _set_pending(ctx, activity, step, known.name if known else None,
                           known.mobile if known else None)
    if step == PendingStep.CONFIRM:
        return Reply(text=_confirm_prompt(ctx, pending, activity))
    return Reply(text=t("activities.ask.name", name=activity.item.name, id=number))


def _set_pending(ctx: Ctx, activity: Activity, step: PendingStep, name: str | None,
                 mobile: str | None) -> PendingSignup:
    """Start (or restart) the follower's registration in progress."""
    row = ctx.session.scalar(select(PendingSignup).where(PendingSignup.user_id == ctx.user.id))
    if row is None:
        row = PendingSignup(user_id=ctx.user.id)
        ctx.session.add(row)
    row.activity_id, row.step, row.name, row.mobile, row.updated_at = (activity.id, step, name,
                                                                        mobile, ctx.now)
    ctx.session.flush()
    return row


def _confirm_prompt(ctx: Ctx, pending: PendingSignup, activity: Activity) -> str:
    """The details to confirm."""
    return t("activities.ask.confirm", name=activity.item.name, id=activity.number,
             person=pending.name, mobile=rules.masked(pending.mobile))


def answer(msg: Incoming, ctx: Ctx) -> Reply:
    """The answer to the pending question: a name, a mobile, 确认, 修改 or 取消."""
    pending = rules.pending_of(ctx.session, ctx.user, ctx.now, ctx.settings.activities)
    if pending is None:  # routed by has_pending in the same transaction: cannot happen
        return accounts.unknown_text(msg, ctx)
    activity = ctx.session.get(Activity, pending.activity_id)
    text = _norm(msg.text)
    if text in ("取消", "退出") or activity is None:
        ctx.session.delete(pending)
        return Reply(text=t("activities.register.dropped"))
    if text == "修改":
        pending.step, pending.updated_at = PendingStep.NAME, ctx.now
        return Reply(text=t("activities.ask.name", name=activity.item.name, id=activity.number))
    try:
        return _step(ctx, pending, activity, text)
    except rules.Refusal as exc:
        return Reply(text=t(f"activities.invalid.{exc.code}", **exc.values))


def _step(ctx: Ctx, pending: PendingSignup, activity: Activity, text: str) -> Reply:
    """Take one answer and ask the next question, or register on 确认."""
    pending.updated_at = ctx.now
    if pending.step == PendingStep.NAME:
        pending.name, pending.step = rules.check_name(text, ctx.settings.activities), PendingStep.MOBILE
        return Reply(text=t("activities.ask.mobile", person=pending.name))
    if pending.step == PendingStep.MOBILE:
        pending.mobile, pending.step = rules.check_mobile(text), PendingStep.CONFIRM
        return Reply(text=_confirm_prompt(ctx, pending, activity))
    if text not in ("确认", "确定", "是"):
        return Reply(text=t("activities.invalid.confirm", prompt=_confirm_prompt(ctx, pending, activity)))
    return _confirm(ctx, pending, activity)


def _confirm(ctx: Ctx, pending: PendingSignup, activity: Activity) -> Reply:
    """确认: register (or join the waiting list) and remember the details."""
    name, mobile = pending.name or "", pending.mobile or ""
    ctx.session.delete(pending)
    try:
        placed = rules.register(ctx.session, activity.item_id, ctx.user, name, mobile, ctx.now)
    except rules.Refusal as exc:
        return refusal(ctx, exc)
    rules.remember(ctx.session, ctx.user, name, mobile, ctx.now)
    if placed.state == RegState.WAITING:
        return Reply(text=t("activities.register.waiting", name=activity.item.name, place=placed.place,
                            id=activity.number))
    return Reply(text=t("activities.register.ok", name=activity.item.name, person=name,
                        time=_span(ctx, activity), place=activity.item.location, id=activity.number))


def cancel(msg: Incoming, ctx: Ctx) -> Reply:
    """取消报名 N: give the place back; the first waiting person is promoted and told."""
    _, number, _ = _parts(msg)
    if number is None:
        return Reply(text=t("activities.cancel.usage"))
    try:
        rules.cancel(ctx.session, number, ctx.user, ctx.now, ctx.settings.activities)
    except rules.Refusal as exc:
        return refusal(ctx, exc)
    return Reply(text=t("activities.cancel.ok", id=number))


def mine(msg: Incoming, ctx: Ctx) -> Reply:
    """我的活动: my registrations, waiting places and check-ins, soonest first."""
    stmt = (select(Registration, Activity).join(Activity, Activity.id == Registration.activity_id)
            .where(Registration.user_id == ctx.user.id, Registration.state != RegState.CANCELLED)
            .order_by(Activity.starts_at, Activity.id))
    rows = list(ctx.session.execute(stmt).tuples())
    if not rows:
        return Reply(text=t("activities.mine.none"))
    lines = [t("activities.mine.head", n=len(rows))]
    for _row, activity in rows:
        lines.append(t("activities.mine.line", id=activity.number, name=activity.item.name,
                       time=_starts(ctx, activity), state=_own_state(ctx, activity)))
    return Reply(text="\n".join(lines))


# --- the roster (personal data: the organisation's admins and platform admins only) -----------------

ROSTER = re.compile(r"^报名名单\s*(\d+)?\s*(?:第?\s*(\d+)\s*页)?$")


def is_roster(msg: Incoming, ctx: Ctx) -> bool:
    """报名名单 N [2页], from anyone (those who may not see it are told so)."""
    return msg.type == "text" and _norm(msg.text).startswith("报名名单")


def roster(msg: Incoming, ctx: Ctx) -> Reply:
    """报名名单 N: the names and mobiles of one activity's people, paged, for those who manage it."""
    match = ROSTER.match(_norm(msg.text))
    if match is None or match.group(1) is None:
        return Reply(text=t("activities.roster.usage"))
    number, page = int(match.group(1)), int(match.group(2) or 1)
    item = get_by_key(ctx.session, FilingItem, number)
    if item is None or not _may_manage(ctx, item):
        return Reply(text=t("activities.refused.unknown", id=number))
    activity = rules.published(ctx.session, number)
    if activity is None:
        return Reply(text=t("activities.refused.not_published", id=number))
    rows = [r for r in rows_of(ctx.session, activity) if r.state != RegState.CANCELLED]
    size = ctx.settings.activities.roster_page_size
    pages = max(1, -(-len(rows) // size))
    if not 1 <= page <= pages:
        return Reply(text=t("activities.list.no_page", page=page, pages=pages))
    lines = [t("activities.roster.head", id=number, name=item.name, n=len(rows), page=page, pages=pages)]
    start = (page - 1) * size
    for place, row in enumerate(rows[start:start + size], start + 1):
        lines.append(t("activities.roster.line", n=place, name=row.name or t("activities.export.unnamed"),
                       mobile=_roster_mobile(activity, row), state=_roster_state(ctx, row)))
    if page < pages:
        lines.append(t("activities.roster.next", id=number, page=page + 1))
    return Reply(text="\n".join(lines))


def _roster_mobile(activity: Activity, row: Registration) -> str:
    """The full mobile (the reader manages the activity), or why there is none."""
    if row.mobile:
        return row.mobile
    return t("activities.export.erased") if activity.erased_at else "-"


def _roster_state(ctx: Ctx, row: Registration) -> str:
    """Registered, checked in, waiting (with the place) or walked in."""
    if row.state == RegState.WAITING:
        return t("activities.mine.waiting", place=rules.waiting_place(ctx.session, row))
    return t(f"activities.mine.{'checked_in' if row.checked_in_at else row.state}")


# --- check-in -----------------------------------------------------------------------------------

def scan(msg: Incoming, ctx: Ctx) -> Reply:
    """Scanning a check-in (or 签退) code; a follow by scanning is recorded first."""
    welcome = ""
    if msg.event == "subscribe":
        ctx.user.subscribed, ctx.user.subscribed_at, ctx.user.unsubscribed_at = True, ctx.now, None
        ctx.user.subscribe_scene = msg.event_key.removeprefix("qrscene_")
        welcome = "\n\n" + t("activities.scan.welcome", help=accounts.help_text(ctx))
    ctx.user.subscribed = True
    try:
        done = rules.scan(ctx.session, msg.event_key, ctx.user, ctx.now, ctx.settings.activities)
    except rules.Refusal as exc:
        return Reply(text=refusal(ctx, exc).text + welcome)
    text = t(f"activities.scan.{done.code}", name=done.activity.item.name, at=when(ctx, done.at),
             id=done.activity.number)
    return Reply(text=text + welcome)


# --- ratings ------------------------------------------------------------------------------------

def rate(msg: Incoming, ctx: Ctx) -> Reply:
    """评价 N 分数 [评论]: a participant rates 1-5; a second rating replaces the first."""
    _, number, rest = _parts(msg)
    score_text, _, comment = rest.partition(" ")
    if number is None or not score_text:
        return Reply(text=t("activities.rate.usage"))
    try:
        score = rules.check_score(score_text)
        replaced = rules.rate(ctx.session, number, ctx.user, score, comment.strip(), ctx.now,
                              ctx.settings.activities)
    except rules.Refusal as exc:
        return refusal(ctx, exc)
    return Reply(text=t("activities.rate.replaced" if replaced else "activities.rate.ok",
                        id=number, score=score))


def hide(msg: Incoming, ctx: Ctx) -> Reply:
    """隐藏评论 N (platform admins): hide a comment; the decision is logged."""
    digits = re.sub(r"\D", "", _norm(msg.text))
    if not digits:
        return Reply(text=t("activities.hide.usage"))
    try:
        rating = rules.hide_comment(ctx.session, int(digits), ctx.user.openid, ctx.now)
    except rules.Refusal as exc:
        return refusal(ctx, exc)
    log.info("comment %s of activity row %s hidden by %s", rating.id, rating.activity_id,
             ctx.user.openid)
    return Reply(text=t("activities.hide.ok", id=rating.id))


# --- the loop's figures in other journeys' replies ----------------------------------------------

def plan_lines(ctx: Ctx, item: FilingItem) -> list[str]:
    """我的申报 N: planned and actual numbers side by side, and the verdicts on the actual ones."""
    activity = rules.published(ctx.session, item.id)
    corrected = correction_lines(ctx.session, item, ctx.services.tz)
    if activity is None:
        return [t("activities.plan.unpublished", scale=item.scale, id=item.id), *corrected]
    loop, verdicts = actual_verdicts(ctx.session, activity, ctx.settings.support, ctx.now)
    average = f"{loop.average:.1f}" if loop.average is not None else "-"
    lines = [t("activities.plan.line", scale=item.scale, registrations=loop.registrations,
               participants=loop.participants, ratings=loop.ratings, average=average), *corrected]
    if verdicts:
        lines.append(t("activities.admin.support", line="；".join(r.short for r in verdicts)))
    if item.has(Intention.HEAVY):
        lines.append(org_line(org_figures(ctx.session, activity.org_id)))
    return lines


def correction_lines(session: Session, item: FilingItem, tz: ZoneInfo) -> list[str]:
    """The standing manual corrections (人工修正), each beside the loop's own count."""
    return [t("activities.correction.line", figure=t(f"activities.correction.figure.{row.figure}"),
              after=row.after, loop="-" if row.loop is None else row.loop, by=row.by,
              at=f"{row.at.astimezone(tz):%Y-%m-%d %H:%M}", reason=row.reason)
            for row in in_effect(session, item)]


def org_line(total: Figures) -> str:
    """An organisation's summed loop figures and contest votes (the 重磅活动 metrics)."""
    return t("activities.org.line", registrations=total.registrations + total.walk_ins,
             participants=total.participants, comments=total.comments, votes=total.votes)


def town_lines(ctx: Ctx, town: str) -> list[str]:
    """督导: the town's activity loop in one line, once it has published activities."""
    published, loop = town_figures(ctx.session, town)
    if not published:
        return []
    average = f"{loop.average:.1f}" if loop.average is not None else "-"
    return [t("activities.town.line", published=published, registrations=loop.registrations,
              waiting=loop.waiting, participants=loop.participants, ratings=loop.ratings,
              average=average)]
