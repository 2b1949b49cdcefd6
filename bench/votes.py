"""The vote path of the benches: a voting round with shortlisted entries, set up via the models."""
from __future__ import annotations

import importlib.util

from bot.db import Database

MISSING = "needs the contest journey (models.contest), not merged yet"


class Voting:
    """Placeholder until the contest journey lands."""

    confirmation = ""


def prepare(database: Database) -> Voting | None:
    """A voting round ready for `投票 N`, or None when the contest journey is missing."""
    if importlib.util.find_spec("models.contest") is None:
        return None
    raise NotImplementedError("contest bench setup")
