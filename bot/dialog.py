"""The dialog engine: conversations written as data, their drafts kept in SQL.

A conversation is a `Conversation` of `Step`s: asked once (`head`, e.g. which organisation) and
per record (`steps`, e.g. per activity), then a numbered summary and a submit. The conversations
an app knows are listed where it is built (bot/routing.py) and handed to `Dialogs`, which routes
a follower's messages into their open draft. The draft is a row of models/dialogs.py, read once
per message and written in the message's transaction, so it survives the store and a restart.

Positions in a state: "h:<step>" (a head question), "s:<step>" (a question of record `ri`),
"more" (add another record? never asked when a conversation has one record at most), "summary"
(the numbered summary, waiting for 确认 or 修改 N).
`back` is where edits return to, innermost last: 修改 N from the summary returns to the summary;
修改 <field> (e.g. 修改 活动地点, which a refusal may suggest) returns to the question it was sent at.

Global words (帮助, 排行, 我的申报, ...) inside a dialog are answered, and the dialog keeps waiting
(its question repeated for 帮助, mentioned in one line otherwise), unless the current question
could take the word as its answer:
- a question with a closed set of answers (a town, a date, a number, a choice) takes the word
  only when its own parser accepts it; none of the filing's does, so there the word is a command;
- a free-text question (a name, a place, a description) takes any text, so there only a message
  that is exactly a global word, alone or with a number (排行, 项目 3, 我的申报 12), is a command:
  no activity is named exactly 排行, while 项目路演会 or 投票动员会 are names and stay names.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from bot.context import BotError, Ctx, Handler, Incoming, Reply
from bot.wechat.protocol import MAX_TEXT_BYTES, fit_text
from core.texts import t
from models.dialogs import DialogDraft, DraftFate, drop_draft, fate, find_draft, save_draft, state_of

State = dict[str, Any]
Parse = Callable[[str, Ctx, State], Any]     # (answer, ctx, record so far) -> JSON value
Prompt = Callable[[Ctx, State], str]         # (ctx, whole state) -> the question
Predicate = Callable[[Incoming, Ctx], bool]

CANCEL = {"取消", "退出"}
BACK = {"上一步", "返回"}
SKIP = {"跳过"}
CONFIRM = {"确认", "提交"}
RESUME = {"继续"}
RESTART = {"重新开始"}
DEFAULT = {"默认", "是"}
EDIT = re.compile(r"^修改\s*(\d+)$")
EDIT_FIELD = re.compile(r"^修改\s*(\S+)$")
MORE_ADD = {"1", "添加", "继续添加"}
MORE_DONE = {"2", "汇总", "查看汇总"}
WITH_NUMBER = re.compile(r"\s*\d+\s*页?$")    # 项目 3, 项目 2页, 我的申报 12


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
    free_text: bool = False                               # takes any text (see the module's rule)


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
    version: int = 1                            # raise when stored drafts can no longer be read


@dataclasses.dataclass(frozen=True)
class Draft:
    """The follower's draft as read this message: open, or lost (and why)."""

    conv: Conversation | None      # None: a conversation this app no longer has
    state: State
    lost: str = ""                 # "", "expired" or "changed"


