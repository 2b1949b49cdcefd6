"""bench/compare: this checkout's vote against another revision's and peer C's, in one run.

    .venv/bin/python -m bench.compare REV [--rounds 6] [--seconds 8] [--connections 32]

A change to the vote path moves its throughput by less than this machine kind's phases do from
one run of bench/webhook to the next, so two runs of it cannot tell two revisions apart. Here
both bots serve at the same time, beside peer C, and their vote cases are loaded in turns: the
rounds go through the six orders of the three cases, so each case takes each place equally often.

REV (a commit, tag or branch of this repository; it must have bench/votes.py) is checked out
into a temporary git worktree and served from there by this interpreter under gunicorn (2 sync
workers), on a database of its own (`<bench database>_other`, migrated and given its round by
that revision's own code) and Redis db `--other-redis-url` (default 5). This checkout's bot
uses the bench's database and Redis db, as bench/webhook does. Each case is `投票 N` in safe mode
from followers never seen, as in bench/webhook. Prints, per case, each round's votes a second,
CPU per vote (the servers' own, PostgreSQL's and Redis's), p99, the means of the round-by-round
ratios, and whether each bot's valid votes in SQL equal the votes it confirmed.
"""
from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # `python bench/compare.py` as well as `python -m bench.compare`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from sqlalchemy.engine import make_url

from bench import loadgen, peers, stack, votes, webhook
from bench.webhook import Case

ORDERS = list(itertools.permutations(range(3)))  # this bot, peer C, the other bot


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    p = stack.arguments(__doc__)
    p.add_argument("revision", help="the revision to compare with (commit, tag or branch)")
    p.add_argument("--other-redis-url", default="redis://127.0.0.1:6379/5",
                   help="the other bot's Redis db (default db 5; never the bench's own)")
    p.add_argument("--seconds", type=float, default=8.0, help="length of each case (default 8)")
    p.add_argument("--rounds", type=int, default=6, help="rounds, through the six orders (default 6)")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--max-requests", type=int, default=30_000, help="bound per case and round")
    p.add_argument("--peer-python", help="interpreter for the peers (default: bench/.venv, made once)")
    args = p.parse_args(argv)
    if args.other_redis_url == args.redis_url:
        p.error("--other-redis-url must differ from --redis-url")
    return args


def other_database_url(bench_url: str) -> str:
    """The other revision's database, beside the bench's."""
    url = make_url(bench_url)
    return url.set(database=f"{url.database}_other").render_as_string(False)


def prepare_other(tree: Path, database_url: str, redis_url: str) -> None:
    """Migrate the other revision's database and open its round, with that revision's own code."""
    code = ("import sys; from bench import stack, votes; "
            "votes.prepare(stack.fresh_database(sys.argv[1])); stack.flush_redis(sys.argv[2])")
    subprocess.run([sys.executable, "-c", code, database_url, redis_url], cwd=tree, check=True)


def valid_votes(database_url: str) -> int:
    """Valid votes in a bot's database (read with SQL only: its models may not be ours)."""
    url = make_url(database_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM contest_votes WHERE status = 'valid'").fetchone()
    return int(row[0]) if row else 0


def vote_request(voting: votes.Voting) -> loadgen.MakeRequest:
    """`投票 N` from a follower never seen, in safe mode, from a pool signed beforehand."""
    return voting.request(True, "safe", webhook.POOL_AGE)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; exit 0 when both bots' votes in SQL equal their confirmations."""
    args = parse_args(argv)
    database = stack.fresh_backends(args)
    other_url = other_database_url(args.database_url)
    python = peers.python(args.peer_python)
    mine, other = votes.prepare(database), votes.Voting(database)  # `other` only makes requests
    for voting in (mine, other):
        voting.add_voters("warm", 5000)
        voting.add_voters("safe", args.max_requests * args.rounds)
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        tree = Path(tmp) / "other"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(tree), args.revision],
                       cwd=stack.PROJECT_ROOT, check=True)
        try:
            prepare_other(tree, other_url, args.other_redis_url)
            ok = run_all(args, Path(tmp), tree, other_url, mine, other, python)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=stack.PROJECT_ROOT,
                           check=False)
    database.dispose()
    return 0 if ok else 1


