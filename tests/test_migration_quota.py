"""Migration 0018: the quota counters start from the votes already cast (valid or void)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from bot.db import alembic_config

VOTES = [  # (user, entry, day, cast_at, status)
    (1, 1, "2017-11-05", "2017-11-05 02:00:00", "valid"),
    (1, 2, "2017-11-05", "2017-11-05 03:00:00", "void"),
    (1, 1, "2017-11-06", "2017-11-06 02:00:00", "valid"),
    (2, 1, "2017-11-05", "2017-11-05 04:00:00", "valid"),
]


def test_the_counters_start_from_the_votes_cast(tmp_path: Path) -> None:
    """Each voter's latest day and its votes, each voter's votes per entry that day and in all."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    command.upgrade(alembic_config(url), "0009")
    engine = create_engine(url)
    with engine.begin() as conn:
        for i, (user, entry, day, cast_at, status) in enumerate(VOTES, start=1):
            conn.execute(text("INSERT INTO contest_votes (id, round_id, entry_id, user_id, openid, cast_at, day, "
                              "status) VALUES (:i, 1, :e, :u, :o, :c, :d, :s)"),
                         {"i": i, "e": entry, "u": user, "o": f"o_{user}", "c": cast_at, "d": day, "s": status})
    config = alembic_config(url)
    config.attributes["connection"] = engine  # orphan rows: a plain engine leaves SQLite's foreign keys off
    command.upgrade(config, "0018")
    with engine.connect() as conn:
        voters = conn.execute(text("SELECT user_id, day, today, last_at FROM contest_voter_quota "
                                   "ORDER BY user_id")).all()
        entries = conn.execute(text("SELECT user_id, entry_id, day, today, total FROM contest_entry_quota "
                                    "ORDER BY user_id, entry_id")).all()
    engine.dispose()
    assert [tuple(map(str, v)) for v in voters] == [
        ("1", "2017-11-06", "1", "2017-11-06 02:00:00"), ("2", "2017-11-05", "1", "2017-11-05 04:00:00")]
    assert [tuple(map(str, e)) for e in entries] == [
        ("1", "1", "2017-11-06", "1", "2"), ("1", "2", "2017-11-05", "1", "1"), ("2", "1", "2017-11-05", "1", "1")]