class Dialogs:
    """The app's conversations, and the routes of a follower's messages into their draft."""

    def __init__(self, conversations: Sequence[Conversation], keywords: Sequence[Predicate],
                 words: Sequence[str]) -> None:
        self.conversations = {c.name: c for c in conversations}
        self.keywords = tuple(keywords)           # every global word's predicate
        self.words = frozenset(normalise(w) for w in words)   # the exact global words

    # -- reading the draft -------------------------------------------------------------------

    def draft(self, ctx: Ctx) -> Draft | None:
        """The follower's draft, read at most once per message."""
        row = _row(ctx)
        if row is None:
            return None
        conv = self.conversations.get(row.name)
        state = state_of(row)
        ttl = dt.timedelta(days=ctx.settings.dialog.draft_ttl_days)
        if fate(row, ctx.now, ttl) == DraftFate.EXPIRED:
            return Draft(conv, state, "expired")
        if conv is None or not _readable(conv, state):
            return Draft(conv, state, "changed")
        return Draft(conv, state)

    # -- routing -----------------------------------------------------------------------------

    def takes(self, msg: Incoming, ctx: Ctx) -> bool:
        """A text the open dialog answers: its own words, answers, and global words it accepts."""
        if msg.type != "text":
            return False
        draft = self.draft(ctx)
        if draft is None:
            return False
        if not any(keyword(msg, ctx) for keyword in self.keywords):
            return True
        if draft.conv is None or draft.lost:
            return False
        return _own_word(draft.conv, draft.state, msg.text.strip()) or \
            self._accepts(draft.conv, ctx, draft.state, msg.text.strip())

    def handle(self, msg: Incoming, ctx: Ctx) -> Reply:
        """Answer a message of the open dialog (or say that its draft was lost)."""
        draft = self.draft(ctx)
        assert draft is not None  # guarded by `takes`
        if draft.conv is None or draft.lost:
            return Reply(text=self._lost(ctx, draft))
        return _turn(draft.conv, ctx, draft.state, msg.text.strip())

    def around(self, msg: Incoming, ctx: Ctx, handler: Handler, full: bool = False) -> Handler:
        """A global word's handler; while a draft is open, one that then mentions it (full: its question).

        Without a draft (or for an event, which never reads it) the handler itself is returned, so
        the route of a read-only word stays that word's own handler.
        """
        if msg.type != "text" or self.draft(ctx) is None:
            return handler
        return self._mentioning(handler, full)

    def _mentioning(self, handler: Handler, full: bool) -> Handler:
        """A handler whose answer also mentions the follower's open (or lost) draft."""
        def answer(msg: Incoming, ctx: Ctx) -> Reply | None:
            try:
                reply = handler(msg, ctx)
            except BotError as exc:
                mentioned = self._with_mention(ctx, Reply(text=exc.text), full)
                raise BotError(mentioned.text if mentioned else exc.text) from exc
            return self._with_mention(ctx, reply, full)
        return answer

    def _with_mention(self, ctx: Ctx, reply: Reply | None, full: bool) -> Reply | None:
        """The reply with the open dialog mentioned (a lost one's notice first)."""
        draft = self.draft(ctx)
        if draft is None or reply is None or reply.articles:  # a news reply carries no text
            return reply
        if draft.conv is None or draft.lost:
            return Reply(text=f"{self._lost(ctx, draft)}\n\n{reply.text}")
        note = _pending(draft.conv, ctx, draft.state) if full else _brief(draft.conv, draft.state)
        room = MAX_TEXT_BYTES - len(f"\n\n{note}".encode())
        return Reply(text=f"{fit_text(reply.text, room)}\n\n{note}")

    def _accepts(self, conv: Conversation, ctx: Ctx, state: State, word: str) -> bool:
        """Whether the current question takes this global word as its answer."""
        at = state["at"]
        if at in ("more", "summary"):
            return False
        step = _step_at(conv, at)
        if step.free_text:
            return WITH_NUMBER.sub("", normalise(word)) not in self.words
        try:
            _value(step, ctx, state, _target(state), word)
        except Invalid:
            return False
        return True

    # -- a conversation's own entry ----------------------------------------------------------

    def enter(self, ctx: Ctx, conv: Conversation, fresh: Callable[[], tuple[State, str]]) -> Reply:
        """Start a conversation (fresh: its preset head answers and intro), or resume the open one."""
        draft = self.draft(ctx)
        notice = ""
        if draft is not None and (draft.conv is None or draft.lost):
            notice = self._lost(ctx, draft) + "\n\n"
        elif draft is not None and draft.conv is not None:
            return _resume(draft.conv, ctx, draft.state)
        preset, intro = fresh()
        state = _new_state(conv, preset)
        state["at"] = _first(conv, state)
        return _reply(ctx, state, f"{notice}{intro}\n\n{_question(conv, ctx, state)}")

    def _lost(self, ctx: Ctx, draft: Draft) -> str:
        """Forget a draft that cannot go on, and tell the follower what was lost."""
        _forget(ctx)
        conv = draft.conv
        what = t("dialog.lost.what", noun=conv.noun) if conv else t("dialog.lost.what_any")
        key = "dialog.lost.expired" if draft.lost == "expired" else "dialog.lost.changed"
        text = t(key, what=what, days=ctx.settings.dialog.draft_ttl_days)
        if conv is not None and conv.entry_words:
            return f"{text}\n{t('dialog.lost.again', word=conv.entry_words[0])}"
        return f"{text}\n{t('dialog.lost.help')}"


