"""SQLAlchemy models and the domain rules that live beside them (no Flask imports)."""
from models import (  # noqa: F401 - register the tables  # noqa: F401  # noqa: F401
    accounts,
    activities,
    console,
    contest_fraud,
    contest_rounds,
    contest_votes,
    corrections,
    dialogs,
    experts,
    filing,
    followers,
    inbox,
    jobs,
    orgs,
    outbox,
    push_marks,
    subscriptions,
    supervision,
)
from models.base import Base

__all__ = ["Base"]
