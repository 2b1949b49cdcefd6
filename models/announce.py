"""The monthly winners' announcement: who hears what, queued once per recipient in the outbox."""
from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.settings import Settings
from core.texts import t
from models.contest_close import Results, mark_announced, results
from models.contest_rank import Standing
from models.contest_rounds import ContestError, RoundState
from models.orgs import Organisation, admin_openids
from models.outbox import Channel, enqueue, mass_sends_since
from models.subscriptions import subscribers


@dataclasses.dataclass(frozen=True)
class Announced:
    """What one announcement queued (zero everywhere when it was announced before)."""

    month: str
    org_admins: int
    subscribers: int
    mass: bool
    mass_refused: str = ""       # why no mass send was queued, when settings asked for one


def announce(session: Session, settings: Settings, month: str, now: dt.datetime) -> Announced:
    """Queue the results of a closed round and mark it announced; twice queues nothing new."""
    res = results(session, month)
    if res.state not in (RoundState.CLOSED, RoundState.ANNOUNCED):
        raise ContestError("contest.error.not_closed", month=month)
    admins = sum(_to_org_admins(session, settings, res, s, now) for s in res.standings)
    subs = _to_subscribers(session, settings, res, now)
    mass, refused = _mass(session, settings, res, now)
    mark_announced(session, month, now)
    return Announced(month, admins, subs, mass, refused)


def _to_org_admins(session: Session, settings: Settings, res: Results, s: Standing,
                   now: dt.datetime) -> int:
    """Each admin of a shortlisted organisation hears their entry's result."""
    result = t("push.announce.winner" if s.winner else "push.announce.shortlisted", rank=s.rank)
    payload = {"template": settings.announce.result_template,
               "data": {"project": s.name, "result": result, "month": res.month}}
    queued = 0
    for openid in admin_openids(session, s.org_id):
        row = enqueue(session, key=f"announce:{res.month}:e{s.number}:{openid}", purpose="contest.result",
                      openid=openid, channel=Channel.TEMPLATE, payload=payload, now=now)
        queued += row is not None
    return queued


def _to_subscribers(session: Session, settings: Settings, res: Results, now: dt.datetime) -> int:
    """Followers who sent 订阅结果 for this month hear that the winners are out."""
    payload = {"template": settings.announce.subscriber_template,
               "data": {"title": t("push.announce.title", month=res.month),
                        "winners": t("push.announce.winners", count=len(res.winners)),
                        "month": res.month}}
    queued = 0
    for openid in subscribers(session, res.month):
        row = enqueue(session, key=f"announce:{res.month}:sub:{openid}", purpose="contest.subscriber",
                      openid=openid, channel=Channel.TEMPLATE, payload=payload, now=now)
        queued += row is not None
    return queued


def _mass(session: Session, settings: Settings, res: Results, now: dt.datetime) -> tuple[bool, str]:
    """One mass send to all followers, when allowed and within the account's budget."""
    if not settings.announce.mass_send:
        return False, ""
    key = f"announce:{res.month}:mass"
    left = mass_budget_left(session, settings, now)
    if left <= 0:
        return False, t("push.announce.no_budget")
    row = enqueue(session, key=key, purpose="contest.mass", openid=None, channel=Channel.MASS,
                  payload={"text": mass_text(session, res)}, now=now)
    return row is not None, ""


def mass_budget_left(session: Session, settings: Settings, now: dt.datetime) -> int:
    """Mass sends left: per month on a service account, per day on a subscription account."""
    local = now.astimezone(ZoneInfo(settings.scheduler.timezone))
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if settings.wechat.account_type == "service":
        return settings.push.mass_per_month - mass_sends_since(session, start.replace(day=1))
    return settings.push.mass_per_day - mass_sends_since(session, start)


def mass_text(session: Session, res: Results) -> str:
    """The announcement to all followers: the winners with their organisations."""
    names = dict(session.execute(select(Organisation.id, Organisation.name)).tuples().all())
    lines = "\n".join(t("push.announce.mass.line", rank=s.rank, name=s.name, org=names.get(s.org_id, ""))
                      for s in res.winners)
    return t("push.announce.mass", month=res.month, shortlisted=len(res.standings),
             count=len(res.winners), lines=lines)