def normalise(text: str) -> str:
    """Full-width to half-width, no surrounding spaces, case-folded: how global words compare."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


# -- the draft's row ---------------------------------------------------------------------------

def _row(ctx: Ctx) -> DialogDraft | None:
    """The follower's draft row: one primary-key query, the first time in a message."""
    if not ctx.draft_loaded:
        ctx.draft, ctx.draft_loaded = find_draft(ctx.session, ctx.user.openid), True
    return ctx.draft


def _reply(ctx: Ctx, state: State, text: str) -> Reply:
    """Write the state into the draft, in this message's transaction, and answer."""
    ctx.draft = save_draft(ctx.session, _row(ctx), ctx.user.openid, state["name"], state, ctx.now)
    return Reply(text=text)


def _forget(ctx: Ctx) -> None:
    """Drop the follower's draft in this message's transaction."""
    row = _row(ctx)
    if row is not None:
        drop_draft(ctx.session, row)
        ctx.session.flush()  # a new draft for the same follower may follow in this message
    ctx.draft = None


def _idle(ctx: Ctx) -> bool:
    """Whether the follower has been away from their draft longer than the idle limit."""
    row = _row(ctx)
    limit = dt.timedelta(minutes=ctx.settings.dialog.idle_minutes)
    return row is not None and ctx.now - row.updated_at > limit


def _new_state(conv: Conversation, preset: State) -> State:
    """A fresh draft: a new token, the preset head values, one empty record."""
    return {"name": conv.name, "v": conv.version, "token": uuid.uuid4().hex, "preset": dict(preset),
            "head": dict(preset), "records": [{}], "ri": 0, "at": "", "back": [], "fails": 0}


def _readable(conv: Conversation, state: State) -> bool:
    """Whether a stored state still fits its conversation (after an upgrade it may not)."""
    try:
        names, heads = {s.name for s in conv.steps}, {s.name for s in conv.head}
        return (state["v"] == conv.version and _valid_at(conv, state["at"])
                and all(_valid_at(conv, at) for at in state["back"])
                and 0 <= state["ri"] < len(state["records"]) and set(state["head"]) <= heads
                and all(set(record) <= names for record in state["records"])
                and isinstance(state["fails"], int) and isinstance(state["token"], str))
    except (KeyError, TypeError, AttributeError):
        return False


def _valid_at(conv: Conversation, at: object) -> bool:
    """Whether a position exists in the conversation."""
    if at in ("more", "summary"):
        return True
    if not isinstance(at, str) or at[:2] not in ("h:", "s:"):
        return False
    steps = conv.head if at.startswith("h:") else conv.steps
    return any(s.name == at[2:] for s in steps)


# -- one message of an open dialog -------------------------------------------------------------

def _own_word(conv: Conversation, state: State, word: str) -> bool:
    """The words that steer the dialog rather than answer it."""
    steering = CANCEL | BACK | SKIP | CONFIRM | RESUME | RESTART | set(conv.entry_words)
    return word in steering or bool(EDIT.match(word)) or _field_edit(conv, state, word) is not None


def _turn(conv: Conversation, ctx: Ctx, state: State, word: str) -> Reply:
    """Answer one message: the steering words first, then the answer."""
    if word in CANCEL:
        _forget(ctx)
        return Reply(text=t("dialog.cancelled"))
    if word in RESTART:
        return _restart(conv, ctx, state)
    if word in RESUME:
        return _reply(ctx, state, t("dialog.resumed", q=_question(conv, ctx, state)))
    if word in conv.entry_words:
        return _resume(conv, ctx, state)
    return _steer(conv, ctx, state, word)


