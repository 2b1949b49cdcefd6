"""The vote rules from the settings: quotas, the rate limit, and why a vote is refused."""
from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Any

from core.settings import ContestSettings


class Refusal(StrEnum):
    """Why a vote was not counted (each has its own sentence in the catalog)."""

    NO_ROUND = "no_round"
    NOT_OPEN = "not_open"
    ENDED = "ended"
    NO_SUCH_ENTRY = "no_such_entry"
    NOT_FOLLOWER = "not_follower"
    BLACKLISTED = "blacklisted"
    RATE_LIMITED = "rate_limited"
    DAY_QUOTA = "day_quota"
    ENTRY_DAY = "entry_day"
    ENTRY_ROUND = "entry_round"


class VoteRefused(Exception):
    """A vote the rules refuse; `details` fill the refusal's sentence."""

    def __init__(self, reason: Refusal, **details: Any) -> None:
        super().__init__(reason.value)
        self.reason, self.details = reason, details


@dataclasses.dataclass(frozen=True)
class VoteRules:
    """The quota rules in force, from the settings."""

    per_day: int
    per_entry_per_day: int
    per_entry_per_round: int          # 0 = no cap
    followers_only: bool
    min_seconds: float

    @classmethod
    def from_settings(cls, c: ContestSettings) -> VoteRules:
        """Read the rules from the [contest] settings."""
        return cls(c.votes_per_user_per_day, c.votes_per_entry_per_user_per_day,
                   c.votes_per_entry_per_user_per_round, c.followers_only, c.min_seconds_between_votes)


@dataclasses.dataclass(frozen=True)
class Usage:
    """What a voter has already cast (valid or void: a voided vote still used its quota)."""

    today: int
    entry_today: int
    entry_round: int
    seconds_since_last: float | None


def refusal(rules: VoteRules, usage: Usage) -> Refusal | None:
    """The first quota rule this vote would break, or None."""
    if usage.today >= rules.per_day:
        return Refusal.DAY_QUOTA
    if usage.entry_today >= rules.per_entry_per_day:
        return Refusal.ENTRY_DAY
    if rules.per_entry_per_round and usage.entry_round >= rules.per_entry_per_round:
        return Refusal.ENTRY_ROUND
    if usage.seconds_since_last is not None and usage.seconds_since_last < rules.min_seconds:
        return Refusal.RATE_LIMITED
    return None


def refusal_details(reason: Refusal, rules: VoteRules, usage: Usage) -> dict[str, Any]:
    """Numbers the refusal's sentence shows."""
    wait = max(1, int(rules.min_seconds - (usage.seconds_since_last or 0) + 0.999))
    return {"per_day": rules.per_day, "per_entry_per_day": rules.per_entry_per_day,
            "per_entry_per_round": rules.per_entry_per_round, "wait": wait}
