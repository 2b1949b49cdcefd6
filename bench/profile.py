"""bench/profile: what one message costs in process, without a server or load.

    .venv/bin/python -m bench.profile [--requests 300] [--plain] [--cprofile 25]

The bot's Flask app in this process (Flask's test client, no gunicorn, no sockets to WeChat) on
PostgreSQL and Redis, signed and in safe mode as WeChat sends them: for `投票 N` from followers the
bot has never seen, `帮助`, `排行` and `项目`, each request's SQL statements and transaction
round trips (SQLAlchemy events), Redis round trips (a counting wrapper on the store's client) and
CPU time (time.process_time: this process only, so the figures hold on a busy machine). With
--cprofile N, the N functions that cost the vote the most, by own time. Its database and Redis db
are emptied first (by default the bench's own: see bench/stack.py).
"""
from __future__ import annotations

import cProfile
import dataclasses
import io
import itertools
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/profile.py` as well as `python -m bench.profile`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event

from bench import stack, votes, wire
from bot.app import create_app

_msg_ids = itertools.count(int(time.time()) * 10_000_000 + 7_000_000_000)


@dataclasses.dataclass
class Counts:
    """Round trips and CPU counted over some requests."""

    statements: int = 0
    transactions: int = 0      # BEGIN, COMMIT and ROLLBACK: round trips that are not statements
    redis: int = 0
    cpu: float = 0.0
    requests: int = 0

    def line(self, name: str) -> str:
        """One row of the table: per request."""
        n = max(1, self.requests)
        return (f"{name:<22}{self.requests:>6}{self.statements / n:>10.2f}{self.transactions / n:>8.2f}"
                f"{self.redis / n:>8.2f}{self.cpu / n * 1000:>11.3f}")


class Counter:
    """Counts SQL statements and transaction steps of an engine and Redis calls of a client."""

    def __init__(self, engines: tuple[Any, ...], client: Any) -> None:
        self.now = Counts()
        for engine in engines:
            event.listen(engine, "before_cursor_execute", self._statement)
            for name in ("begin", "commit", "rollback"):
                event.listen(engine, name, self._transaction)
        wrap_redis(client, self._redis)

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.now.statements += 1
        if os.environ.get("PROFILE_SQL"):
            print("    SQL", " ".join(statement.split())[:150])

    def _transaction(self, conn: Any) -> None:
        if not conn.connection.dbapi_connection.autocommit:  # autocommit sends no BEGIN/COMMIT
            self.now.transactions += 1

    def _redis(self) -> None:
        self.now.redis += 1

    @contextmanager
    def counting(self, into: Counts) -> Iterator[None]:
        """Add what runs inside to `into`."""
        self.now = into
        start = time.process_time()
        try:
            yield
        finally:
            into.cpu += time.process_time() - start
            into.requests += 1
            self.now = Counts()


def wrap_redis(client: Any, count: Callable[[], None]) -> None:
    """Count every command (and every pipeline, one round trip) the client sends."""
    execute = client.execute_command
    make_pipeline = client.pipeline

    def counted(*args: Any, **kwargs: Any) -> Any:
        count()
        return execute(*args, **kwargs)

    def pipeline(*args: Any, **kwargs: Any) -> Any:
        pipe = make_pipeline(*args, **kwargs)
        run = pipe.execute

        def counted_run(*a: Any, **k: Any) -> Any:
            count()
            return run(*a, **k)
        pipe.execute = counted_run
        return pipe

    client.execute_command = counted
    client.pipeline = pipeline


def requests(safe: bool, voting: votes.Voting) -> dict[str, Callable[[int], tuple[str, bytes]]]:
    """Each measured path's request i."""
    def text(openid: str, words: str) -> tuple[str, bytes]:
        return wire.signed(wire.text_xml(openid, words, next(_msg_ids)), safe)
    vote = voting.request(safe, "profile")
    return {"投票 N (never seen)": vote,
            "帮助": lambda i: text(f"bench-known-{i % 50}", "帮助"),
            "排行": lambda i: text(f"bench-known-{i % 50}", "排行"),
            "项目": lambda i: text(f"bench-known-{i % 50}", "项目")}


def main(argv: list[str] | None = None) -> int:
    """Profile each path; print the table (and the vote's hottest functions)."""
    p = stack.arguments(__doc__)
    p.add_argument("--requests", type=int, default=300, help="requests per path (default 300)")
    p.add_argument("--plain", action="store_true", help="plaintext instead of safe mode")
    p.add_argument("--cprofile", type=int, default=0, metavar="N", help="show the path's N hottest functions")
    p.add_argument("--path", default="投票 N (never seen)", help="the path --cprofile profiles (default the vote)")
    p.add_argument("--sort", default="tottime", help="pstats order for --cprofile: tottime or cumulative")
    args = p.parse_args(argv)
    database = stack.fresh_backends(args)
    voting = votes.prepare(database)
    voting.add_voters("profile", args.requests * 3 + 100)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        config = stack.write_config(Path(tmp), args.database_url, args.redis_url, extra=votes.CONFIG)
        os.environ["YOUTHVOICE_CONFIG"] = str(config)  # read when the app is created
        app = create_app()
        services = app.extensions["youthvoice"]
        counter = Counter(services.db.engines, services.store.redis)
        client = app.test_client()
        paths = requests(not args.plain, voting)
        send = lambda make, i: _post(client, make(i))
        for make in paths.values():  # warm: connections, prepared statements, the known users
            for i in range(60):
                assert send(make, i).status_code == 200
        offset = 60
        print(f"\n{'path':<22}{'n':>6}{'SQL stmt':>10}{'txn':>8}{'Redis':>8}{'CPU ms':>11}   (per request, in process)")
        for name, make in paths.items():
            total = Counts()
            for i in range(offset, offset + args.requests):
                request = make(i)  # signed outside the count: that is the sender's work
                with counter.counting(total):
                    response = _post(client, request)
                assert response.status_code == 200 and response.data != b"success", name
            print(total.line(name))
        if args.cprofile:
            _cprofile(send, paths[args.path], offset + args.requests, args.requests, args.cprofile, args.sort)
        print(f"\nvotes in SQL: {voting.count()}")
        services.close()
    database.dispose()
    return 0


def _post(client: Any, request: tuple[str, bytes]) -> Any:
    path, body = request
    return client.post(path, data=body, content_type="text/xml")


def _cprofile(send: Callable[[Any, int], Any], make: Any, start: int, n: int, top: int, sort: str) -> None:
    """The path's hottest functions, by own time or cumulative."""
    profiler = cProfile.Profile(time.process_time)  # own CPU time: waits for the servers do not count
    profiler.enable()
    for i in range(start, start + n):
        send(make, i)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
    print(f"\nthe {top} hottest functions over {n} requests ({sort}):")
    print(out.getvalue().split("\n", 6)[-1] if "ncalls" in out.getvalue() else out.getvalue())


if __name__ == "__main__":
    sys.exit(main())
