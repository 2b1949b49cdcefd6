"""The leaderboard cache: a Redis sorted set per round, exact or rebuilt from SQL.

The cache carries the round's version (bumped under the round's row lock by every vote, void and
close). A vote adds itself only when the cache is at the version just before its own, so the cache
is either exactly the SQL count at its version or it is rebuilt: a reader compares versions.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store import Store, StoreUnavailable
from models.contest_rank import Tally, tally
from models.contest_rounds import Round, RoundState

INCR = """
local v = redis.call('GET', KEYS[2])
if v and tonumber(v) == tonumber(ARGV[1]) - 1 then
  redis.call('ZINCRBY', KEYS[1], 1, ARGV[2])
  redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0
"""

REPLACE = """
local v = redis.call('GET', KEYS[2])
if v and tonumber(v) >= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i]) end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""

READ = """
return {redis.call('GET', KEYS[2]), redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')}
"""


def _keys(store: Store, month: str) -> list[str]:
    return [store.key("contest", "board", month), store.key("contest", "board", month, "v")]


def add_vote(store: Store, month: str, number: int, version: int, ttl: int) -> bool:
    """After a vote commits: count it in the cache if the cache is at the previous version."""
    return bool(store.eval(INCR, _keys(store, month), [version, number, ttl]))


def write(store: Store, month: str, version: int, counts: dict[int, int], ttl: int) -> bool:
    """Replace the cache with a SQL snapshot unless the cache is already newer."""
    args: list[object] = [version, ttl]
    for number, votes in sorted(counts.items()):
        args += [number, votes]
    return bool(store.eval(REPLACE, _keys(store, month), args))


def read(store: Store, month: str) -> tuple[int | None, dict[int, int]]:
    """The cached version and counts by entry number (None when the cache is empty)."""
    version, flat = store.eval(READ, _keys(store, month), [])
    counts = {int(flat[i]): int(float(flat[i + 1])) for i in range(0, len(flat), 2)}
    return (None if version is None else int(version)), counts


def rebuild(store: Store, session: Session, row: Round, ttl: int) -> dict[int, int]:
    """Recount from SQL and refresh the cache; returns the counts by entry number."""
    version, tallies = tally(session, row.id)
    counts = _counts(tallies)
    write(store, row.month, version, counts, ttl)
    return counts


def counts(store: Store, session: Session, row: Round, ttl: int) -> dict[int, int]:
    """Valid votes by entry number: from the cache when it is current, else rebuilt from SQL."""
    current = session.scalar(select(Round.version).where(Round.id == row.id))
    try:
        version, cached = read(store, row.month)
        if version == current:
            return cached
        return rebuild(store, session, row, ttl)
    except StoreUnavailable:
        return _counts(tally(session, row.id)[1])  # Redis down: SQL is the truth anyway


def refresh_all(store: Store, session: Session, ttl: int) -> list[str]:
    """Rebuild the caches of every round being voted on (the scheduler's job)."""
    rows = session.scalars(select(Round).where(Round.state == RoundState.VOTING)).all()
    for row in rows:
        rebuild(store, session, row, ttl)
    return [row.month for row in rows]


def _counts(tallies: list[Tally]) -> dict[int, int]:
    return {t.number: t.votes for t in tallies}