def run_all(args: argparse.Namespace, tmp: Path, tree: Path, other_url: str, mine: votes.Voting,
            other: votes.Voting, python: Path) -> bool:
    """Start the three servers, warm them, load the rounds, and report."""
    (tmp / "this").mkdir()
    (tmp / "that").mkdir()
    config = stack.write_config(tmp / "that", other_url, args.other_redis_url, votes.CONFIG)
    that = stack.Server(f"bot {args.revision}", sys.executable, "wsgi:app", tree,
                        {"YOUTHVOICE_CONFIG": str(config)}, tmp / "that" / "bot.log")
    try:
        that.wait_ready("/healthz")
        with stack.bot_server(tmp / "this", args.database_url, args.redis_url, extra=votes.CONFIG) as this, \
                peers.vote_server(tmp, python, args.database_url, args.redis_url) as peer_c:
            print(f"this bot on :{this.port}, {args.revision} on :{that.port}, peer C on :{peer_c.port}",
                  flush=True)
            confirmed = [webhook.warm(this, mine.request(True, "warm"), webhook.expect(True, mine.confirmation), 5000),
                         webhook.warm(peer_c, webhook.peer_votes("peer-warm"),
                                      webhook.expect(True, webhook.PEER_C_MARK), 5000),
                         webhook.warm(that, other.request(True, "warm"), webhook.expect(True, other.confirmation),
                                      5000)]
            cases = [Case("this vote", this, True, vote_request(mine), webhook.expect(True, mine.confirmation)),
                     Case("peer C vote", peer_c, True, webhook.peer_votes("peer-voter"),
                          webhook.expect(True, webhook.PEER_C_MARK)),
                     Case(f"{args.revision} vote", that, True, vote_request(other),
                          webhook.expect(True, other.confirmation))]
            for n in range(args.rounds):
                print(f"round {n + 1}/{args.rounds}", flush=True)
                for k in ORDERS[n % len(ORDERS)]:
                    webhook.measure(cases[k], args)
    finally:
        that.stop()
    return report(cases, confirmed, [mine.count(), peers.votes_stored(args.database_url), valid_votes(other_url)])


def report(cases: list[Case], warmed: list[int], counted: list[int]) -> bool:
    """Each case's figures, the three ratios, and the votes check; True when the votes agree."""
    print(f"\n{'case':<24}{'votes/s by round':<40}{'p99 ms':>8}{'CPU ms':>8}{'PG':>6}{'Redis':>7}")
    for c in cases:
        n = max(1, c.run.answered)
        rounds = " ".join(f"{r:.0f}" for r in c.rounds)
        print(f"{c.name:<24}{rounds:<40}{c.run.percentile(0.99) * 1000:>8.1f}{c.cpu / n * 1000:>8.2f}"
              f"{c.db_cpu / n * 1000:>6.2f}{c.redis_cpu / n * 1000:>7.2f}")
    this, peer_c, that = cases
    ratios = [webhook.mean_ratio(this, peer_c), webhook.mean_ratio(that, peer_c), webhook.mean_ratio(this, that)]
    print(f"\nmeans of the round-by-round ratios: this / peer C {ratios[0]:.3f}, "
          f"{that.name} / peer C {ratios[1]:.3f}, this / {that.name} {ratios[2]:.3f}")
    ok = True
    for case, warm_ok, stored in zip(cases, warmed, counted, strict=True):
        sent = case.run.labels["ok"] + warm_ok
        ok &= sent == stored
        print(f"{'PASS' if sent == stored else 'FAIL'}  {case.name}: votes in SQL == votes confirmed  "
              f"{stored} vs {sent}")
    bad = sum(c.run.errors + sum(v for k, v in c.run.labels.items() if k != "ok") for c in cases)
    print(f"{'PASS' if bad == 0 else 'FAIL'}  zero errors  {bad} bad answers")
    return ok and bad == 0


if __name__ == "__main__":
    sys.exit(main())
