"""The inbox job: handle the requests shed under overload, every minute."""
from __future__ import annotations

import datetime as dt

from bot import inbox
from bot.services import Services


def drain_inbox(services: Services, now: dt.datetime) -> None:
    """Handle kept requests for at most [wechat] inbox_drain_seconds."""
    inbox.drain(services, services.settings.wechat.inbox_drain_seconds)
