"""How long each request took inside a gunicorn worker, for `bench.webhook --service-times`.

The client's latency under a closed loop is mostly the time a request waits for a free worker;
what the app itself costs is the time between gunicorn handing it the request and the answer. This
file is both a gunicorn config (`gunicorn -c bench/service_times.py`, passed to every server of the
bench through GUNICORN_CMD_ARGS, so the peers are measured alike: it imports nothing but the
standard library) and the reader of what it wrote. Each worker keeps (start, wall, CPU) per
request in memory and writes them at exit to `<dir>/<master pid>-<worker pid>.json`; starts are
CLOCK_MONOTONIC seconds, the clock the bench reads too, so a case's records are those that started
in its windows.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

ENV = "BENCH_SERVICE_TIMES_DIR"
Record = tuple[float, float, float]  # start (monotonic s), wall s, thread CPU s


def post_fork(server: Any, worker: Any) -> None:
    """A fresh worker keeps its own records."""
    worker.bench_records = []


def pre_request(worker: Any, req: Any) -> None:
    """Note when the worker took the request."""
    worker.bench_started = (time.perf_counter(), time.thread_time())


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """Keep the request's wall and CPU time."""
    wall, cpu = worker.bench_started
    worker.bench_records.append((wall, time.perf_counter() - wall, time.thread_time() - cpu))


def worker_exit(server: Any, worker: Any) -> None:
    """Write the worker's records beside its master's pid."""
    folder = os.environ.get(ENV)
    if folder:
        path = Path(folder) / f"{os.getppid()}-{os.getpid()}.json"
        path.write_text(json.dumps(worker.bench_records), encoding="utf-8")


def gunicorn_args(folder: Path) -> dict[str, str]:
    """The environment that makes every gunicorn of the bench record into `folder`."""
    return {"GUNICORN_CMD_ARGS": f"-c {Path(__file__).resolve()}", ENV: str(folder)}


def records_of(folder: Path, master_pid: int) -> list[Record]:
    """Every record the workers of one server wrote."""
    found: list[Record] = []
    for path in folder.glob(f"{master_pid}-*.json"):
        found += [(start, wall, cpu) for start, wall, cpu in json.loads(path.read_text(encoding="utf-8"))]
    return found


def within(records: list[Record], windows: list[tuple[float, float]]) -> list[Record]:
    """The records that started inside one of the windows."""
    return [r for r in records if any(start <= r[0] <= end for start, end in windows)]

