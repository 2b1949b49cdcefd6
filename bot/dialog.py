"""The dialog engine: conversations written as data, their state kept in the store.

A conversation is a `Conversation` of `Step`s: asked once (`head`, e.g. which organisation) and
per record (`steps`, e.g. per activity), then a numbered summary and a submit. Its state is a JSON
document in the store with an expiry of days, so any worker (or a restarted one) continues it.
The moves (commands, answers, the summary) live in bot/dialog_flow.py.
"""
from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any, Callable

from bot.context import Ctx, Incoming, Reply

State = dict[str, Any]
Parse = Callable[[str, Ctx, State], Any]     # (answer, ctx, record so far) -> JSON value
Prompt = Callable[[Ctx, State], str]         # (ctx, whole state) -> the question


class Invalid(Exception):
    """A parser's refusal; its text is the specific re-prompt, with an example."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclasses.dataclass(frozen=True)
class Step:
    """One question: its name, summary label, prompt and parser."""

    name: str
    label: str
    prompt: Prompt
    parse: Parse
    optional: bool = False
    default: Callable[[Ctx, State], Any] | None = None   # taken when the user answers 默认 / 是
    show: Callable[[Any], str] = str                      # the stored value, for people
    clip: int = 0                                         # the summary shows at most this many characters


@dataclasses.dataclass(frozen=True)
class Conversation:
    """A conversation as data; the engine runs it."""

    name: str
    noun: str                                   # what one record is called, e.g. 活动
    head: tuple[Step, ...]
    steps: tuple[Step, ...]
    max_records: Callable[[Ctx], int]
    summary_head: Callable[[Ctx, State], str]
    record_extra: Callable[[Ctx, State, State], str]   # (ctx, state, record) -> lines under a record
    submit: Callable[[Ctx, State], str]         # writes in the message's transaction; the reply
    entry_words: tuple[str, ...] = ()           # words that start it; inside it they re-ask

    def handle(self, msg: Incoming, ctx: Ctx, state: State) -> Reply | None:
        """Answer one message of this conversation."""
        from bot import dialog_flow

        return dialog_flow.handle(self, msg, ctx, state)

    def pending_prompt(self, ctx: Ctx, state: State) -> str:
        """The question the conversation is waiting on."""
        from bot import dialog_flow

        return dialog_flow.pending(self, ctx, state)


DIALOGS: dict[str, Conversation] = {}


def register(dialog: Conversation) -> Conversation:
    """Make a conversation known to the engine."""
    DIALOGS[dialog.name] = dialog
    return dialog


def _key(ctx: Ctx) -> str:
    return ctx.store.key("dialog", ctx.user.openid)


def load(ctx: Ctx) -> State | None:
    """The user's dialog state, or None."""
    key = _key(ctx)
    raw = ctx.prefetched[key] if key in ctx.prefetched else ctx.store.get(key)
    state = None if raw is None else json.loads(raw)
    if not state or state.get("name") not in DIALOGS:
        return None
    # The store's own expiry runs on the wall clock; this one on the bot's clock too.
    if ctx.now.timestamp() - state.get("seen", 0) > _ttl(ctx):
        return None
    return state


def _ttl(ctx: Ctx) -> int:
    """How long an untouched draft is kept, in seconds."""
    return ctx.settings.dialog.draft_ttl_days * 86400


def save(ctx: Ctx, state: State) -> None:
    """Persist the user's dialog state (expiring after days) once the transaction commits."""
    ttl = _ttl(ctx)
    snapshot = dict(state)
    ctx.after_commit.append(lambda: ctx.store.set_json(_key(ctx), snapshot, ttl))


def clear(ctx: Ctx) -> None:
    """End the user's dialog after the transaction commits."""
    ctx.after_commit.append(lambda: ctx.store.delete(_key(ctx)))


def new_state(conv: Conversation, ctx: Ctx, preset: State) -> State:
    """A fresh draft: a new token, the preset head values, one empty record."""
    return {"name": conv.name, "token": uuid.uuid4().hex, "preset": dict(preset),
            "head": dict(preset), "records": [{}], "ri": 0, "at": "", "edit": False,
            "fails": 0, "paused": False, "seen": ctx.now.timestamp()}


def begin(ctx: Ctx, conv: Conversation, preset: State, intro: str) -> Reply:
    """Start a conversation at its first unanswered question."""
    from bot import dialog_flow

    return dialog_flow.begin(conv, ctx, new_state(conv, ctx, preset), intro)


def resume(ctx: Ctx, state: State) -> Reply:
    """Come back to an open conversation (e.g. its menu key was tapped again)."""
    from bot import dialog_flow

    return dialog_flow.resume(DIALOGS[state["name"]], ctx, state)


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
