"""Evaluating a month and choosing a quarter's top experts, with their notifications."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.settings import ExpertSettings
from core.texts import Phrase, t
from models.accounts import User
from models.expert_scores import (
    Figures,
    MonthResult,
    Params,
    QuarterStanding,
    evaluate_month,
    quarter_standings,
    top_of_quarter,
)
from models.experts import Expert, ExpertMonth, ExpertPeriod, month_ended, months_of, next_month_start
from models.outbox import Channel, enqueue
from models.refusals import Refused

TEMPLATE_VALUE_MAX = 20  # WeChat drops a template value over 20 characters


class NotReady(Refused):
    """The period cannot be evaluated yet; the phrase says why (models/refusals.py)."""


def params_of(settings: ExpertSettings) -> Params:
    """The score's parameters from the settings."""
    return Params(settings.min_answers, settings.smoothing_m, settings.weight_answers,
                  settings.weight_rate, settings.top_n)


def month_figures(session: Session, month: str) -> list[Figures]:
    """Every expert's figures for the month."""
    rows = session.execute(select(ExpertMonth.expert_id, ExpertMonth.answers, ExpertMonth.interacted)
                           .where(ExpertMonth.month == month).order_by(ExpertMonth.expert_id))
    return [Figures(*row) for row in rows]


def is_done(session: Session, period: str) -> bool:
    """Whether the month was evaluated or the quarter chosen."""
    return session.scalar(select(ExpertPeriod.id).where(ExpertPeriod.period == period)) is not None


def latest_evaluated_month(session: Session, today: dt.date) -> str | None:
    """The newest evaluated month YYYY-MM that has ended by today, or None."""
    periods = session.scalars(select(ExpertPeriod.period).where(ExpertPeriod.period.not_like("%Q%")))
    return max((m for m in periods if month_ended(m, today)), default=None)


def check_importable(month: str, today: dt.date, partial: bool) -> None:
    """Raise NotReady for a month that has not begun, or is running and not imported as partial."""
    current = f"{today:%Y-%m}"
    if month > current:
        raise NotReady("experts.cli.month_future", month=month, today=today.isoformat())
    if month == current and not partial:
        raise NotReady("experts.cli.month_running", month=month, end=next_month_start(month).isoformat())


def check_evaluable(session: Session, month: str, now: dt.datetime) -> None:
    """Raise NotReady unless the month has ended and its figures were imported after its end."""
    end = next_month_start(month)
    if not month_ended(month, now.date()):
        raise NotReady("experts.cli.evaluate_open", month=month, end=end.isoformat())
    if not month_figures(session, month):
        raise NotReady("experts.cli.no_figures", month=month)
    ended_at = dt.datetime.combine(end, dt.time(), tzinfo=now.tzinfo)
    early = session.scalar(select(ExpertMonth.id).where(ExpertMonth.month == month,
                                                        ExpertMonth.imported_at < ended_at).limit(1))
    if early is not None:
        raise NotReady("experts.cli.evaluate_partial", month=month)


def _mark_done(session: Session, period: str, now: dt.datetime) -> None:
    """Record the period once."""
    if not is_done(session, period):
        session.add(ExpertPeriod(period=period, done_at=now))
        session.flush()


def openids_of_experts(session: Session, ids: list[int]) -> dict[int, str]:
    """The bound followers' openids of these experts."""
    rows = session.execute(select(Expert.id, User.openid).join(User, User.id == Expert.user_id)
                           .where(Expert.id.in_(ids)))
    return {expert_id: openid for expert_id, openid in rows}


def evaluate(session: Session, month: str, settings: ExpertSettings, now: dt.datetime) -> int:
    """Evaluate the month and queue each bound expert's result; return how many were queued."""
    check_evaluable(session, month, now)
    figures = month_figures(session, month)
    _mark_done(session, month, now)
    results = evaluate_month(figures, params_of(settings))
    openids = openids_of_experts(session, [r.expert_id for r in results])
    queued = 0
    for r in results:
        if r.expert_id in openids:
            queued += _queue(session, f"expert.month:{month}:e{r.expert_id}", "expert_month",
                             openids[r.expert_id], settings.month_template, _month_data(month, r), now)
    return queued


