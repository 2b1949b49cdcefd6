"""Reminding organisations that have not filed yet, a few days before the filing deadline."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select

from bot.services import Services
from core.texts import t
from models.filing import Filing
from models.orgs import Organisation, admin_openids
from models.outbox import Channel, enqueue


def stage(deadline: dt.date, today: dt.date, days_before: list[int]) -> int | None:
    """The reminder due today: the smallest `days_before` not yet passed, None outside them.

    A day missed while the scheduler was down is made up by the next run, once per stage.
    """
    left = (deadline - today).days
    if left < 0:
        return None
    due = [d for d in days_before if d >= left]
    return min(due) if due else None


def filing_reminder(services: Services, now: dt.datetime) -> None:
    """Queue one reminder per stage to the admins of every organisation without a filing."""
    cfg, deadline = services.settings.reminders, services.settings.campaign.filing_deadline
    current = stage(deadline, now.astimezone(services.tz).date(), cfg.days_before)
    if current is None:
        return
    payload = {"template": cfg.template,
               "data": {"title": t("push.reminder.title"), "deadline": f"{deadline}",
                        "note": t("push.reminder.note")}}
    with services.db.session() as session:
        for org_id in session.scalars(select(Organisation.id).where(
                ~exists().where(Filing.org_id == Organisation.id)).order_by(Organisation.id)):
            for openid in admin_openids(session, org_id):
                enqueue(session, key=f"remind:{deadline}:{current}:{openid}",
                        purpose="filing.reminder", openid=openid, channel=Channel.TEMPLATE,
                        payload=payload, now=now)
