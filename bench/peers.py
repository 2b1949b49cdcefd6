"""The reference peers of ../shared/peers/, run from there under the same gunicorn settings.

`wechatpy_app.py` (peer B) checks, decrypts, parses and echoes: the mark for read-only replies.
`careful_vote_app.py` (peer C) also dedupes with SET NX and stores each vote in one PostgreSQL
transaction: the mark for `投票 N`. Both run in their own environment (bench/.venv, made once
from bench/peer-requirements.txt); they are measured, never imported or copied.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from bench.stack import BENCH_DIR, Server
from core.settings import PROJECT_ROOT

PEERS_DIR = PROJECT_ROOT.parent / "shared" / "peers"
PEER_VENV = BENCH_DIR / ".venv"
PEER_DATABASE = "youthvoice_bench_peer"
# The peers must not leave bytecode in the shared folder.
QUIET = {"PYTHONDONTWRITEBYTECODE": "1", "BENCH_MODE": "safe"}


def python(explicit: str | None) -> Path:
    """The peers' interpreter: given, or bench/.venv made from the package index on first use."""
    if explicit:
        return Path(explicit)
    interpreter = PEER_VENV / "bin" / "python"
    if not (PEER_VENV / ".installed").exists():
        print("setting up the peers' environment in bench/.venv (once) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(interpreter), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-r", str(BENCH_DIR / "peer-requirements.txt")], check=True)
        (PEER_VENV / ".installed").touch()
    return interpreter


@contextlib.contextmanager
def echo_server(workdir: Path, interpreter: Path) -> Iterator[Server]:
    """Peer B, the Flask + wechatpy echo (plain and safe mode requests alike)."""
    yield from _serving(Server("peer echo", interpreter, "wechatpy_app:app", PEERS_DIR, QUIET,
                               workdir / "echo.log"))


def _serving(server: Server) -> Iterator[Server]:
    """Wait for a started peer to answer, hand it out, and stop it afterwards."""
    try:
        server.wait_ready("/wechat")
        yield server
    finally:
        server.stop()


def fresh_peer_database(bench_url: str) -> str:
    """An empty database for peer C beside the bench's; returns its URL for SQLAlchemy."""
    parsed = make_url(bench_url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PEER_DATABASE}"')
        conn.execute(f'CREATE DATABASE "{PEER_DATABASE}"')
    return parsed.set(drivername="postgresql+psycopg", database=PEER_DATABASE).render_as_string(False)


@contextlib.contextmanager
def vote_server(workdir: Path, interpreter: Path, bench_url: str, redis_url: str) -> Iterator[Server]:
    """Peer C, the careful vote bot, in safe mode, on a fresh database and the bench's Redis db
    (its keys are its own: peer:dedupe:...)."""
    env = {**QUIET, "PEER_DATABASE_URL": fresh_peer_database(bench_url), "PEER_REDIS_URL": redis_url}
    subprocess.run([str(interpreter), "careful_vote_app.py", "init"], cwd=PEERS_DIR, check=True,
                   env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    yield from _serving(Server("peer C", interpreter, "careful_vote_app:app", PEERS_DIR, env,
                               workdir / "peer-c.log"))


def votes_stored(bench_url: str) -> int:
    """Peer C's vote rows."""
    url = make_url(bench_url).set(drivername="postgresql", database=PEER_DATABASE).render_as_string(False)
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM votes").fetchone()
    return int(row[0]) if row else 0
