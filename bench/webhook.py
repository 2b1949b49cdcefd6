"""bench/webhook: the bot against a minimal Flask + wechatpy peer, interleaved, over loopback.

    /work/venv/bin/python -m bench.webhook [--seconds 10] [--connections 32] [--rounds 1]

Both run under gunicorn with 2 sync workers; the bot on PostgreSQL and Redis (its own database
and Redis db number, emptied first). Prints requests/s, p50, p99, server CPU per request, each
path's ratio to the peer's echo, and PASS/FAIL for each mark. See docs/performance.md.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

if __package__ in (None, ""):  # `python bench/webhook.py` as well as `python -m bench.webhook`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadgen, stack, votes, wire  # noqa: E402

HELP_USERS = 500
HELP_MARK = "您可以发送以下文字"


@dataclasses.dataclass
class Case:
    """One measured path: which server, which mode, which message."""

    name: str
    server: stack.Server
    safe: bool
    make: loadgen.MakeRequest
    classify: loadgen.Classify
    peer: str = ""                       # the peer case this one is compared with
    limit: int = 10**9                   # requests this case may send in all (prepared voters)
    offset: int = 0                      # requests sent by earlier rounds
    run: loadgen.Run = dataclasses.field(default_factory=loadgen.Run)
    cpu: float = 0.0


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


def help_request(safe: bool) -> loadgen.MakeRequest:
    """帮助 from a pool of known followers (no writes)."""
    return lambda i: wire.signed(wire.text_xml(f"bench-help-{i % HELP_USERS}", "帮助", next(_msg_ids)), safe)


def echo_request(safe: bool) -> loadgen.MakeRequest:
    """The same text to the peer."""
    return lambda i: wire.signed(wire.text_xml(f"bench-help-{i % HELP_USERS}", "帮助", next(_msg_ids)), safe)


def build_cases(bot: stack.Server, peer: stack.Server, voting: votes.Voting | None) -> list[Case]:
    """Interleaved: each mode's peer echo right before the bot's paths in that mode."""
    cases = []
    for safe in (False, True):
        mode = "safe" if safe else "plain"
        cases.append(Case(f"peer echo {mode}", peer, safe, echo_request(safe), expect(safe, "帮助")))
        cases.append(Case(f"bot help {mode}", bot, safe, help_request(safe), expect(safe, HELP_MARK),
                          peer=f"peer echo {mode}"))
        if voting is not None:
            cases.append(Case(f"bot vote {mode}", bot, safe, voting.request(safe, mode),
                              expect(safe, voting.confirmation), peer=f"peer echo {mode}",
                              limit=voting.tags[mode][1]))
    return cases


def measure(case: Case, args: argparse.Namespace) -> None:
    """Load one case and add its figures to the case's totals."""
    offset = case.offset  # later rounds go on with new requests (new voters, new MsgIds)
    make = lambda i: case.make(i + offset)
    classify = lambda i, status, body: case.classify(i + offset, status, body)
    bound = min(args.max_requests, case.limit - offset)
    before = case.server.cpu_seconds()
    run = asyncio.run(loadgen.closed_loop(case.server.port, make, classify, args.connections,
                                          args.seconds, bound))
    case.cpu += case.server.cpu_seconds() - before
    case.offset += max(run.by_index, default=-1) + 1
    total = case.run
    total.latencies += run.latencies
    total.labels.update(run.labels)
    total.errors += run.errors
    total.seconds += run.seconds
    print(f"  {case.name:<16} {run.answered:>7} answers {run.rate():>8.0f}/s "
          f"p99 {run.percentile(0.99) * 1000:6.1f} ms  {dict(run.labels)}", flush=True)


def warm_up_bot(bot: stack.Server) -> None:
    """Create the help pool's followers and warm every worker's connections."""
    known = lambda i: wire.signed(wire.text_xml(f"bench-help-{i}", "帮助", next(_msg_ids)), False)
    asyncio.run(loadgen.closed_loop(bot.port, known, expect(False, HELP_MARK), 8, 60, HELP_USERS))


def warm_up(bot: stack.Server, peer: stack.Server) -> None:
    """Warm both servers before measuring."""
    warm_up_bot(bot)
    asyncio.run(loadgen.closed_loop(peer.port, echo_request(False), expect(False, "帮助"), 8, 1, 500))


