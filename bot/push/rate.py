"""The per-minute send budget, shared by every sender through the store."""
from __future__ import annotations

import datetime as dt

from bot.store import Store

WINDOW_TTL = 120  # a minute's counter outlives its minute a little, then expires


class RateLimit:
    """At most `per_minute` sends in each clock minute, across processes and machines."""

    def __init__(self, store: Store, per_minute: int) -> None:
        self.store = store
        self.per_minute = per_minute

    def _key(self, now: dt.datetime) -> str:
        """The counter of the minute `now` falls in."""
        return self.store.key("push", "rate", now.strftime("%Y%m%d%H%M"))

    def acquire(self, now: dt.datetime) -> bool:
        """Take one send from this minute's budget; False when it is spent."""
        return self.store.incr(self._key(now), WINDOW_TTL) <= self.per_minute

    def exhaust(self, now: dt.datetime) -> None:
        """WeChat said 45011: nobody sends again this minute."""
        self.store.put(self._key(now), str(self.per_minute + 1), WINDOW_TTL)

    @staticmethod
    def next_minute(now: dt.datetime) -> dt.datetime:
        """The start of the next minute."""
        return now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
