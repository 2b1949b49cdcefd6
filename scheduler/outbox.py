"""The outbox job: deliver what is due, every minute."""
from __future__ import annotations

import datetime as dt

from bot.push.sender import drain
from bot.services import Services


def drain_outbox(services: Services, now: dt.datetime) -> None:
    """Send due messages for at most [push] drain_seconds."""
    drain(services, now)
