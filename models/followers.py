"""The account's followers as WeChat lists them: a resumable sync pass, written in bulk."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Insert, String, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.accounts import User
from models.base import Base

CHUNK = 1000  # openids per IN (...) list: well under SQLite's limit on bound parameters
QR_SCENE = "ADD_SCENE_QR_CODE"  # WeChat's subscribe_scene for a follow by a parametric QR code
SYNCED = ("subscribed", "subscribed_at", "unsubscribed_at", "subscribe_scene", "qr_scene_str")


class FollowerSync(Base):
    """One pass over WeChat's follower list; the cursor lets an interrupted pass resume."""

    __tablename__ = "follower_syncs"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    next_openid: Mapped[str] = mapped_column(String(64), default="")  # "" = from the start
    pages: Mapped[int] = mapped_column(default=0)
    listed: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unfollowed: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)  # followers WeChat says the account has


@dataclasses.dataclass(frozen=True)
class Listed:
    """A follower as WeChat describes them (follow time None when WeChat gives none)."""

    openid: str
    subscribed_at: dt.datetime | None
    subscribe_scene: str
    qr_scene_str: str


def open_sync(session: Session, now: dt.datetime, restart: bool = False) -> FollowerSync:
    """The unfinished pass to resume, or a new one (restart abandons an unfinished pass)."""
    run = session.scalar(select(FollowerSync).where(FollowerSync.finished_at.is_(None))
                         .order_by(FollowerSync.id.desc()).limit(1))
    if run is not None and restart:
        run.finished_at = now  # abandoned: it marks no one as unfollowed
        run = None
    if run is None:
        run = FollowerSync(started_at=now, next_openid="", pages=0, listed=0, created=0,
                           updated=0, unfollowed=0, total=0)
        session.add(run)
        session.flush()
    return run


def record_page(session: Session, run_id: int, followers: Sequence[Listed],
                next_openid: str, total: int) -> FollowerSync:
    """Write one page of followers in bulk and move the pass's cursor past it."""
    run = session.get_one(FollowerSync, run_id, with_for_update=True)
    known = _known(session, [f.openid for f in followers])
    fresh = [_values(f, run_id) for f in followers if f.openid not in known]
    if fresh:
        # Core, not the ORM: the ORM splits a bulk insert wherever the rows' None columns change.
        session.connection().execute(_insert_new(session), fresh)
    changes = [{"id": known[f.openid]["id"], **_values(f, run_id)}
               for f in followers if f.openid in known]
    if changes:
        session.execute(update(User), changes)
    run.updated += sum(1 for f in followers if f.openid in known and _differs(known[f.openid], f))
    run.created += len(fresh)
    run.listed += len(followers)
    run.pages += 1
    run.next_openid, run.total = next_openid, total
    return run


def finish_sync(session: Session, run_id: int, now: dt.datetime) -> FollowerSync:
    """End a complete pass: followers it did not list, and not seen since it began, unfollowed."""
    run = session.get_one(FollowerSync, run_id, with_for_update=True)
    began = run.started_at
    result = session.execute(
        update(User)
        .where(User.subscribed.is_(True),
               or_(User.listed_in_sync.is_(None), User.listed_in_sync != run_id),
               User.created_at < began,
               or_(User.subscribed_at.is_(None), User.subscribed_at < began),
               or_(User.last_message_at.is_(None), User.last_message_at < began))
        .values(subscribed=False, unsubscribed_at=now)
        .execution_options(synchronize_session=False))
    run.unfollowed = int(getattr(result, "rowcount", 0) or 0)
    run.finished_at = now
    return run


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    """Slices of at most CHUNK items."""
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _known(session: Session, openids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The rows already recorded for these openids, by openid, with the synced columns."""
    columns = [User.id, User.openid, *(getattr(User, name) for name in SYNCED)]
    rows: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(openids):
        for row in session.execute(select(*columns).where(User.openid.in_(chunk))):
            rows[row.openid] = row._asdict()
    return rows


def _values(follower: Listed, run_id: int) -> dict[str, Any]:
    """The columns a listed follower gets."""
    return {"openid": follower.openid, "subscribed": True,
            "subscribed_at": follower.subscribed_at, "unsubscribed_at": None,
            "subscribe_scene": follower.subscribe_scene or None,
            "qr_scene_str": follower.qr_scene_str or None, "listed_in_sync": run_id}


def _differs(row: dict[str, Any], follower: Listed) -> bool:
    """Whether the sync changes anything a person would see in this follower's row."""
    wanted = _values(follower, 0)
    return any(row[name] != wanted[name] for name in SYNCED)


def _insert_new(session: Session) -> Insert:
    """INSERT that skips an openid the webhook recorded a moment ago (on both dialects)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(User).on_conflict_do_nothing(index_elements=["openid"])
    if dialect == "sqlite":
        return sqlite.insert(User).on_conflict_do_nothing(index_elements=["openid"])
    raise RuntimeError(f"followers sync does not support the {dialect} dialect")
