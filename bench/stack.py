"""The servers a bench runs: the bot under gunicorn on its own database and Redis db (peers: bench/peers.py)."""
from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import redis
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench import machine, wire
from bot.db import Database
from core.settings import EXAMPLE_CONFIG, PROJECT_ROOT

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/youthvoice_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(url: str) -> Database:
    """Create the bench's database when missing and give it an empty, migrated schema."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", (parsed.database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{parsed.database}"')
    database = Database(url)
    with database.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    database.upgrade()
    return database


def flush_redis(url: str) -> None:
    """Empty the bench's Redis database (its own db number, never another's)."""
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


def write_config(directory: Path, database_url: str, redis_url: str,
                 extra: dict[str, dict[str, object]] | None = None) -> Path:
    """The example settings with the bench's backends, keys and any other section's overrides."""
    wanted: dict[str, dict[str, object]] = {
        "wechat": {"token": wire.TOKEN, "app_id": wire.APP_ID, "encoding_aes_key": wire.AES_KEY},
        "database": {"url": database_url}, "redis": {"url": redis_url}, "scheduler": {"mode": "off"},
        "console": {"secret_key": "bench-only-console-key-0123456789abcdef"}}  # not the example's
    for section, values in (extra or {}).items():
        wanted[section] = {**wanted.get(section, {}), **values}
    section, out, done = "", [], set()
    for line in EXAMPLE_CONFIG.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line.strip("[] ")
        key = line.split("=", 1)[0].strip()
        if "=" in line and key in wanted.get(section, {}) and not line.startswith(" "):
            line = f"{key} = {_toml(wanted[section][key])}"
            done.add((section, key))
        out.append(line)
    missing = {(sec, k) for sec, vals in wanted.items() for k in vals} - done
    if missing:
        raise KeyError(f"not in config.example.toml: {sorted(missing)}")
    path = directory / "config.toml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _toml(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


class Server:
    """A gunicorn server with 2 sync workers on a loopback port."""

    def __init__(self, name: str, python: Path | str, app: str, cwd: Path, env: dict[str, str],
                 log: Path, workers: int = 2, backlog: int = 2048) -> None:
        self.name, self.port, self.log, self.env = name, free_port(), log, env
        cmd = [str(python), "-m", "gunicorn", "-w", str(workers), "-k", "sync",
               "-b", f"127.0.0.1:{self.port}", "--backlog", str(backlog), "--timeout", "60", app]
        self.proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env},
                                     stdout=log.open("ab"), stderr=subprocess.STDOUT)

    def wait_ready(self, path: str, seconds: float = 30.0) -> None:
        """Wait until the server answers `path` with 2xx/4xx."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=1)
                return
            except urllib.error.HTTPError:
                return  # it answers, even if not with 200
            except OSError:
                pass  # not listening yet: try again
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start; see {self.log}")

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far."""
        return sum(_cpu(pid) for pid in [self.proc.pid, *_children(self.proc.pid)])

    def stop(self) -> None:
        """Stop the master (it stops its workers)."""
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


BACKENDS = ("postgres", "redis-server")


def backends_cpu_seconds() -> dict[str, float]:
    """User + system CPU so far of the PostgreSQL and of the Redis processes on the machine, by
    name (their share of a case; nothing else loads them during one)."""
    total = dict.fromkeys(BACKENDS, 0.0)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            name = stat.read_text().split("(", 1)[1].rsplit(")", 1)[0]
            if name in total:
                total[name] += _cpu(int(stat.parent.name))
    return total


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def _cpu(pid: int) -> float:
    """utime + stime of one process, in seconds (0 when it is gone)."""
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    return 0.0


@contextlib.contextmanager
def bot_server(workdir: Path, database_url: str, redis_url: str, backlog: int = 2048,
               extra: dict[str, dict[str, object]] | None = None) -> Iterator[Server]:
    """The bot under gunicorn on the given backends."""
    config = write_config(workdir, database_url, redis_url, extra)
    server = Server("bot", sys.executable, "wsgi:app", PROJECT_ROOT,
                    {"YOUTHVOICE_CONFIG": str(config)}, workdir / "bot.log", backlog=backlog)
    try:
        server.wait_ready("/healthz")
        yield server
    finally:
        server.stop()


def arguments(doc: str | None) -> argparse.ArgumentParser:
    """A bench's command line, with the backends every bench takes."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    p.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    return p


def fresh_backends(args: argparse.Namespace) -> Database:
    """Print the machine, then empty the bench's database and Redis db."""
    print(machine.describe(), flush=True)
    database = fresh_database(args.database_url)
    flush_redis(args.redis_url)
    return database
