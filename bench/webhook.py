"""bench/webhook: the bot against the reference peers of ../shared/peers/, interleaved, over loopback.

    .venv/bin/python -m bench.webhook [--seconds 8] [--rounds 4] [--connections 32]

Every server runs under gunicorn with 2 sync workers: the bot on PostgreSQL and Redis (its own
database and Redis db number, emptied first), peer B (`wechatpy_app.py`, the echo) and peer C
(`careful_vote_app.py`, the careful vote bot, safe mode, on a fresh database of its own). Each
round loads every case in turn, the next round in the reverse order (A B, B A); each bot case is
compared with its peer's case of the same round, and the marks take the mean of those ratios
(4 rounds of 8 s by default: this machine kind has slow phases of several seconds, and with 2
rounds one of them could decide the run). Requests are signed before a case starts (a pool,
timestamped 120 s in the past so that a replayed pool never looks like requests that queued
past WeChat's deadline), and the answers are read (decrypted in safe mode) after it ends, so
the load generator's crypto does not run during the measurement. Prints requests/s, p50, p99,
server CPU per request, the ratios and PASS/FAIL for each mark of the issue. With
--service-times it also prints how long each case's requests took inside the workers
(bench/service_times.py): the time the app costs, without the wait for a free worker. See
docs/performance.md.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # `python bench/webhook.py` as well as `python -m bench.webhook`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadgen, peers, service_times, stack, votes, wire
from bot.db import Database

HELP_USERS = 500
HELP_MARK = "您可以发送以下文字"
RANK_MARK = "点赞排行"
PEER_C_MARK = "投票成功"
POOL_AGE = 120  # seconds: see the module's docstring
WARM_SECONDS = 2.0


@dataclasses.dataclass
class Case:
    """One measured path: which server, which mode, which message."""

    name: str
    server: stack.Server
    safe: bool
    make: loadgen.MakeRequest
    classify: loadgen.Classify
    peer: str = ""                       # the peer case this one is compared with
    run: loadgen.Run = dataclasses.field(default_factory=loadgen.Run)
    offset: int = 0                      # requests sent by earlier rounds (new voters, new MsgIds)
    cpu: float = 0.0
    db_cpu: float = 0.0                  # PostgreSQL's CPU during the case
    redis_cpu: float = 0.0               # Redis's CPU during the case
    rounds: list[float] = dataclasses.field(default_factory=list)   # req/s of each round
    windows: list[tuple[float, float]] = dataclasses.field(default_factory=list)  # when it was loaded


_msg_ids = itertools.count(int(time.time()) * 10_000_000)


def expect(safe: bool, needle: str) -> loadgen.Classify:
    """Label an answer "ok" when it is 200 and its (decrypted) text contains the needle."""
    def classify(i: int, status: int, body: bytes) -> str:
        if status != 200:
            return f"http {status}"
        if body == b"success":
            return "success"
        try:
            return "ok" if needle in wire.reply_text(body, safe) else "unexpected"
        except (ValueError, IndexError):
            return "malformed"
    return classify


def text_request(safe: bool, openid: Callable[[int], str], words: Callable[[int], str],
                 age: int = POOL_AGE) -> loadgen.MakeRequest:
    """Request i: the text `words(i)` from `openid(i)`, a new MsgId, signed `age` s ago."""
    return lambda i: wire.signed(wire.text_xml(openid(i), words(i), next(_msg_ids)), safe,
                                 int(time.time()) - age)


def known(i: int) -> str:
    """One of the followers the warm-up made known to the bot."""
    return f"bench-help-{i % HELP_USERS}"


def build_cases(bot: stack.Server, echo: stack.Server, peer_c: stack.Server,
                voting: votes.Voting) -> list[Case]:
    """The read path against the echo (plain, and safe for reference), the vote against peer C."""
    cases = []
    for safe in (False, True):
        mode = "safe" if safe else "plain"
        cases.append(Case(f"peer echo {mode}", echo, safe, text_request(safe, known, lambda i: "帮助"),
                          expect(safe, "收到：帮助")))
        cases.append(Case(f"bot 帮助 {mode}", bot, safe, text_request(safe, known, lambda i: "帮助"),
                          expect(safe, HELP_MARK), peer=f"peer echo {mode}"))
        if not safe:
            cases.append(Case("bot 排行 plain", bot, safe, text_request(safe, known, lambda i: "排行"),
                              expect(safe, RANK_MARK), peer="peer echo plain"))
    cases.append(Case("peer C vote safe", peer_c, True, peer_votes("peer-voter"), expect(True, PEER_C_MARK)))
    cases.append(Case("bot vote safe", bot, True, voting.request(True, "safe", POOL_AGE),
                      expect(True, voting.confirmation), peer="peer C vote safe"))
    return cases


def measure(case: Case, args: argparse.Namespace) -> None:
    """Load one case with a pool signed beforehand and add its figures to the case's totals."""
    offset = case.offset
    bound = args.max_requests
    pool = [case.make(offset + i) for i in range(bound)]
    classify = lambda i, status, body: case.classify(i + offset, status, body)
    before, backends = case.server.cpu_seconds(), stack.backends_cpu_seconds()
    started = time.perf_counter()
    run = asyncio.run(loadgen.closed_loop(case.server.port, lambda i: pool[i], classify,
                                          args.connections, args.seconds, bound))
    case.windows.append((started, time.perf_counter()))
    case.cpu += case.server.cpu_seconds() - before
    after = stack.backends_cpu_seconds()
    case.db_cpu += after["postgres"] - backends["postgres"]
    case.redis_cpu += after["redis-server"] - backends["redis-server"]
    case.offset += max(run.by_index, default=-1) + 1
    case.rounds.append(run.rate())
    total = case.run
    total.latencies += run.latencies
    total.labels.update(run.labels)
    total.errors += run.errors
    total.seconds += run.seconds
    print(f"  {case.name:<18} {run.answered:>7} answers {run.rate():>8.0f}/s "
          f"p99 {run.percentile(0.99) * 1000:6.1f} ms  {dict(run.labels)}", flush=True)


