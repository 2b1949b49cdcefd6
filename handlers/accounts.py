"""Followers: subscribe, unsubscribe, help for each role, binding codes, fallbacks."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.context import Ctx, Incoming, Reply
from core.texts import t
from models.accounts import BindingCode, Role, User, redeem_code
from models.experts import bind_expert
from models.followers import QR_SCENE
from models.orgs import bind_admin
from models.supervision import bind_supervisor

HELP_ORDER = (Role.YOUTH, Role.ORG_ADMIN, Role.EXPERT, Role.SUPERVISOR, Role.PLATFORM_ADMIN)

# A binder binds the user to the code's target and names what they joined.
Binder = Callable[[Session, User, BindingCode], str]


def by_target_id(bind: Callable[[Session, User, int], str]) -> Binder:
    """A binder for codes whose target is a row, known by target_id."""
    return lambda session, user, code: bind(session, user, code.target_id)


# kind of binding code -> (binder, catalog key of the role's name)
BINDERS: dict[str, tuple[Binder, str]] = {
    "org": (by_target_id(bind_admin), "bind.role.org"),
    "expert": (by_target_id(bind_expert), "bind.role.expert"),
    "supervisor": (bind_supervisor, "bind.role.supervisor"),
}


def help_text(ctx: Ctx) -> str:
    """What this user can do here, for each of their roles."""
    lines = [t("help.header")]
    lines += [t(f"help.{role}") for role in HELP_ORDER if ctx.has(role)]
    if not (ctx.has(Role.ORG_ADMIN) or ctx.has(Role.EXPERT)):
        lines.append(t("help.bind"))
    lines.append(t("help.footer"))
    return "\n".join(lines)


def help(msg: Incoming, ctx: Ctx) -> Reply:
    """Answer 帮助 (inside a dialog the routing adds its pending question)."""
    return Reply(text=help_text(ctx))


def on_subscribe(msg: Incoming, ctx: Ctx) -> Reply:
    """Record the follow (and its QR scene) and welcome the follower.

    The scene is an operator's label (a poster, a town's code) and is never shown: a follower
    would read `town_poster_3` or worse.
    """
    user = ctx.user
    user.subscribed, user.subscribed_at, user.unsubscribed_at = True, ctx.now, None
    scene = msg.event_key.removeprefix("qrscene_") if msg.event_key.startswith("qrscene_") else ""
    if scene:
        user.subscribe_scene, user.qr_scene_str = QR_SCENE, scene[:64]
    return Reply(text=t("welcome", help=help_text(ctx)))


def on_unsubscribe(msg: Incoming, ctx: Ctx) -> None:
    """Record the unfollow; WeChat shows nothing to an unfollower."""
    ctx.user.subscribed, ctx.user.unsubscribed_at = False, ctx.now


def on_scan(msg: Incoming, ctx: Ctx) -> None:
    """A follower scanned a parametric QR code: nothing to say."""
    ctx.user.subscribed = True


def bind(msg: Incoming, ctx: Ctx) -> Reply:
    """Redeem a one-time binding code: `绑定 CODE`."""
    code = msg.text.removeprefix("绑定").strip(" :：")
    if not code:
        return Reply(text=t("bind.usage"))
    limit = ctx.settings.accounts.binding_max_failures_per_hour
    fails_key = ctx.store.key("bindfail", ctx.user.openid)
    failures = int(ctx.store.get(fails_key) or 0)
    if failures >= limit:
        return Reply(text=t("bind.locked"))
    row = redeem_code(ctx.session, code, ctx.user, ctx.now)
    if row is None or row.kind not in BINDERS:
        failures = ctx.store.incr(fails_key, ttl=3600)
        return Reply(text=t("bind.invalid", left=max(limit - failures, 0)))
    binder, role_key = BINDERS[row.kind]
    name = binder(ctx.session, ctx.user, row)
    ctx.roles = ctx.roles | {ROLE_OF_KIND[row.kind]}
    return Reply(text=t("bind.ok", name=name, role=t(role_key), help=help_text(ctx)))


ROLE_OF_KIND: dict[str, Role] = {"org": Role.ORG_ADMIN, "expert": Role.EXPERT,
                                  "supervisor": Role.SUPERVISOR}


def nothing_to_cancel(msg: Incoming, ctx: Ctx) -> Reply:
    """取消 outside a dialog."""
    return Reply(text=t("cancel.nothing"))


def unknown_text(msg: Incoming, ctx: Ctx) -> Reply:
    """Text the bot does not understand: say so and list what it does understand."""
    shown = msg.text if len(msg.text) <= 20 else msg.text[:20] + "…"
    return Reply(text=t("unknown.text", text=shown, help=help_text(ctx)))


def unsupported(msg: Incoming, ctx: Ctx) -> Reply:
    """Images, voice, locations, links...: say what the bot understands."""
    return Reply(text=t("unsupported.type", help=help_text(ctx)))


def ignore_event(msg: Incoming, ctx: Ctx) -> None:
    """Events with nothing to answer (VIEW, unknown menu keys, job reports)."""
    return None


def touch(user: User, now: dt.datetime, interval: dt.timedelta) -> None:
    """Remember the last message time, for the 48-hour customer-service window.

    Written at most once per interval: minutes do not matter to a 48-hour window, and a
    write on every message would make every read-only reply (帮助) a durable commit.
    """
    if touch_due(user, now, interval):
        user.last_message_at = now


def touch_due(user: User, now: dt.datetime, interval: dt.timedelta) -> bool:
    """Whether the follower's last-message time is due to be written (see `touch`)."""
    last = user.last_message_at
    return last is None or now - last >= interval or now < last
