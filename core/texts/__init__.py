"""The chat-text catalog: every sentence a follower or operator reads, in one place.

Each journey keeps its sentences in a module of this package; `t(key, **values)` formats one.
"""
from __future__ import annotations

from core.texts import (
    activities,
    console,
    contest,
    core,
    dialog,
    experts,
    filing,
    golive,
    menu,
    push,
    settings,
    sheets,
    supervisor,
)

_MODULES = (core, dialog, menu, filing, contest, experts, push, supervisor, sheets, golive, settings,
            activities, console)


def _merge() -> dict[str, str]:
    """Join the journeys' tables, refusing a key defined twice."""
    merged: dict[str, str] = {}
    for module in _MODULES:
        for key, value in module.TEXTS.items():
            if key in merged:
                raise KeyError(f"text {key} defined twice")
            merged[key] = value
    return merged


CATALOG: dict[str, str] = _merge()


def t(key: str, **values: object) -> str:
    """Format the catalog's sentence for key."""
    return CATALOG[key].format(**values) if values else CATALOG[key]
