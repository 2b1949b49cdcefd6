"""SQLAlchemy models and the domain rules that live beside them (no Flask imports)."""
from models import (  # noqa: F401 - register the tables
    accounts, experts, inbox, filing, jobs, orgs, outbox, push_marks, subscriptions, supervision,
)
from models import contest_fraud, contest_rounds, contest_votes  # noqa: F401
from models import followers  # noqa: F401
from models import activities, corrections  # noqa: F401
from models import dialogs  # noqa: F401
from models import console  # noqa: F401
from models.base import Base

__all__ = ["Base"]
