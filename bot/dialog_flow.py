"""The dialog engine's moves: command words, answers, going back, editing from the summary.

Positions in a state: "h:<step>" (a head question), "s:<step>" (a question of record `ri`),
"more" (add another record?), "summary" (the numbered summary, waiting for 确认 or 修改 N).
"""
from __future__ import annotations

import re

from bot.context import Ctx, Incoming, Reply
from bot.dialog import Conversation, Invalid, State, Step, clear, new_state
from bot.dialog_view import fail, first, idle, question, reply, show_value, step_at
from core.texts import t

CANCEL = {"取消", "退出"}
BACK = {"上一步", "返回"}
SKIP = {"跳过"}
CONFIRM = {"确认", "提交"}
RESUME = {"继续"}
RESTART = {"重新开始"}
DEFAULT = {"默认", "是"}
EDIT = re.compile(r"^修改\s*(\d+)$")
MORE_ADD = {"1", "添加", "继续添加"}
MORE_DONE = {"2", "汇总", "查看汇总"}


def handle(conv: Conversation, msg: Incoming, ctx: Ctx, state: State) -> Reply:
    """Answer one message: an idle pause first, then the command words, then the answer."""
    word = msg.text.strip()
    if idle(ctx, state) and not state["paused"]:
        state["paused"] = True  # do not act on a message sent after a long pause
        return reply(ctx, state, t("dialog.idle", noun=conv.noun))
    state["seen"] = ctx.now.timestamp()
    if word in CANCEL:
        clear(ctx)
        return Reply(text=t("dialog.cancelled"))
    if state["paused"]:
        return _paused(conv, ctx, state, word)
    return _command(conv, ctx, state, word)


def _command(conv: Conversation, ctx: Ctx, state: State, word: str) -> Reply:
    """The words that steer the dialog; anything else answers the current question."""
    if word in RESTART:
        return _restart(conv, ctx, state)
    if word in RESUME or word in conv.entry_words:
        return reply(ctx, state, t("dialog.resumed", q=question(conv, ctx, state)))
    if word in BACK:
        return _back(conv, ctx, state)
    if word in SKIP:
        return _skip(conv, ctx, state)
    if word in CONFIRM:
        return _confirm(conv, ctx, state)
    edit = EDIT.match(word)
    if edit:
        return _edit(conv, ctx, state, int(edit.group(1)))
    return _answer(conv, ctx, state, word)


def _paused(conv: Conversation, ctx: Ctx, state: State, word: str) -> Reply:
    """After a long pause only 继续, 重新开始 (or 取消) move on."""
    if word in RESTART:
        return _restart(conv, ctx, state)
    if word in RESUME or word in conv.entry_words:
        state["paused"] = False
        return reply(ctx, state, t("dialog.resumed", q=question(conv, ctx, state)))
    return reply(ctx, state, t("dialog.idle", noun=conv.noun))


def begin(conv: Conversation, ctx: Ctx, state: State, intro: str) -> Reply:
    """Save a fresh state at its first question and ask it."""
    state["at"] = first(conv, state)
    return reply(ctx, state, f"{intro}\n\n{question(conv, ctx, state)}")


def resume(conv: Conversation, ctx: Ctx, state: State) -> Reply:
    """Re-enter an open dialog: the idle offer after a long pause, else the pending question."""
    if idle(ctx, state) or state["paused"]:
        state["paused"] = True
        return reply(ctx, state, t("dialog.idle", noun=conv.noun))
    state["seen"] = ctx.now.timestamp()
    return reply(ctx, state, t("dialog.resumed", q=question(conv, ctx, state)))


def pending(conv: Conversation, ctx: Ctx, state: State) -> str:
    """The pending question for 帮助 (or the idle offer), with the ways out."""
    if idle(ctx, state) or state["paused"]:
        return t("dialog.idle", noun=conv.noun)
    return t("dialog.pending", q=question(conv, ctx, state))


