"""Logging where every line of a request names the openid and the message id."""
from __future__ import annotations

import contextvars
import logging

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
