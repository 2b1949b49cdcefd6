"""Declarative base and shared column types."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar, TypeVar

from sqlalchemy import DateTime, MetaData
from sqlalchemy.engine import Dialect, Row
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes stored as naive UTC, so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        """Convert to naive UTC on the way in."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        """Return aware UTC on the way out."""
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Base of every table."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime}


_DRIVER_SQL: dict[tuple[int, str], str] = {}


LITERAL = re.compile(r"'(?:[^']|'')*'")  # a quoted literal, found left to right (so paired)


def run_driver_sql(session: Session, clause: TextClause, params: dict[str, Any]) -> Row[Any] | None:
    """Run a hot statement as the driver's SQL, compiled once per dialect: SQLAlchemy's
    statement path costs more than such a statement does on the server.

    The parameters must already be in the columns' stored forms (naive UTC datetimes), and the
    row comes back as the driver gives it (no result types applied).
    """
    conn = session.connection()
    key = (id(clause), conn.dialect.name)
    sql = _DRIVER_SQL.get(key)
    if sql is None:
        sql = _DRIVER_SQL[key] = driver_sql(clause, conn.dialect)
    return conn.exec_driver_sql(sql, params).first()


def driver_sql(clause: TextClause, dialect: Dialect) -> str:
    """The statement as the driver gets it, its whitespace collapsed: psycopg keeps the parsed
    form of a statement only up to 4096 bytes and parses a longer one again on every execution
    (tests/test_budgets.py holds them under). A quoted literal with whitespace would change, so
    such a statement is refused rather than altered."""
    sql = str(clause.compile(dialect=dialect))
    if any(any(c.isspace() for c in m.group()) for m in LITERAL.finditer(sql)):
        raise ValueError("driver_sql: a quoted literal holds whitespace; pass it as a parameter")
    return " ".join(sql.split())


M = TypeVar("M")
KEY_MAX = 2**31 - 1  # the largest id or number a column holds (PostgreSQL's integer)


def is_key(number: int) -> bool:
    """Whether a number typed in chat can be an id or a number at all: a longer one finds nothing,
    and must not reach the driver (SQLite overflows past 2**63, PostgreSQL past its integer)."""
    return 0 <= number <= KEY_MAX


def get_by_key(session: Session, model: type[M], key: int, **options: Any) -> M | None:
    """`session.get` for a number someone typed: None for one no column holds, as for any other
    number that is no row's, rather than the driver's overflow."""
    return session.get(model, key, **options) if is_key(key) else None


def stored_utc(value: dt.datetime) -> dt.datetime:
    """Naive UTC, as the tables store an aware datetime (see UTCDateTime)."""
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def json_utc(value: str | None) -> dt.datetime | None:
    """An aware UTC datetime from a stored one that PostgreSQL's JSON functions gave as ISO text."""
    return None if value is None else dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def tidy_name(text: str, limit: int) -> str | None:
    """A name as stored: trimmed of spaces of either width; None if blank, too long or with controls."""
    name = text.strip()
    if not name or len(name) > limit or any(ch < " " or ch == "\x7f" for ch in name):
        return None
    return name