def _steer(conv: Conversation, ctx: Ctx, state: State, word: str) -> Reply:
    """上一步, 跳过, 确认, 修改 N, 修改 <field>; anything else answers the current question."""
    if word in BACK:
        return _back(conv, ctx, state)
    if word in SKIP:
        return _skip(conv, ctx, state)
    if word in CONFIRM:
        return _confirm(conv, ctx, state)
    edit = EDIT.match(word)
    if edit:
        return _edit(conv, ctx, state, int(edit.group(1)))
    step = _field_edit(conv, state, word)
    if step is not None:
        return _edit_field(conv, ctx, state, step)
    away = _idle(ctx)
    reply = _answer(conv, ctx, state, word)
    if away:  # an answer after a long pause is kept; say the draft was waiting, and the ways out
        return Reply(text=f"{t('dialog.idle.kept', noun=conv.noun)}\n\n{reply.text}")
    return reply


def _resume(conv: Conversation, ctx: Ctx, state: State) -> Reply:
    """Re-enter an open dialog: the idle offer after a long pause, else the pending question."""
    if _idle(ctx):
        return _reply(ctx, state, t("dialog.idle", noun=conv.noun))
    return _reply(ctx, state, t("dialog.resumed", q=_question(conv, ctx, state)))


def _pending(conv: Conversation, ctx: Ctx, state: State) -> str:
    """The pending question for 帮助 (or the idle offer), with the ways out."""
    if _idle(ctx):
        return t("dialog.idle", noun=conv.noun)
    return t("dialog.pending", q=_question(conv, ctx, state))


def _brief(conv: Conversation, state: State) -> str:
    """One line saying the dialog still waits, and on what."""
    at = state["at"]
    if at == "summary":
        where = t("dialog.where.summary")
    elif at == "more":
        where = t("dialog.where.more", noun=conv.noun)
    else:
        where = _step_at(conv, at).label
    return t("dialog.waiting", noun=conv.noun, where=where)


def _answer(conv: Conversation, ctx: Ctx, state: State, word: str) -> Reply:
    """Parse the answer to the current question and move on."""
    at = state["at"]
    if at == "summary":
        return _fail(conv, ctx, state, t("dialog.summary.expect"))
    if at == "more":
        return _more(conv, ctx, state, word)
    step = _step_at(conv, at)
    target = _target(state)
    try:
        value = _value(step, ctx, state, target, word)
    except Invalid as exc:
        return _fail(conv, ctx, state, exc.text)
    return _accept(conv, ctx, state, step, target, value)


def _target(state: State) -> State:
    """Where the current question's answer goes: the head, or the current record."""
    return state["head"] if state["at"].startswith("h:") else state["records"][state["ri"]]


def _value(step: Step, ctx: Ctx, state: State, target: State, word: str) -> object:
    """The parsed answer, or the step's default for 默认 / 是."""
    if step.default is not None and word in DEFAULT:
        return step.default(ctx, state)
    return step.parse(word, ctx, target)


def _accept(conv: Conversation, ctx: Ctx, state: State, step: Step, target: State,
            value: object) -> Reply:
    """Store a value, echo it in its normalised form and ask the next question."""
    target[step.name] = value
    state["fails"] = 0
    state["at"] = _next(conv, ctx, state)
    echo = t("dialog.echo", label=step.label, value=_show(step, value))
    return _reply(ctx, state, f"{echo}\n\n{_question(conv, ctx, state)}")


def _more(conv: Conversation, ctx: Ctx, state: State, word: str) -> Reply:
    """After a record: add another, or go to the summary."""
    if word in MORE_DONE:
        state["at"], state["fails"] = "summary", 0
        return _reply(ctx, state, _question(conv, ctx, state))
    if word not in MORE_ADD:
        return _fail(conv, ctx, state, t("dialog.more.invalid", noun=conv.noun))
    limit = conv.max_records(ctx)
    if len(state["records"]) >= limit:
        return _fail(conv, ctx, state, t("dialog.more.full", noun=conv.noun, max=limit))
    state["records"].append({})
    state["ri"], state["at"], state["fails"] = len(state["records"]) - 1, "s:" + conv.steps[0].name, 0
    return _reply(ctx, state, _question(conv, ctx, state))


def _next(conv: Conversation, ctx: Ctx, state: State) -> str:
    """The position after answering the current one (an edit returns where it was made)."""
    at = state["at"]
    if state["back"]:
        return str(state["back"].pop())
    if at.startswith("h:"):
        return _first(conv, state)
    names = [s.name for s in conv.steps]
    index = names.index(at[2:])
    if index + 1 < len(names):
        return "s:" + names[index + 1]
    return "more" if conv.max_records(ctx) > 1 else "summary"


