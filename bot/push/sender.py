"""The sender: claim due outbox rows and send them through a bounded pool of threads."""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from bot.push.deliver import Outcome, send_one
from bot.push.rate import RateLimit
from bot.services import Services
from models.outbox import Channel
from models.outbox_claim import Claimed, claim
from models.push_marks import halted_channels

log = logging.getLogger(__name__)


@dataclasses.dataclass
class Report:
    """What one run did."""

    counts: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    halted: bool = False
    throttled: bool = False

    @property
    def handled(self) -> int:
        """Messages whose row changed in this run (released ones went back to the queue as they were)."""
        return sum(n for state, n in self.counts.items() if state not in ("released", "throttled"))


class Sender:
    """One run of the sender: until the queue is empty, the deadline passes, or a quota stops it."""

    def __init__(self, services: Services, *, seconds: float | None = None,
                 wait_for_rate: bool = False, on_done: Callable[[Outcome], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.services = services
        self.push = services.settings.push
        self.limiter = RateLimit(services.store, self.push.rate_per_minute)
        self.deadline = time.monotonic() + seconds if seconds is not None else None
        self.wait_for_rate, self.on_done, self.sleep = wait_for_rate, on_done, sleep
        self.halted: set[str] = set()
        self.report = Report()

    def run(self) -> Report:
        """Send due messages, `pool_size` at a time."""
        _ = self.services.api  # build the shared client once, before the threads race to
        with ThreadPoolExecutor(max_workers=self.push.pool_size, thread_name_prefix="push") as pool:
            while not self.report.halted and not self._late():
                batch = self.claim_batch()
                if not batch:
                    break
                for outcome in pool.map(self._send, batch):
                    self._tally(outcome)
                if self.report.throttled and not self._wait_for_next_minute():
                    break
        return self.report

    def claim_batch(self) -> list[Claimed]:
        """Claim the next due rows in one short transaction."""
        now = self.services.now()
        lease = dt.timedelta(seconds=self.push.lease_seconds)
        with self.services.db.session() as session:
            skip = halted_channels(session, now)
            return claim(session, now, self.push.batch_size, lease, skip)

    def _send(self, msg: Claimed) -> Outcome:
        """Send one message in a pool thread; a spent daily quota releases the rest of the batch."""
        outcome = send_one(self.services, msg, self.limiter, self.halted)
        if outcome.state == "halted":
            self.halted.update(Channel)
        return outcome

    def _tally(self, outcome: Outcome) -> None:
        """Count an outcome; a spent daily quota stops the run, a full minute pauses it."""
        self.report.counts[outcome.state] += 1
        if outcome.state == "halted":
            self.report.halted = True
        if outcome.state == "throttled":
            self.report.throttled = True
        if self.on_done:
            self.on_done(outcome)

    def _wait_for_next_minute(self) -> bool:
        """Sleep until the next minute's budget when allowed to; False ends the run."""
        if not self.wait_for_rate:
            return False
        now = self.services.now()
        pause = (self.limiter.next_minute(now) - now).total_seconds()
        if self.deadline is not None and time.monotonic() + pause > self.deadline:
            return False
        log.info("push: this minute's budget is spent; waiting %.0f s", pause)
        self.sleep(pause)
        self.report.throttled = False
        return True

    def _late(self) -> bool:
        """Whether the run's time is up."""
        return self.deadline is not None and time.monotonic() >= self.deadline


def drain(services: Services, now: dt.datetime) -> None:
    """The scheduled job: deliver what is due, for at most [push] drain_seconds."""
    report = Sender(services, seconds=services.settings.push.drain_seconds).run()
    if report.handled or report.halted:
        log.info("push: drained %s", dict(report.counts))
