"""The dialog engine's views and shared moves: the question, the summary, replies that save the state."""
from __future__ import annotations

from bot.context import Ctx, Reply
from bot.dialog import Conversation, State, Step, save
from core.texts import t


def question(conv: Conversation, ctx: Ctx, state: State) -> str:
    """The text of the current question."""
    at = state["at"]
    if at == "summary":
        return summary(conv, ctx, state)
    if at == "more":
        return t("dialog.more", n=state["ri"] + 1, noun=conv.noun)
    step = step_at(conv, at)
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
        lines.append(t("dialog.current", value=show_value(step, record[step.name])))
    if step.optional:
        lines.append(t("dialog.optional"))
    return "\n".join(lines)


def summary(conv: Conversation, ctx: Ctx, state: State) -> str:
    """The numbered summary: 修改 N edits field N."""
    lines = [conv.summary_head(ctx, state)]
    for ri, record in enumerate(state["records"]):
        lines.append(t("dialog.summary.record", noun=conv.noun, n=ri + 1))
        for i, step in enumerate(conv.steps):
            value = show_value(step, record.get(step.name), step.clip)
            lines.append(t("dialog.summary.line", n=ri * len(conv.steps) + i + 1, label=step.label,
                           value=value))
        extra = conv.record_extra(ctx, state, record)
        lines += [extra] if extra else []
    lines.append(t("dialog.summary.footer"))
    return "\n".join(lines)


def show_value(step: Step, value: object, clip: int = 0) -> str:
    """A stored value for people; empty optional values read as 未填."""
    text = t("dialog.empty") if value is None else step.show(value)
    return text if not clip or len(text) <= clip else text[:clip] + "…"


def first(conv: Conversation, state: State) -> str:
    """The first head question not answered yet, else the record's first question."""
    for step in conv.head:
        if step.name not in state["head"]:
            return "h:" + step.name
    return "s:" + conv.steps[0].name


def step_at(conv: Conversation, at: str) -> Step:
    """The step at a position."""
    steps = conv.head if at.startswith("h:") else conv.steps
    return next(s for s in steps if s.name == at[2:])


def fail(conv: Conversation, ctx: Ctx, state: State, text: str) -> Reply:
    """A specific re-prompt; after too many in a row, the ways out too."""
    state["fails"] = state.get("fails", 0) + 1
    if state["fails"] >= ctx.settings.dialog.max_tries:
        text = f"{text}\n\n{t('dialog.hint')}"
    return reply(ctx, state, text)


def idle(ctx: Ctx, state: State) -> bool:
    """Whether the user has been away longer than the idle limit."""
    return ctx.now.timestamp() - state["seen"] > ctx.settings.dialog.idle_minutes * 60


def reply(ctx: Ctx, state: State, text: str) -> Reply:
    """Save the state and answer."""
    save(ctx, state)
    return Reply(text=text)