def help_request(safe: bool) -> loadgen.MakeRequest:
    """帮助 from one of the followers the warm-up made known, signed when it is sent."""
    return text_request(safe, known, lambda i: "帮助", age=0)


def warm_up_bot(bot: stack.Server) -> None:
    """Make the help pool's followers known to the bot and warm every worker's connections: the
    pool over and over for WARM_SECONDS, as the other warm-ups, so that each worker has read each
    follower (a worker keeps what it read for its read-only replies: bot/read_cache.py)."""
    make_known = text_request(False, known, lambda i: "帮助")
    asyncio.run(loadgen.closed_loop(bot.port, make_known, expect(False, HELP_MARK), 8, 60, HELP_USERS))
    asyncio.run(loadgen.closed_loop(bot.port, make_known, expect(False, HELP_MARK), 8, WARM_SECONDS, 30_000))


def peer_votes(prefix: str) -> loadgen.MakeRequest:
    """Peer C's `投票 N` in safe mode, from followers named by the prefix."""
    return text_request(True, lambda i: f"{prefix}-{i}", lambda i: f"投票 {i % votes.ENTRIES + 1}")


def warm(server: stack.Server, make: loadgen.MakeRequest, classify: loadgen.Classify, bound: int) -> int:
    """Load a server for WARM_SECONDS (other users than the measured ones); the answers labelled ok."""
    run = asyncio.run(loadgen.closed_loop(server.port, make, classify, 8, WARM_SECONDS, bound))
    return run.labels["ok"]


def warm_up(bot: stack.Server, echo: stack.Server, peer_c: stack.Server,
            voting: votes.Voting) -> tuple[int, int]:
    """Warm every server with other users than the measured ones; returns the votes the warm-up
    got confirmed by the bot and by peer C."""
    warm_up_bot(bot)
    warm(echo, text_request(False, known, lambda i: "帮助"), expect(False, "收到"), 5000)
    confirmed = warm(bot, voting.request(True, "warm"), expect(True, voting.confirmation), voting.tags["warm"][1])
    return confirmed, warm(peer_c, peer_votes("peer-warm"), expect(True, PEER_C_MARK), 5000)


def report(cases: list[Case], voting: votes.Voting, warm: tuple[int, int], database_url: str,
           connections: int) -> bool:
    """Print the table and the marks; True when every mark passes."""
    by_name = {c.name: c for c in cases}
    print(f"\n{'case':<20}{'answers':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'CPU ms/req':>12}{'PG':>7}{'Redis':>7}{'ratio':>8}")
    for c in cases:
        r = c.run
        bad = r.errors + sum(n for label, n in r.labels.items() if label != "ok")
        figure = f"{ratio(by_name, c.name):>8.2f}" if c.peer else f"{'':>8}"
        print(f"{c.name:<20}{r.answered:>9}{r.rate():>9.0f}{r.percentile(0.5) * 1000:>9.1f}"
              f"{r.percentile(0.99) * 1000:>9.1f}{bad:>8}{c.cpu / max(1, r.answered) * 1000:>12.2f}"
              f"{c.db_cpu / max(1, r.answered) * 1000:>7.2f}{c.redis_cpu / max(1, r.answered) * 1000:>7.2f}{figure}")
    return print_marks(by_name, voting, warm, database_url, connections)


def ratio(by_name: dict[str, Case], name: str) -> float:
    """A bot path's throughput over its peer's, round by round (the rounds' mean)."""
    return mean_ratio(by_name[name], by_name[by_name[name].peer])


def mean_ratio(case: Case, other: Case) -> float:
    """The mean of one case's requests a second over another's, round by round."""
    pairs = [mine / theirs for mine, theirs in zip(case.rounds, other.rounds, strict=False) if theirs]
    return sum(pairs) / len(pairs) if pairs else 0.0


