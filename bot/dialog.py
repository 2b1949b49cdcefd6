"""Dialog state kept in the store, so any worker can continue a user's conversation.

A dialog registers itself by name; its state is a JSON document with an expiry of days.
"""
from __future__ import annotations

from typing import Any, Protocol

from bot.context import Ctx, Incoming, Reply

DRAFT_TTL_SECONDS = 7 * 24 * 3600


class Dialog(Protocol):
    """A conversation written as data; the engine calls these."""

    name: str

    def handle(self, msg: Incoming, ctx: Ctx, state: dict[str, Any]) -> Reply | None: ...

    def pending_prompt(self, ctx: Ctx, state: dict[str, Any]) -> str: ...


DIALOGS: dict[str, Dialog] = {}


def register(dialog: Dialog) -> Dialog:
    """Make a dialog known to the engine."""
    DIALOGS[dialog.name] = dialog
    return dialog


def _key(ctx: Ctx) -> str:
    return ctx.store.key("dialog", ctx.user.openid)


def load(ctx: Ctx) -> dict[str, Any] | None:
    """The user's dialog state, or None."""
    state = ctx.store.get_json(_key(ctx))
    return state if state and state.get("name") in DIALOGS else None


def save(ctx: Ctx, state: dict[str, Any], ttl: int = DRAFT_TTL_SECONDS) -> None:
    """Persist the user's dialog state after the transaction commits."""
    ctx.after_commit.append(lambda: ctx.store.set_json(_key(ctx), state, ttl))


def clear(ctx: Ctx) -> None:
    """End the user's dialog after the transaction commits."""
    ctx.after_commit.append(lambda: ctx.store.delete(_key(ctx)))


def is_active(msg: Incoming, ctx: Ctx) -> bool:
    """A text message from a user inside a dialog."""
    return msg.type == "text" and load(ctx) is not None


def handle(msg: Incoming, ctx: Ctx) -> Reply | None:
    """Hand the message to the user's active dialog."""
    state = load(ctx)
    assert state is not None  # guarded by is_active
    return DIALOGS[state["name"]].handle(msg, ctx, state)


def pending_prompt(ctx: Ctx) -> str | None:
    """The question the user's dialog is waiting on, if any."""
    state = load(ctx)
    return None if state is None else DIALOGS[state["name"]].pending_prompt(ctx, state)

