"""Plain helpers for the expert alliance's tests."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core.settings import Settings
from models.expert_eval import evaluate
from models.experts import Expert, ExpertMonth, add_expert, bind_expert, expert_by_name
from tests.support import create_user


def create_expert(session: Session, name: str, field: str = "法律", openid: str | None = None,
                  platform_id: str | None = None) -> Expert:
    """An expert, bound to a follower when openid is given."""
    expert = expert_by_name(session, name) or add_expert(session, name, field, platform_id)
    if openid:
        bind_expert(session, create_user(session, openid), expert.id)
    return expert


def create_month(session: Session, month: str, figures: dict[str, tuple[int, int]]) -> None:
    """Figures (answers, interacted) for experts by name, created (法律) when missing."""
    for name, (answers, interacted) in figures.items():
        expert = create_expert(session, name)
        session.add(ExpertMonth(expert_id=expert.id, month=month, answers=answers,
                                interacted=interacted))
    session.flush()


def create_evaluated_month(session: Session, settings: Settings, month: str,
                           figures: dict[str, tuple[int, int]], now: dt.datetime) -> int:
    """Import and evaluate a month; return how many notifications were queued."""
    create_month(session, month, figures)
    return evaluate(session, month, settings.experts, now)
