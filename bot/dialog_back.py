"""上一步 in the dialog engine: where "back" leads from each position."""
from __future__ import annotations

from bot.dialog import Conversation, State
from core.texts import t


def previous(conv: Conversation, state: State) -> str | None:
    """Move the state one question back; a note to show first, or None at the very first question."""
    at = state["at"]
    if state["edit"]:
        state.update(at="summary", edit=False)  # leave the edit unchanged
        return ""
    if at == "summary":
        state["at"] = "more"
        return ""
    if at == "more":
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