def _skip(conv: Conversation, ctx: Ctx, state: State) -> Reply:
    """跳过: only optional questions may be skipped."""
    at = state["at"]
    step = _step_at(conv, at) if at.startswith("s:") else None
    if step is None or not step.optional:
        return _fail(conv, ctx, state, t("dialog.skip.required", q=_question(conv, ctx, state)))
    return _accept(conv, ctx, state, step, state["records"][state["ri"]], None)


def _confirm(conv: Conversation, ctx: Ctx, state: State) -> Reply:
    """确认: submit from the summary, in this message's transaction; then forget the draft."""
    if state["at"] != "summary":
        return _fail(conv, ctx, state, t("dialog.confirm.early", q=_question(conv, ctx, state)))
    text = conv.submit(ctx, state)
    _forget(ctx)
    return Reply(text=text)


def _edit(conv: Conversation, ctx: Ctx, state: State, number: int) -> Reply:
    """修改 N: edit field N of the summary, then come back to it."""
    total = len(state["records"]) * len(conv.steps)
    if state["at"] != "summary":
        return _fail(conv, ctx, state, t("dialog.edit.early", q=_question(conv, ctx, state)))
    if not 1 <= number <= total:
        return _fail(conv, ctx, state, t("dialog.edit.range", n=number, total=total))
    ri, index = divmod(number - 1, len(conv.steps))
    state.update(ri=ri, at="s:" + conv.steps[index].name, back=["summary"], fails=0)
    return _reply(ctx, state, _question(conv, ctx, state))


def _field_edit(conv: Conversation, state: State, word: str) -> Step | None:
    """The record field that `修改 <field>` names (its label, or a unique end of it: 修改 地点)."""
    match = EDIT_FIELD.match(word)
    if not match or state.get("at", "").startswith("h:"):
        return None
    name = match.group(1)
    exact = [s for s in conv.steps if s.label == name]
    ends = [s for s in conv.steps if len(name) >= 2 and s.label.endswith(name)]
    found = exact or ends
    return found[0] if len(found) == 1 else None


def _edit_field(conv: Conversation, ctx: Ctx, state: State, step: Step) -> Reply:
    """修改 <field>: that field of the current record, then back where the edit was asked."""
    if state["at"] == "summary" and len(state["records"]) > 1:
        return _fail(conv, ctx, state, t("dialog.edit.which", noun=conv.noun,
                                         total=len(state["records"]) * len(conv.steps)))
    if step.name == state["at"][2:]:  # already there: no detour to come back from
        return _reply(ctx, state, _question(conv, ctx, state))
    state["back"].append(state["at"])
    state.update(at="s:" + step.name, fails=0)
    return _reply(ctx, state, _question(conv, ctx, state))


def _restart(conv: Conversation, ctx: Ctx, state: State) -> Reply:
    """重新开始: a fresh draft with the same preset answers."""
    fresh = _new_state(conv, state["preset"])
    fresh["at"] = _first(conv, fresh)
    return _reply(ctx, fresh, t("dialog.restarted", q=_question(conv, ctx, fresh)))


def _fail(conv: Conversation, ctx: Ctx, state: State, text: str) -> Reply:
    """A specific re-prompt; after too many in a row, the ways out too."""
    state["fails"] = state.get("fails", 0) + 1
    if state["fails"] >= ctx.settings.dialog.max_tries:
        text = f"{text}\n\n{t('dialog.hint')}"
    return _reply(ctx, state, text)


# -- 上一步 --------------------------------------------------------------------------------------

def _back(conv: Conversation, ctx: Ctx, state: State) -> Reply:
    """上一步: the previous question, keeping what was typed."""
    moved = _previous(conv, ctx, state)
    if moved is None:
        return _fail(conv, ctx, state, t("dialog.back.first", q=_question(conv, ctx, state)))
    state["fails"] = 0
    return _reply(ctx, state, f"{moved}{_question(conv, ctx, state)}")