def _answer(conv: Conversation, ctx: Ctx, state: State, word: str) -> Reply:
    """Parse the answer to the current question and move on."""
    at = state["at"]
    if at == "summary":
        return fail(conv, ctx, state, t("dialog.summary.expect"))
    if at == "more":
        return _more(conv, ctx, state, word)
    step = step_at(conv, at)
    target = state["head"] if at.startswith("h:") else state["records"][state["ri"]]
    try:
        value = _value(step, ctx, state, target, word)
    except Invalid as exc:
        return fail(conv, ctx, state, exc.text)
    return _accept(conv, ctx, state, step, target, value)


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
    state["at"], state["edit"] = _next(conv, state), False
    echo = t("dialog.echo", label=step.label, value=show_value(step, value))
    return reply(ctx, state, f"{echo}\n\n{question(conv, ctx, state)}")


def _more(conv: Conversation, ctx: Ctx, state: State, word: str) -> Reply:
    """After a record: add another, or go to the summary."""
    if word in MORE_DONE:
        state["at"], state["fails"] = "summary", 0
        return reply(ctx, state, question(conv, ctx, state))
    if word not in MORE_ADD:
        return fail(conv, ctx, state, t("dialog.more.invalid", noun=conv.noun))
    limit = conv.max_records(ctx)
    if len(state["records"]) >= limit:
        return fail(conv, ctx, state, t("dialog.more.full", noun=conv.noun, max=limit))
    state["records"].append({})
    state["ri"], state["at"], state["fails"] = len(state["records"]) - 1, "s:" + conv.steps[0].name, 0
    return reply(ctx, state, question(conv, ctx, state))


def _next(conv: Conversation, state: State) -> str:
    """The position after answering the current one."""
    at = state["at"]
    if state["edit"]:
        return "summary"
    if at.startswith("h:"):
        return first(conv, state)
    names = [s.name for s in conv.steps]
    index = names.index(at[2:])
    return "more" if index + 1 == len(names) else "s:" + names[index + 1]


def _back(conv: Conversation, ctx: Ctx, state: State) -> Reply:
    """上一步: the previous question, keeping what was typed."""
    from bot.dialog_back import previous

    moved = previous(conv, state)
    if moved is None:
        return fail(conv, ctx, state, t("dialog.back.first", q=question(conv, ctx, state)))
    state["fails"] = 0
    return reply(ctx, state, f"{moved}{question(conv, ctx, state)}")


def _skip(conv: Conversation, ctx: Ctx, state: State) -> Reply:
    """跳过: only optional questions may be skipped."""
    at = state["at"]
    step = step_at(conv, at) if at.startswith("s:") else None
    if step is None or not step.optional:
        return fail(conv, ctx, state, t("dialog.skip.required", q=question(conv, ctx, state)))
    return _accept(conv, ctx, state, step, state["records"][state["ri"]], None)


def _confirm(conv: Conversation, ctx: Ctx, state: State) -> Reply:
    """确认: submit from the summary, in this message's transaction; then forget the draft."""
    if state["at"] != "summary":
        return fail(conv, ctx, state, t("dialog.confirm.early", q=question(conv, ctx, state)))
    text = conv.submit(ctx, state)
    clear(ctx)
    return Reply(text=text)


def _edit(conv: Conversation, ctx: Ctx, state: State, number: int) -> Reply:
    """修改 N: edit field N of the summary, then come back to it."""
    total = len(state["records"]) * len(conv.steps)
    if state["at"] != "summary":
        return fail(conv, ctx, state, t("dialog.edit.early", q=question(conv, ctx, state)))
    if not 1 <= number <= total:
        return fail(conv, ctx, state, t("dialog.edit.range", n=number, total=total))
    ri, index = divmod(number - 1, len(conv.steps))
    state.update(ri=ri, at="s:" + conv.steps[index].name, edit=True, fails=0)
    return reply(ctx, state, question(conv, ctx, state))


def _restart(conv: Conversation, ctx: Ctx, state: State) -> Reply:
    """重新开始: a fresh draft with the same preset answers."""
    fresh = new_state(conv, ctx, state["preset"])
    fresh["at"] = first(conv, fresh)
    return reply(ctx, fresh, t("dialog.restarted", q=question(conv, ctx, fresh)))


