"""Logging where every line of a request names the openid and the message id."""
from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable

_request: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar("request", default=("-", "-"))
FORMAT = "%(asctime)s %(levelname)s %(name)s [openid=%(openid)s msg=%(msgid)s] %(message)s"


def bind_request(openid: str, msgid: str) -> None:
    """Name the message being handled on every later log line of this request."""
    _request.set((openid, msgid))


def clear_request() -> None:
    """Forget the request's names once it is answered."""
    _request.set(("-", "-"))


class RequestFilter(logging.Filter):
    """Adds openid and msgid to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach the current request's names."""
        record.openid, record.msgid = _request.get()
        return True


def setup_logging(level: int = logging.INFO) -> None:
    """Install the request-aware format on the root logger once."""
    root = logging.getLogger()
    if any(isinstance(f, RequestFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RequestFilter())
    root.addHandler(handler)
    root.setLevel(level)


class Tally:
    """A warning that may come hundreds of times a second (a request shed under overload): the
    first is logged at once, the rest are counted and logged as one line per `interval` seconds,
    or when the burst is over (`flush`). Per request, the line cost the shed path a tenth of its
    time and the log thousands of lines a second, none of them saying more than the count."""

    def __init__(self, logger: logging.Logger, what: str, interval: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.logger, self.what, self.interval, self.clock = logger, what, interval, clock
        self.count, self.longest, self.since, self.next_at = 0, 0.0, 0.0, 0.0

    def note(self, value: float) -> None:
        """Count one more; log the tally when its interval is over."""
        now = self.clock()
        if self.count == 0:
            self.since = now
        self.count, self.longest = self.count + 1, max(self.longest, value)
        if now >= self.next_at:
            self.flush()

    def flush(self) -> None:
        """Log what was counted since the last line, if anything."""
        if not self.count:
            return
        now = self.clock()
        self.logger.warning("%s: %d in %.1f s, the longest %.1f s", self.what, self.count,
                            now - self.since, self.longest)
        self.count, self.longest, self.next_at = 0, 0.0, now + self.interval
