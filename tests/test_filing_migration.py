"""Migration 0012: decisions made before the review history existed become its first entries."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from bot.db import alembic_config

ROWS = [
    "INSERT INTO organisations (id, name, town, kind, created_at) VALUES (1, '石龙团委', '石龙', 'town', '2017-11-01 "
    "00:00:00')",
    "INSERT INTO users (id, openid, subscribed, created_at) VALUES (1, 'o_admin', 1, '2017-11-01 00:00:00')",
    "INSERT INTO filings (id, org_id, filed_by, filed_at, draft_token) VALUES (1, 1, 1, '2017-11-12 01:00:00', 't')",
]
ITEM = ("INSERT INTO filing_items (id, filing_id, seq, town, name, time_text, starts_on, ends_on, location, "
        "scale, activity_type, description, intentions, review_state, review_reason, reviewed_by, reviewed_at) "
        "VALUES ({id}, 1, {id}, '石龙', '活动', '2017-11-20', '2017-11-20', '2017-11-20', '石龙', 100, "
        "'offline', '简介简介简介', '[\"goods\"]', '{state}', {reason}, {by}, {at})")


def test_old_decisions_become_history(tmp_path: Path) -> None:
    """Approved and rejected items get one history row each; pending ones none; downgrade works."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = alembic_config(url)
    before = ScriptDirectory.from_config(cfg).get_revision("0012").down_revision
    command.upgrade(cfg, str(before))
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for row in ROWS:
            conn.execute(sa.text(row))
        conn.execute(sa.text(ITEM.format(id=1, state="approved", reason="NULL", by="'o_city'",
                                         at="'2017-11-13 01:00:00'")))
        conn.execute(sa.text(ITEM.format(id=2, state="rejected", reason="'规模太小'", by="'cli'",
                                         at="'2017-11-14 01:00:00'")))
        conn.execute(sa.text(ITEM.format(id=3, state="pending", reason="NULL", by="NULL", at="NULL")))
    command.upgrade(cfg, "0012")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT item_id, decision, comment, reviewer, changed "
                                    "FROM filing_reviews ORDER BY item_id")).all()
        scales = conn.execute(sa.text("SELECT scale_low, actual_interactions FROM filing_items")).all()
    assert [tuple(r) for r in rows] == [(1, "approved", None, "o_city", 0), (2, "rejected", "规模太小", "cli", 0)]
    assert [tuple(r) for r in scales] == [(None, None)] * 3
    command.downgrade(cfg, str(before))
    assert "filing_reviews" not in sa.inspect(engine).get_table_names()
    engine.dispose()
