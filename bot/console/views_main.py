"""概览 (the campaign at a glance) and the audit log."""
from __future__ import annotations

import datetime as dt

from flask import render_template

from bot.console import charts, figures
from bot.console.pages import db
from bot.console.security import services
from models.console import audit_log


def overview() -> str:
    """Filings by state (with their chart), activities, votes today, the outbox, open flags."""
    now = services().now()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    with db() as s:
        o = figures.overview(s, day_start.astimezone(dt.UTC))
    return render_template("console/overview.html", o=o, chart=charts.state_bars(o.by_state))


def audit() -> str:
    """Every change made in the console, newest first, with its before and after."""
    with db() as s:
        rows = audit_log(s, services().settings.console.rows_shown)
    return render_template("console/audit.html", rows=rows)
