"""Every transcript under tests/transcripts/, once plainly and once with each message delivered twice."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from core.settings import Settings
from tests.support import Clock
from tests.transcript import Runner, parse, settings_overrides

FILES = sorted((Path(__file__).parent / "transcripts").rglob("*.txt"))


@pytest.mark.parametrize("double", [False, True], ids=["once", "twice"])
@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(p.parents[1])) for p in FILES])
def test_transcript(path: Path, double: bool, settings_factory: Callable[..., Settings],
                    app_factory: Callable[[Settings], Flask], clock: Clock) -> None:
    """The conversation goes as written, and redelivery changes nothing."""
    steps = parse(path)
    settings = settings_factory(**settings_overrides(steps))
    Runner(path.stem, app_factory, settings, clock, double=double).run(steps)