def _month_data(month: str, r: MonthResult) -> dict[str, str]:
    """The monthly result's template values."""
    result = (t("experts.tpl.ranked", score=score_text(r.score), rank=r.rank, of=r.ranked)
              if r.eligible else t("experts.tpl.unranked", answers=r.answers))
    return {"thing1": clip(t("experts.tpl.month", month=month_label(month))),
            "thing2": clip(result), "thing3": clip(t("experts.tpl.more"))}


def _queue(session: Session, key: str, purpose: str, openid: str, template: str,
           data: dict[str, str], now: dt.datetime) -> int:
    """Queue one template message; 1 when new, 0 when its key was queued before."""
    row = enqueue(session, key=key, purpose=purpose, openid=openid, channel=Channel.TEMPLATE,
                  payload={"template": template, "data": data, "url": ""}, now=now)
    return 0 if row is None else 1


def record_no_figures(session: Session, month: str, now: dt.datetime) -> None:
    """Record an ended month without figures as evaluated (nothing to rank), so its quarter can close."""
    if not month_ended(month, now.date()):
        raise NotReady("experts.cli.evaluate_open", month=month, end=next_month_start(month).isoformat())
    if month_figures(session, month):
        raise NotReady("experts.cli.has_figures", month=month)
    _mark_done(session, month, now)


def quarter_so_far(session: Session, quarter: str, params: Params,
                   today: dt.date) -> tuple[list[str], list[QuarterStanding]]:
    """The quarter's evaluated months that have ended by today, and the standings over them."""
    months = [m for m in months_of(quarter) if month_ended(m, today) and is_done(session, m)]
    return months, quarter_standings([month_figures(session, m) for m in months], params)


def check_quarter_ready(session: Session, quarter: str, today: dt.date) -> None:
    """Raise NotReady, naming each month still open, unless the quarter ended and all were evaluated."""
    months = months_of(quarter)
    if not month_ended(months[-1], today):
        raise NotReady("experts.cli.quarter_open", quarter=quarter)
    pending = tuple(Phrase("experts.cli.month_imported" if month_figures(session, m) else "experts.cli.month_missing",
                           {"month": m}) for m in months if not is_done(session, m))
    if pending:
        raise NotReady("experts.cli.quarter_pending", quarter=quarter, months=pending)


def select_quarter(session: Session, quarter: str, settings: ExpertSettings, admins: list[str],
                   now: dt.datetime) -> tuple[list[QuarterStanding], int]:
    """Choose the quarter's top experts and tell them and the platform admins; (top, queued)."""
    check_quarter_ready(session, quarter, now.date())
    _mark_done(session, quarter, now)
    _, standings = quarter_so_far(session, quarter, params_of(settings), now.date())
    top = top_of_quarter(standings, settings.top_n)
    openids = openids_of_experts(session, [s.expert_id for s in top])
    label = clip(t("experts.tpl.quarter", quarter=quarter_label(quarter)))
    queued = sum(_queue(session, f"expert.quarter:{quarter}:e{s.expert_id}", "expert_quarter",
                        openids[s.expert_id], settings.quarter_template,
                        {"thing1": label, "thing2": clip(t("experts.tpl.winner", place=s.place,
                                                             score=score_text(s.score)))}, now)
                 for s in top if s.expert_id in openids)
    names = clip("、".join(names_of(session, [s.expert_id for s in top]).values()))
    queued += sum(_queue(session, f"expert.quarter:{quarter}:a:{openid}"[:64], "expert_quarter",
                         openid, settings.quarter_template,
                         {"thing1": label, "thing2": names or "-"}, now) for openid in admins)
    return top, queued


def names_of(session: Session, ids: list[int]) -> dict[int, str]:
    """Experts' names by id, in the given order."""
    names = {i: name for i, name in session.execute(select(Expert.id, Expert.name)
                                                    .where(Expert.id.in_(ids)))}
    return {i: names[i] for i in ids if i in names}


def score_text(score: Fraction) -> str:
    """A score for reading: one decimal."""
    return f"{float(score):.1f}"


def clip(text: str) -> str:
    """Shorten a template value to WeChat's limit."""
    return text if len(text) <= TEMPLATE_VALUE_MAX else text[: TEMPLATE_VALUE_MAX - 1] + "…"


def month_label(month: str) -> str:
    """2017-11 -> 2017年11月."""
    year, mon = month.split("-")
    return t("experts.month_label", year=year, month=int(mon))


def quarter_label(quarter: str) -> str:
    """2017-Q4 -> 2017年第4季度."""
    year, q = quarter.split("-Q")
    return t("experts.quarter_label", year=year, quarter=q)