def _previous(conv: Conversation, ctx: Ctx, state: State) -> str | None:
    """Move the state one question back; a note to show first, or None at the very first question."""
    at = state["at"]
    if state["back"]:
        state["at"] = state["back"].pop()  # leave the edit unchanged
        return ""
    if at == "summary" and conv.max_records(ctx) > 1:
        state["at"] = "more"
        return ""
    if at in ("more", "summary"):
        state["at"] = "s:" + conv.steps[-1].name
        return ""
    if at.startswith("s:"):
        return _back_in_record(conv, state, at[2:])
    return _back_in_head(conv, state, at[2:])


def _back_in_record(conv: Conversation, state: State, name: str) -> str | None:
    """Back within a record; from its first question, drop a new record or reach the head."""
    names = [s.name for s in conv.steps]
    index = names.index(name)
    if index > 0:
        state["at"] = "s:" + names[index - 1]
        return ""
    if state["ri"] > 0:
        state["records"].pop(state["ri"])
        state["ri"] -= 1
        state["at"] = "more"
        return t("dialog.back.dropped", noun=conv.noun, n=state["ri"] + 2) + "\n"
    asked = _asked_head(conv, state)
    if not asked:
        return None
    state["at"] = "h:" + asked[-1]
    return ""


def _back_in_head(conv: Conversation, state: State, name: str) -> str | None:
    """Back among the head questions the user was asked (preset ones were never asked)."""
    asked = _asked_head(conv, state)
    index = asked.index(name) if name in asked else 0
    if index == 0:
        return None
    state["at"] = "h:" + asked[index - 1]
    return ""


def _asked_head(conv: Conversation, state: State) -> list[str]:
    """The head questions that were not preset."""
    return [s.name for s in conv.head if s.name not in state["preset"]]


# -- what the follower sees ----------------------------------------------------------------------

def _question(conv: Conversation, ctx: Ctx, state: State) -> str:
    """The text of the current question."""
    at = state["at"]
    if at == "summary":
        return summary(conv, ctx, state)
    if at == "more":
        return t("dialog.more", n=state["ri"] + 1, noun=conv.noun)
    step = _step_at(conv, at)
    if at.startswith("h:"):
        return step.prompt(ctx, state)
    return _record_question(conv, ctx, state, step)


def _record_question(conv: Conversation, ctx: Ctx, state: State, step: Step) -> str:
    """A record's question with its progress, its current value and whether it may be skipped."""
    index = conv.steps.index(step)
    lines = [t("dialog.progress", noun=conv.noun, n=state["ri"] + 1, i=index + 1, of=len(conv.steps)),
             step.prompt(ctx, state)]
    record = state["records"][state["ri"]]
    if step.name in record:
        lines.append(t("dialog.current", value=_show(step, record[step.name])))
    if step.optional:
        lines.append(t("dialog.optional"))
    return "\n".join(lines)


def summary(conv: Conversation, ctx: Ctx, state: State) -> str:
    """The numbered summary: 修改 N edits field N."""
    lines = [conv.summary_head(ctx, state)]
    for ri, record in enumerate(state["records"]):
        lines.append(t("dialog.summary.record", noun=conv.noun, n=ri + 1))
        for i, step in enumerate(conv.steps):
            value = _show(step, record.get(step.name), step.clip)
            lines.append(t("dialog.summary.line", n=ri * len(conv.steps) + i + 1, label=step.label,
                           value=value))
        extra = conv.record_extra(ctx, state, record)
        lines += [extra] if extra else []
    lines.append(t("dialog.summary.footer"))
    return "\n".join(lines)


def _show(step: Step, value: object, clip: int = 0) -> str:
    """A stored value for people; empty optional values read as 未填."""
    text = t("dialog.empty") if value is None else step.show(value)
    return text if not clip or len(text) <= clip else text[:clip] + "…"


def _first(conv: Conversation, state: State) -> str:
    """The first head question not answered yet, else the record's first question."""
    for step in conv.head:
        if step.name not in state["head"]:
            return "h:" + step.name
    return "s:" + conv.steps[0].name


def _step_at(conv: Conversation, at: str) -> Step:
    """The step at a position."""
    steps = conv.head if at.startswith("h:") else conv.steps
    return next(s for s in steps if s.name == at[2:])
