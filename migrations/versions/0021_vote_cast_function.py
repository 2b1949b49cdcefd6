"""the vote is cast by one function of the database

On PostgreSQL `投票 N` was one statement of 19 common table expressions, every one of them set
up and torn down on each execution; contest_cast_vote() takes the same steps as statements
whose plans PL/pgSQL keeps for the connection, and stops at the first refusal. It costs the
server about a third less CPU per vote (docs/performance.md). A quota rule that refuses the vote
after its counters were raised fails the call with SQLSTATE YV001, so that nothing of it is
kept; the error's DETAIL carries what the voter had used, to word the refusal. SQLite casts a
vote step by step in a transaction and needs nothing.

contest_vote_refused() of migration 0020 is kept: workers of the previous release, still serving
while the schema is upgraded, call it in their statement until they restart.

Revision ID: 0021
Revises: 0020
"""
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

# Each statement takes its own snapshot (READ COMMITTED, a VOLATILE function), so what follows
# the contest's lock reads every close or void that committed before it was granted.
CAST_VOTE = """
CREATE OR REPLACE FUNCTION contest_cast_vote(
  p_lock bigint, p_user_id integer, p_subscribed boolean, p_openid text, p_now timestamp,
  p_touch_before timestamp, p_month text, p_number integer, p_follower boolean, p_day date,
  p_per_day integer, p_per_entry_day integer, p_per_round integer, p_rate_since timestamp)
RETURNS json LANGUAGE plpgsql VOLATILE AS $$
-- Returns [round id, month, state, opens, closes, entry id, number, name, blacklisted, the
-- voter's votes today, vote id, the entry's votes, the round's entries (when the number is
-- none of them), the other entries' votes, a dialog is open]; each step that refuses the vote
-- leaves the block, and what it did not reach stays NULL.
DECLARE
  uid integer := p_user_id;
  r_id integer; r_month text; r_state text; r_opens timestamp; r_closes timestamp;
  e_id integer; e_number integer; e_name text;
  listed boolean; dialog_open boolean := false; n_entries bigint; others integer[];
  v_today integer; v_prev timestamp; e_today integer; e_total integer;
  vote_id integer; votes integer;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(p_lock);
  <<steps>>
  BEGIN
    IF uid IS NULL THEN
      -- the sender, unknown to the caller: with a dialog open the message is the dialog's
      dialog_open := EXISTS (SELECT 1 FROM dialog_drafts WHERE openid = p_openid);
      EXIT steps WHEN dialog_open;
      -- waits for another message recording them at the same moment, then finds them below
      INSERT INTO users (openid, subscribed, last_message_at, created_at)
        VALUES (p_openid, p_subscribed, p_now, p_now)
        ON CONFLICT (openid) DO NOTHING RETURNING id INTO uid;
      IF uid IS NULL THEN
        UPDATE users AS w SET subscribed = w.subscribed OR p_subscribed,
          subscribed_at = CASE WHEN w.subscribed OR NOT p_subscribed THEN w.subscribed_at END,
          unsubscribed_at = CASE WHEN w.subscribed OR NOT p_subscribed THEN w.unsubscribed_at END,
          last_message_at = CASE WHEN w.last_message_at IS NULL OR w.last_message_at <= p_touch_before
                                   OR w.last_message_at > p_now THEN p_now ELSE w.last_message_at END
        WHERE w.openid = p_openid
          AND ((p_subscribed AND NOT w.subscribed) OR w.last_message_at IS NULL
               OR w.last_message_at <= p_touch_before OR w.last_message_at > p_now)
        RETURNING w.id INTO uid;
      END IF;
      IF uid IS NULL THEN
        SELECT id INTO STRICT uid FROM users WHERE openid = p_openid;
      END IF;
    END IF;
    SELECT id, month, state, opens_at, closes_at INTO r_id, r_month, r_state, r_opens, r_closes
      FROM contest_rounds WHERE month <= p_month AND state <> 'shortlisting' ORDER BY month DESC LIMIT 1;
    -- no round, or one not open (a round without its window, NULL, is not open either)
    EXIT steps WHEN NOT COALESCE(r_state = 'voting' AND p_now >= r_opens AND p_now < r_closes, false);
    SELECT id, number, name INTO e_id, e_number, e_name
      FROM contest_entries WHERE round_id = r_id AND number = p_number;
    IF e_id IS NULL THEN
      n_entries := (SELECT count(*) FROM contest_entries WHERE round_id = r_id);
      EXIT steps;
    END IF;
    listed := EXISTS (SELECT 1 FROM contest_blacklist WHERE openid = p_openid);
    EXIT steps WHEN listed OR NOT p_follower;
    -- the upserts' row locks serialise one voter's votes; their counts are read under them
    INSERT INTO contest_voter_quota AS q (user_id, day, today, last_at, prev_at)
      VALUES (uid, p_day, 1, p_now, NULL)
      ON CONFLICT (user_id) DO UPDATE SET
        today = CASE WHEN q.day = excluded.day THEN q.today + 1 ELSE 1 END, day = excluded.day,
        prev_at = q.last_at, last_at = GREATEST(q.last_at, excluded.last_at)
      RETURNING q.today, q.prev_at INTO v_today, v_prev;
    INSERT INTO contest_entry_quota AS q (user_id, entry_id, day, today, total)
      VALUES (uid, e_id, p_day, 1, 1)
      ON CONFLICT (user_id, entry_id) DO UPDATE SET
        today = CASE WHEN q.day = excluded.day THEN q.today + 1 ELSE 1 END, day = excluded.day,
        total = q.total + 1
      RETURNING q.today, q.total INTO e_today, e_total;
    IF v_today <= p_per_day AND e_today <= p_per_entry_day AND (p_per_round = 0 OR e_total <= p_per_round)
       AND (v_prev IS NULL OR v_prev <= p_rate_since) THEN
      INSERT INTO contest_votes (round_id, entry_id, user_id, openid, cast_at, day, status)
        VALUES (r_id, e_id, uid, p_openid, p_now, p_day, 'valid') RETURNING id INTO vote_id;
      -- last, so the entry's row (which all its voters share) is locked for the shortest time;
      -- the close writes a final count on every entry, which a vote that got in before it never
      -- raises
      UPDATE contest_entries SET valid_votes = valid_votes + 1
        WHERE id = e_id AND final_votes IS NULL RETURNING valid_votes INTO votes;
    END IF;
    IF votes IS NULL THEN  -- a quota rule said no, or the round ended: undo the counters too
      RAISE EXCEPTION 'contest vote refused by a quota rule or the end of the round' USING ERRCODE = 'YV001',
        DETAIL = json_build_array(r_month, v_today - 1, e_today - 1, e_total - 1, v_prev)::text;
    END IF;
    others := ARRAY(SELECT valid_votes FROM contest_entries WHERE round_id = r_id AND id <> e_id);
  END steps;
  RETURN json_build_array(r_id, r_month, r_state, r_opens, r_closes, e_id, e_number, e_name, listed,
                          v_today, vote_id, votes, n_entries, others, dialog_open);
END $$
"""


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CAST_VOTE)


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS contest_cast_vote(bigint, integer, boolean, text, timestamp, "
                   "timestamp, text, integer, boolean, date, integer, integer, integer, timestamp)")
