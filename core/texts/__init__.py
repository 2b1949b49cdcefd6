"""The chat-text catalog: every sentence a follower or operator reads, in one place.

Each journey keeps its sentences in a module of this package; `t(key, **values)` formats one.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping

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


@dataclasses.dataclass(frozen=True)
class Phrase:
    """A sentence not worded yet: its catalog key and values. The domain says what it refuses
    with one (models/refusals.py); the layer that answers words it."""

    key: str
    values: Mapping[str, object] = dataclasses.field(default_factory=dict)


def word(phrase: Phrase) -> str:
    """The phrase's sentence: a value that is a phrase is worded first, a list or tuple is listed
    with the catalog's separator."""
    return t(phrase.key, **{name: _worded(value) for name, value in phrase.values.items()})


def _worded(value: object) -> object:
    """One value of a phrase, ready for its sentence."""
    if isinstance(value, Phrase):
        return word(value)
    if isinstance(value, list | tuple):
        return CATALOG["list.separator"].join(str(_worded(item)) for item in value)
    return value
