"""The filing campaign's window: when forms are accepted (the plan's dates live in settings)."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from core.settings import CampaignSettings


class Window(StrEnum):
    """Where a day falls relative to the filing period."""

    EARLY = "early"
    OPEN = "open"
    LATE = "late"


def filing_window(campaign: CampaignSettings, day: dt.date) -> Window:
    """Whether forms are accepted on this day (both ends inclusive)."""
    if day < campaign.filing_opens:
        return Window.EARLY
    if day > campaign.filing_deadline:
        return Window.LATE
    return Window.OPEN
