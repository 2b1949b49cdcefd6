"""45009: a daily quota is gone. Stop that channel until midnight and tell the platform admins.

With the quota gone the alert cannot rely on WeChat: it is logged at ERROR, kept as a row in
push_alerts (shown first by `push status`, and it halts the channel until the next Beijing
midnight, when WeChat resets its quotas), and queued as a customer-service message to each
platform admin (a separate quota; it reaches admins who wrote to the account in the last 48 h),
falling back to the alert template when one is configured.
"""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.orm import Session

from bot.services import Services
from core.texts import t
from models.outbox import Channel, enqueue
from models.push_marks import raise_alert

log = logging.getLogger(__name__)


def next_midnight(now: dt.datetime) -> dt.datetime:
    """The next local midnight of an aware time (WeChat's quotas are per Beijing day)."""
    day = now.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tzinfo=now.tzinfo)


def quota_gone(services: Services, session: Session, channel: str, code: int,
               now: dt.datetime) -> dt.datetime:
    """Record the stop once a day, queue the admins' alert; returns when sending may resume."""
    local = now.astimezone(services.tz)
    until = next_midnight(local)
    text = t("push.alert.quota", channel=t(f"push.channel.{channel}"), code=code,
             until=f"{until:%m-%d %H:%M}")
    if raise_alert(session, channel, code, local.date(), text, until) is None:
        return until
    log.error("push: WeChat quota %s spent on %s; halted until %s", code, channel, until)
    for openid in services.settings.admins.openids:
        enqueue(session, key=f"push.alert:{channel}:{code}:{local:%Y%m%d}:{openid}",
                purpose="push.alert", openid=openid, channel=Channel.CUSTOM,
                payload=alert_payload(services, text, local), now=now)
    return until


def alert_payload(services: Services, text: str, local: dt.datetime) -> dict[str, object]:
    """A customer-service text with the alert template as its fallback."""
    fallback = {"template": services.settings.push.alert_template,
                "data": {"title": t("push.alert.title"), "detail": text,
                         "time": f"{local:%Y-%m-%d %H:%M}"}}
    return {"text": text, "fallback": fallback if services.settings.push.alert_template else None}
