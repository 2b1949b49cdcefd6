"""The [contest] settings: defaults from the plan, and out-of-range values stop start-up."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from core.settings import Settings, SettingsError


def test_plan_defaults(settings: Settings) -> None:
    """30 shown, 10 winners, 3 votes a day, 1 per project a day, followers only, 24 h unfollow rule."""
    c = settings.contest
    assert (c.shortlist_size, c.winners, c.votes_per_user_per_day, c.votes_per_entry_per_user_per_day,
            c.votes_per_entry_per_user_per_round, c.followers_only, c.unsubscribe_void_hours,
            c.judges_weight) == (30, 10, 3, 1, 0, True, 24, 0.0)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("winners", 0, "contest.winners"),
    ("judges_weight", 1.5, "contest.judges_weight"),
    ("voting_opens_day", 29, "contest.voting_opens_day"),
    ("reply_max_bytes", 4096, "contest.reply_max_bytes"),
    ("alert_channel", "mass", "contest.alert_channel"),
    ("votes_per_user_per_day", "3", "contest.votes_per_user_per_day"),
])
def test_bad_values_name_the_key(settings_factory: Callable[..., Settings], key: str, value: Any,
                                 message: str) -> None:
    """A malformed contest setting stops start-up with a message naming it."""
    with pytest.raises(SettingsError, match=message):
        settings_factory(contest={key: value})


def test_template_alerts_need_a_template(settings_factory: Callable[..., Settings]) -> None:
    """Alerts by template need the template's name."""
    with pytest.raises(SettingsError, match=re.escape("contest.alert_template")):
        settings_factory(contest={"alert_channel": "template"})