def print_marks(by_name: dict[str, Case], voting: votes.Voting, warm: tuple[int, int], database_url: str,
                connections: int) -> bool:
    """PASS/FAIL for each of the issue's marks."""
    marks: list[tuple[str, bool, str]] = []
    for name in ("bot 帮助 plain", "bot 排行 plain"):
        r = ratio(by_name, name)
        marks.append((f"{name} >= 0.8 x peer echo plain", r >= 0.8, f"{r:.2f}"))
    r = ratio(by_name, "bot vote safe")
    marks.append(("bot vote safe >= 1.0 x peer C", r >= 1.0, f"{r:.2f}"))
    mine, theirs = (by_name[n].run.percentile(0.99) * 1000 for n in ("bot vote safe", "peer C vote safe"))
    marks.append(("bot vote p99 <= peer C's p99", mine <= theirs, f"{mine:.1f} vs {theirs:.1f} ms"))
    sent = by_name["bot vote safe"].run.labels["ok"] + warm[0]
    counted = voting.count()
    marks.append(("bot: valid votes in SQL == votes confirmed", counted == sent, f"{counted} vs {sent}"))
    sent_c = by_name["peer C vote safe"].run.labels["ok"] + warm[1]
    stored_c = peers.votes_stored(database_url)
    marks.append(("peer C: votes stored == votes confirmed", stored_c == sent_c, f"{stored_c} vs {sent_c}"))
    bad = sum(c.run.errors + sum(n for k, n in c.run.labels.items() if k != "ok") for c in by_name.values())
    marks.append(("zero errors", bad == 0, f"{bad} bad answers"))
    print(f"\n({connections} connections; ratios are the mean of each round's ratio)")
    for label, ok, figure in marks:
        print(f"{'PASS' if ok else 'FAIL'}  {label:<45} {figure}")
    return all(ok for _, ok, _ in marks)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    p = stack.arguments(__doc__)
    p.add_argument("--seconds", type=float, default=8.0, help="length of each case (default 8)")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--rounds", type=int, default=4,
                   help="interleaved rounds, each in the reverse order of the one before (default 4)")
    p.add_argument("--max-requests", type=int, default=30_000, help="bound per case and round")
    p.add_argument("--peer-python", help="interpreter for the peers (default: bench/.venv, made once)")
    p.add_argument("--service-times", action="store_true",
                   help="also print each case's time inside the workers (bench/service_times.py)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the bench; exit 0 only when every mark passes."""
    args = parse_args(argv)
    database = stack.fresh_backends(args)
    python = peers.python(args.peer_python)
    voting = votes.prepare(database)
    voting.add_voters("warm", 5000)
    voting.add_voters("safe", args.max_requests * args.rounds)
    with tempfile.TemporaryDirectory(prefix="bench-webhook-") as tmp:
        if args.service_times:
            os.environ.update(service_times.gunicorn_args(Path(tmp)))
        ok = run_all(args, database, python, voting, Path(tmp))
    database.dispose()
    return 0 if ok else 1


def run_all(args: argparse.Namespace, database: Database, python: Path, voting: votes.Voting,
            tmp: Path) -> bool:
    """Start the servers, warm them, measure every round, and report."""
    with stack.bot_server(tmp, args.database_url, args.redis_url, extra=votes.CONFIG) as bot, \
            peers.echo_server(tmp, python) as echo, \
            peers.vote_server(tmp, python, args.database_url, args.redis_url) as peer_c:
        print(f"bot on :{bot.port}, peer echo on :{echo.port}, peer C on :{peer_c.port} (gunicorn, 2 sync "
              f"workers each; {args.database_url}, {args.redis_url}; peers from {peers.PEERS_DIR} with {python})",
              flush=True)
        warm = warm_up(bot, echo, peer_c, voting)
        cases = build_cases(bot, echo, peer_c, voting)
        for n in range(args.rounds):
            print(f"round {n + 1}/{args.rounds}", flush=True)
            for case in (cases if n % 2 == 0 else list(reversed(cases))):
                measure(case, args)
    if args.service_times:  # the workers wrote their records as they stopped
        print_service_times(cases, tmp)
    return report(cases, voting, warm, args.database_url, args.connections)


def print_service_times(cases: list[Case], folder: Path) -> None:
    """Each case's time inside the workers: wall p50, p99 and max, and CPU per request."""
    print(f"\n{'inside the workers':<20}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99.9 ms':>10}"
          f"{'max ms':>9}{'CPU ms':>9}")
    for c in cases:
        mine = service_times.within(service_times.records_of(folder, c.server.proc.pid), c.windows)
        walls, cpus = [r[1] * 1000 for r in mine], [r[2] * 1000 for r in mine]
        q = loadgen.quantile
        print(f"{c.name:<20}{len(mine):>9}{q(walls, 0.5):>9.2f}{q(walls, 0.99):>9.2f}{q(walls, 0.999):>10.2f}"
              f"{max(walls, default=0.0):>9.1f}{sum(cpus) / max(1, len(cpus)):>9.2f}")


if __name__ == "__main__":
    sys.exit(main())