def report(cases: list[Case], voting: votes.Voting | None, connections: int) -> bool:
    """Print the table and the marks; True when every mark passes."""
    by_name = {c.name: c for c in cases}
    print(f"\n{'case':<18}{'answers':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'CPU ms/req':>12}{'ratio':>8}")
    for c in cases:
        r = c.run
        ratio = r.rate() / by_name[c.peer].run.rate() if c.peer else 1.0
        bad = r.errors + sum(n for label, n in r.labels.items() if label != "ok")
        print(f"{c.name:<18}{r.answered:>9}{r.rate():>9.0f}{r.percentile(0.5) * 1000:>9.1f}"
              f"{r.percentile(0.99) * 1000:>9.1f}{bad:>8}{c.cpu / max(1, r.answered) * 1000:>12.2f}"
              f"{ratio:>8.2f}")
    return print_marks(by_name, voting, connections)


def ratio(by_name: dict[str, Case], name: str) -> float:
    """A bot path's throughput over its peer's."""
    case = by_name[name]
    return case.run.rate() / by_name[case.peer].run.rate()


def print_marks(by_name: dict[str, Case], voting: votes.Voting | None, connections: int) -> bool:
    """PASS/FAIL for each of the issue's marks."""
    marks: list[tuple[str, bool | None, str]] = []
    for mode in ("plain", "safe"):
        r = ratio(by_name, f"bot help {mode}")
        marks.append((f"help {mode} >= 0.9 x peer echo", r >= 0.9, f"{r:.2f}"))
    if voting is None:
        marks.append(("vote safe >= 0.6 x peer safe echo", None, votes.MISSING))
        marks.append(("vote counts in SQL == votes answered", None, votes.MISSING))
    else:
        r = ratio(by_name, "bot vote safe")
        marks.append(("vote safe >= 0.6 x peer safe echo", r >= 0.6, f"{r:.2f}"))
        sent = sum(by_name[f"bot vote {m}"].run.labels["ok"] for m in ("plain", "safe"))
        counted = voting.count()
        marks.append(("vote counts in SQL == votes answered", counted == sent, f"{counted} vs {sent}"))
    bots = [c for c in by_name.values() if c.peer]
    worst = max(c.run.percentile(0.99) for c in bots) * 1000
    marks.append((f"p99 < 50 ms at {connections} connections (bot)", worst < 50, f"worst {worst:.1f} ms"))
    bad = sum(c.run.errors + sum(n for k, n in c.run.labels.items() if k != "ok") for c in by_name.values())
    marks.append(("zero errors", bad == 0, f"{bad} bad answers"))
    print()
    for label, ok, figure in marks:
        verdict = "SKIP" if ok is None else ("PASS" if ok else "FAIL")
        print(f"{verdict}  {label:<45} {figure}")
    return all(ok is not False for _, ok, _ in marks)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    p = stack.arguments(__doc__)
    p.add_argument("--seconds", type=float, default=10.0, help="length of each case (default 10)")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--rounds", type=int, default=1, help="repeat the interleaved cases (longer run)")
    p.add_argument("--max-requests", type=int, default=200_000, help="bound per case")
    p.add_argument("--voters", type=int, default=15_000, help="followers prepared per vote case and round")
    p.add_argument("--peer-python", help="interpreter for the peer (default: bench/.venv, made once)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the bench; exit 0 only when every mark passes."""
    args = parse_args(argv)
    database = stack.fresh_backends(args)
    python = stack.peer_python(args.peer_python)
    voting = votes.prepare(database)
    if voting is not None:
        for mode in ("plain", "safe"):
            voting.add_voters(mode, args.voters * args.rounds)
    extra = votes.CONFIG if voting is not None else {}
    with tempfile.TemporaryDirectory(prefix="bench-webhook-") as tmp, \
            stack.bot_server(Path(tmp), args.database_url, args.redis_url, extra=extra) as bot, \
            stack.peer_server(Path(tmp), python) as peer:
        print(f"bot on :{bot.port} (gunicorn, 2 sync workers, {args.database_url}, {args.redis_url}); "
              f"peer on :{peer.port} ({python})", flush=True)
        warm_up(bot, peer)
        cases = build_cases(bot, peer, voting)
        for n in range(args.rounds):
            print(f"round {n + 1}/{args.rounds}", flush=True)
            for case in cases:
                measure(case, args)
        ok = report(cases, voting, args.connections)
    database.engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
