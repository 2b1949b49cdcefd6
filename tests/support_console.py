"""Plain helpers for the console tests: accounts, logging in, CSRF tokens, votes at set times."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.console.security import hash_password
from bot.services import Services
from models.console import ConsoleRole, add_user
from models.contest_fraud import recount
from models.contest_rounds import Entry, Round
from models.contest_votes import Vote, VoteStatus
from models.outbox import OutboxMessage
from tests.support import create_user

ADMIN, VIEWER, PASSWORD = "boss", "watcher", "correct-horse-42"
TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def create_accounts(services: Services) -> None:
    """One admin and one viewer, both with PASSWORD."""
    with services.db.session() as s:
        add_user(s, ADMIN, hash_password(PASSWORD), ConsoleRole.ADMIN, services.now())
        add_user(s, VIEWER, hash_password(PASSWORD), ConsoleRole.VIEWER, services.now())


def token(client: Any) -> str:
    """A CSRF token of the client's session, read from the login form."""
    page = client.get("/admin/login").get_data(as_text=True)
    found = TOKEN_RE.search(page)
    assert found, "no csrf_token on the login page"
    return found.group(1) or found.group(2)


def login(client: Any, username: str = ADMIN, password: str = PASSWORD, **environ: Any) -> Any:
    """Post the login form with a valid CSRF token; returns the response."""
    return client.post("/admin/login", data={"username": username, "password": password,
                                             "csrf_token": token(client)},
                       environ_base=environ)


def post(client: Any, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """A console form post carrying the session's CSRF token."""
    return client.post(path, data={"csrf_token": token(client), **(data or {})}, **kwargs)


def cast(session: Session, row: Round, number: int, openid: str, when: dt.datetime) -> None:
    """One valid vote at a set time (the chart and void tests need votes in chosen hours)."""
    entry = session.scalar(select(Entry).where(Entry.round_id == row.id, Entry.number == number))
    assert entry is not None
    user = create_user(session, openid)
    session.add(Vote(round_id=row.id, entry_id=entry.id, user_id=user.id, openid=openid, cast_at=when,
                     day=when.date(), status=VoteStatus.VALID))
    session.flush()
    recount(session, row.id)


def outbox_count(services: Services, purpose: str) -> int:
    """Messages of one purpose in the outbox."""
    with services.db.session() as s:
        return s.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.purpose == purpose)) or 0
