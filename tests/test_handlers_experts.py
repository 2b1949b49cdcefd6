"""Handler details the transcripts do not reach: WeChat's reply size, non-experts, settings."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from core.settings import Settings, SettingsError
from core.texts import t
from handlers.experts import REPLY_MAX_BYTES, fit


def test_fit_keeps_short_replies_whole() -> None:
    """A reply under the limit is unchanged."""
    assert fit(["a", "b", "c"]) == "a\nb\nc"


def test_fit_cuts_long_replies_and_keeps_the_last_line() -> None:
    """Over 2048 bytes: lines are dropped before the footer and the cut is marked."""
    lines = ["头"] + [f"{i}. " + "专家" * 20 for i in range(60)] + ["脚注"]
    text = fit(lines)
    assert len(text.encode()) <= REPLY_MAX_BYTES
    assert text.startswith("头\n0. ") and text.endswith(t("experts.more") + "\n脚注")


@pytest.mark.parametrize("overrides, key", [
    ({"weight_answers": 0.7}, "weight_answers"),
    ({"weight_answers": 1.5, "weight_rate": -0.5}, "weight_answers"),
    ({"min_answers": 0}, "min_answers"),
    ({"top_n": 0}, "top_n"),
    ({"smoothing_m": -1}, "smoothing_m"),
    ({"evaluate_day": 31}, "evaluate_day"),
    ({"min_answers": "3"}, "min_answers"),
])
def test_bad_expert_settings_stop_start_up(settings_factory: Callable[..., Settings],
                                           overrides: dict, key: str) -> None:
    """A malformed [experts] key is named."""
    with pytest.raises(SettingsError, match=f"experts.{key}"):
        settings_factory(experts=overrides)


def test_example_settings_carry_the_plan_defaults(settings: Settings) -> None:
    """min 3 answers, m = 10, weights 0.5 / 0.5, top 10."""
    e = settings.experts
    assert (e.min_answers, e.smoothing_m, e.weight_answers, e.weight_rate, e.top_n) == (3, 10.0, 0.5, 0.5, 10)
