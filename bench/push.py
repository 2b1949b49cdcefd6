"""bench/push: 10,000 queued template messages drained by `push run` against the fake WeChat API.

    .venv/bin/python -m bench.push [--messages 10000] [--latency 0.05]

The project's fake of WeChat's API answers every call after `latency` seconds. The messages are
queued in the outbox of the bench's own database, then `flask --app wsgi push run` (the command
an operator runs) drains them. Marks: all sent within 60 s, never more than the configured
rate in any clock minute, every message reaching WeChat exactly once.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from bench import stack, wire
from bot.db import Database
from bot.wechat.fake import serve
from bot.wechat.fake_state import FakeWeChat
from core.settings import EXAMPLE_CONFIG, PROJECT_ROOT, read_toml
from models.outbox import Channel, OutboxMessage

DRAIN_MARK = 60.0
SEND = "message/template/send"


def queue(database: Database, n: int) -> None:
    """Queue n template messages at once (rows as models.outbox.enqueue makes them)."""
    now = dt.datetime.now(dt.UTC)
    rows = [{"client_msg_id": f"bench.push:{i}", "purpose": "bench", "openid": f"bench-follower-{i}",
             "channel": Channel.TEMPLATE, "next_attempt_at": now,
             "payload": {"template": "contest_result", "url": "",
                         "data": {"project": f"项目{i % 30 + 1}", "result": "入选优秀项目",
                                  "month": "2017年11月"}}}
            for i in range(n)]
    with database.session() as s:
        for start in range(0, n, 2000):
            s.execute(insert(OutboxMessage), rows[start:start + 2000])


def push_config(args: argparse.Namespace, api_url: str) -> dict[str, dict[str, object]]:
    """The bench's settings: the API at the fake, the template configured, the sender's sizes."""
    return {"wechat": {"api_base_url": api_url},
            "push": {"rate_per_minute": args.rate, "pool_size": args.pool, "batch_size": args.batch},
            "push.templates.contest_result": {"template_id": "TPL_BENCH"}}


def drain(config: Path) -> tuple[float, str]:
    """Run `push run` to the end; its wall time and its summary line (and the CPU it took)."""
    env = {**os.environ, "YOUTHVOICE_CONFIG": str(config)}
    started, cpu = time.monotonic(), _cpu()
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "push", "run"], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, check=False)
    took = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"push run failed: {done.stderr[-2000:]}")
    sender, fake = (after - before for after, before in zip(_cpu(), cpu, strict=True))
    print(f"CPU: the sender process {sender:.1f} s, the fake (in this process) {fake:.1f} s", flush=True)
    return took, done.stdout.strip().splitlines()[-1]


def _cpu() -> tuple[float, float]:
    """CPU seconds of finished children (the sender) and of this process (the fake)."""
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return child.ru_utime + child.ru_stime, time.process_time()


def busiest_minute(times: list[float]) -> int:
    """The most sends in one clock minute (the sender's budget is per clock minute)."""
    per_minute = collections.Counter(int(t // 60) for t in times)
    return max(per_minute.values(), default=0)


def busiest_60s(times: list[float]) -> int:
    """The most sends in any sliding 60 s (for the reader; WeChat's own limit is per day)."""
    ordered, best, lo = sorted(times), 0, 0
    for hi, t in enumerate(ordered):
        while ordered[lo] <= t - 60:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def report(args: argparse.Namespace, fake: FakeWeChat, database: Database, took: float, line: str) -> bool:
    """Print the figures and the marks."""
    calls = [c for c in fake.calls_to(SEND) if c.errcode == 0]
    ids = collections.Counter((c.body or {}).get("client_msg_id") for c in calls)
    msgids = {c.answer.get("msgid") for c in calls}
    duplicates = sum(n - 1 for n in ids.values() if n > 1)
    with database.session() as s:
        states: dict[str, int] = {status: n for status, n in s.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))}
    times = [c.at for c in calls]
    minute, sliding = busiest_minute(times), busiest_60s(times)
    print(f"\n`push run`: {line}")
    print(f"{args.messages} queued, drained in {took:.1f} s ({args.messages / took:.0f}/s); outbox {states}")
    print(f"fake WeChat: {len(calls)} template sends, {len(msgids)} distinct messages delivered, "
          f"{duplicates} repeated client_msg_id; busiest clock minute {minute}, busiest 60 s {sliding} "
          f"(rate_per_minute {args.rate}); latency {args.latency * 1000:.0f} ms per call")
    marks = [(f"drained within {DRAIN_MARK:.0f} s", took <= DRAIN_MARK and states.get("sent") == args.messages,
              f"{took:.1f} s, {states.get('sent', 0)} sent"),
             ("within the rate limit (per clock minute)", minute <= args.rate, f"{minute} <= {args.rate}"),
             ("zero duplicates", duplicates == 0 and len(msgids) == args.messages,
              f"{duplicates} repeats, {len(msgids)} delivered")]
    print()
    for label, ok, figure in marks:
        print(f"{'PASS' if ok else 'FAIL'}  {label:<42} {figure}")
    return all(ok for _, ok, _ in marks)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    p = stack.arguments(__doc__)
    p.add_argument("--messages", type=int, default=10_000)
    p.add_argument("--latency", type=float, default=0.05, help="the fake's answer time (default 50 ms)")
    p.add_argument("--rate", type=int, default=12_000, help="[push] rate_per_minute for the run")
    p.add_argument("--pool", type=int, default=64, help="[push] pool_size: sends in flight")
    p.add_argument("--batch", type=int, default=256, help="[push] batch_size: rows claimed at once")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the push bench; exit 0 only when every mark passes."""
    args = parse_args(argv)
    database = stack.fresh_backends(args)
    fake = FakeWeChat(wire.APP_ID, read_toml(EXAMPLE_CONFIG)["wechat"]["app_secret"])
    fake.latency = args.latency
    server = serve(fake)
    try:
        queue(database, args.messages)
        with tempfile.TemporaryDirectory(prefix="bench-push-") as tmp:
            config = stack.write_config(Path(tmp), args.database_url, args.redis_url,
                                        push_config(args, fake.url))
            print(f"draining {args.messages} messages: pool {args.pool}, batch {args.batch}, "
                  f"rate {args.rate}/min, fake WeChat at {fake.url}", flush=True)
            took, line = drain(config)
        ok = report(args, fake, database, took, line)
    finally:
        server.stop()
        database.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
