"""Dongguan's towns and streets, read from the editable data file."""
from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from core.settings import PROJECT_ROOT

SUFFIXES = ("街道办事处", "街道", "镇街", "镇", "街", "区", "园区")
# What may follow a town's name in an answer and still mean the town (松山湖高新区, 石龙团委);
# anything else after it (石龙青年夜跑) is not a town but a sentence that starts with one.
TAILS = frozenset((*SUFFIXES, "高新", "高新区", "团委", "镇团委", "街道团委"))


@functools.cache
def load_towns(path: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """Read the town list and the alias table from the data file."""
    file = Path(path) if Path(path).is_absolute() else PROJECT_ROOT / path
    with file.open("rb") as fh:
        data = tomllib.load(fh)
    names = tuple(data["streets"] + data["towns"] + data["zones"])
    return names, dict(data.get("aliases", {}))


def _strip(text: str) -> str:
    """Drop the administrative suffix people add: 石龙镇 -> 石龙."""
    text = "".join(text.split()).removeprefix("东莞市").removeprefix("东莞")
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


def resolve_town(text: str, path: str) -> str | None:
    """Match free text to one town or street name, or None."""
    names, aliases = load_towns(path)
    core = _strip(text)
    if core in names:
        return core
    if core in aliases:
        return aliases[core]
    hits = [n for n in names if core and (n.startswith(core) or (core[len(n):] in TAILS and core.startswith(n)))]
    return hits[0] if len(hits) == 1 else None


def all_towns(path: str) -> tuple[str, ...]:
    """Every town, street and zone name in the data file's order."""
    return load_towns(path)[0]
