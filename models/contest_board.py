"""The leaderboard cache: a Redis sorted set per round, exact or rebuilt from SQL.

The source is the entries' valid-vote counters. The cache carries the round's version, its
generation, bumped under the round's row lock by every void and the close (the only changes that
lower a count). Within a generation an entry's count only grows, so every write keeps the higher
count of each entry: the cache never goes back, whatever the order the writes arrive in. A
reader reads the cache first, then SQL's generation and total: every cached count comes from a
commit before that read, so it is at most SQL's, and equal totals mean every count is equal.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store import Store, StoreUnavailable
from models.contest_rounds import Entry, Round, RoundState

RAISE = """
local v = redis.call('GET', KEYS[2])
if not v or tonumber(v) ~= tonumber(ARGV[1]) then return 0 end
local old = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[2]) or '-1')
if old < tonumber(ARGV[3]) then redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2]) end
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""

REPLACE = """
local v = redis.call('GET', KEYS[2])
if v and tonumber(v) > tonumber(ARGV[1]) then return 0 end
local same = v and tonumber(v) == tonumber(ARGV[1])
if not same then redis.call('DEL', KEYS[1]) end
for i = 3, #ARGV, 2 do
  local old = tonumber(same and redis.call('ZSCORE', KEYS[1], ARGV[i]) or '-1')
  if old < tonumber(ARGV[i + 1]) then redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i]) end
end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""

READ = """
return {redis.call('GET', KEYS[2]), redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')}
"""


def _keys(store: Store, month: str) -> list[str]:
    return [store.key("contest", "board", month), store.key("contest", "board", month, "v")]


def add_vote(store: Store, month: str, number: int, votes: int, version: int, ttl: int) -> bool:
    """After a vote commits: raise the entry's cached count to `votes` if the cache is at the
    vote's generation (else a reader rebuilds it); False when it was not."""
    return bool(store.script(RAISE, _keys(store, month), [version, number, votes, ttl]))


def write(store: Store, month: str, version: int, counts: dict[int, int], ttl: int) -> bool:
    """Merge a SQL snapshot into the cache (replace it when of a newer generation); False when
    the cache is of a newer generation already."""
    args: list[object] = [version, ttl]
    for number, votes in sorted(counts.items()):
        args += [number, votes]
    return bool(store.script(REPLACE, _keys(store, month), args))


def read(store: Store, month: str) -> tuple[int | None, dict[int, int]]:
    """The cached version and counts by entry number (None when the cache is empty)."""
    version, flat = store.script(READ, _keys(store, month), [])
    counts = {int(flat[i]): int(float(flat[i + 1])) for i in range(0, len(flat), 2)}
    return (None if version is None else int(version)), counts


def snapshot(session: Session, round_id: int) -> tuple[int, dict[int, int]]:
    """The round's version and valid votes by entry number, read in one statement."""
    stmt = (select(Round.version, Entry.number, Entry.valid_votes)
            .outerjoin(Entry, Entry.round_id == Round.id).where(Round.id == round_id))
    rows = session.execute(stmt).all()
    return rows[0][0], {n: v for _, n, v in rows if n is not None}


def rebuild(store: Store, session: Session, row: Round, ttl: int) -> dict[int, int]:
    """Recount from SQL and refresh the cache; returns the counts by entry number."""
    version, by_number = snapshot(session, row.id)
    write(store, row.month, version, by_number, ttl)
    return by_number


def counts(store: Store, session: Session, row: Round, ttl: int) -> dict[int, int]:
    """Valid votes by entry number: from the cache when it is current, else rebuilt from SQL."""
    try:
        version, cached = read(store, row.month)  # the cache first: see the module's docstring
    except StoreUnavailable:
        return snapshot(session, row.id)[1]  # Redis down: SQL is the truth anyway
    stmt = (select(Round.version, func.coalesce(func.sum(Entry.valid_votes), 0))
            .outerjoin(Entry, Entry.round_id == Round.id).where(Round.id == row.id).group_by(Round.version))
    current, total = session.execute(stmt).one()
    if version == current and sum(cached.values()) == total:
        return cached
    try:
        return rebuild(store, session, row, ttl)
    except StoreUnavailable:
        return snapshot(session, row.id)[1]


def refresh_all(store: Store, session: Session, ttl: int) -> list[str]:
    """Rebuild the caches of every round being voted on (the scheduler's job)."""
    rows = session.scalars(select(Round).where(Round.state == RoundState.VOTING)).all()
    for row in rows:
        rebuild(store, session, row, ttl)
    return [row.month for row in rows]
