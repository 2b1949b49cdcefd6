"""What the domain refuses, said as a code: the catalog key of the sentence and its values.

Models raise a `Refused` (or a kind of it) and word nothing; the layer that answers (chat, the
CLI, the console, a job's log) words it with `core.texts.word(exc.phrase)`.
"""
from __future__ import annotations

from core.texts import Phrase


class Refused(Exception):
    """A request the domain's rules refuse, as a phrase for the layer above to word."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.phrase = Phrase(key, values)
