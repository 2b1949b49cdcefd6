"""A bounded load generator over loopback: asyncio, HTTP/1.1, keep-alive when the server allows.

Closed loop (N connections, each sends its next request when the last is answered) for
throughput and latency; open loop (requests started at a fixed rate whatever the server does)
for overload. Both stop by themselves: bounded in requests and in seconds, and only 127.0.0.1.
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterator

HOST = "127.0.0.1"
# i -> (path with query, body); built when the request is sent, so its timestamp is fresh.
MakeRequest = Callable[[int], tuple[str, bytes]]
# (i, status, body) -> a label such as "ok", "shed", "bad"
Classify = Callable[[int, int, bytes], str]


@dataclasses.dataclass
class Run:
    """What one load run saw."""

    latencies: list[float] = dataclasses.field(default_factory=list)
    labels: Counter[str] = dataclasses.field(default_factory=Counter)
    by_index: dict[int, str] = dataclasses.field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0
    # (i, status, body) as received: labelled once the run is over, so that reading an answer
    # (in safe mode, decrypting it) takes no CPU from the servers during the measurement
    answers: list[tuple[int, int, bytes]] = dataclasses.field(default_factory=list)

    @property
    def answered(self) -> int:
        """Requests that got an HTTP answer."""
        return len(self.latencies)

    def label(self, classify: Classify) -> None:
        """Label every answer received (after the run)."""
        for i, status, body in self.answers:
            label = classify(i, status, body)
            self.labels[label] += 1
            self.by_index[i] = label
        self.answers.clear()

    def rate(self) -> float:
        """Answered requests per second."""
        return self.answered / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """A latency percentile in seconds (nearest rank)."""
        return quantile(self.latencies, q)


def quantile(values: list[float], q: float) -> float:
    """The q-quantile of values by nearest rank (NaN for none)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Connection:
    """One client connection that reopens when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        """Send one POST and read its answer."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        head = (f"POST {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nContent-Type: text/xml\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        assert self.reader is not None
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status, headers = _parse_head(raw)
        data = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, data

    def close(self) -> None:
        """Drop the socket; the next post opens a new one."""
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _parse_head(raw: bytes) -> tuple[int, dict[str, str]]:
    """The status code and lower-cased headers of a response head."""
    lines = raw.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers


async def _one(conn: Connection, run: Run, i: int, make: MakeRequest, started: float,
               timeout: float) -> None:
    """Send request i and record its latency (from `started`) and its answer."""
    try:
        path, body = make(i)
        status, data = await asyncio.wait_for(conn.post(path, body), timeout)
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
        conn.close()
        run.errors += 1
        run.by_index[i] = "error"
        return
    run.latencies.append(time.perf_counter() - started)
    run.answers.append((i, status, data))


@contextlib.contextmanager
def no_collector_pauses() -> Iterator[None]:
    """No full collection of this process's heap while it measures.

    The bench's own process holds every case's pool and latencies: a full collection walked them
    for 72 to 88 ms (seen mid-case), during which no answer was read and every request in flight
    looked that much slower, whichever server it was. Collected before, and with the collector off
    during the run, the pause falls between cases; what one run leaves for it is bounded by its
    requests.
    """
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def closed_loop(port: int, make: MakeRequest, classify: Classify, connections: int,
                      seconds: float, max_requests: int, timeout: float = 10.0) -> Run:
    """Keep `connections` requests in flight until the time or the count runs out."""
    run, counter = Run(), itertools.count()

    async def client(stop_at: float) -> None:
        conn = Connection(port)
        while time.perf_counter() < stop_at:
            i = next(counter)
            if i >= max_requests:
                break
            await _one(conn, run, i, make, time.perf_counter(), timeout)
        conn.close()

    with no_collector_pauses():
        begin = time.perf_counter()
        await asyncio.gather(*(client(begin + seconds) for _ in range(connections)))
        run.seconds = time.perf_counter() - begin
    run.label(classify)
    return run


async def open_loop(port: int, make: MakeRequest, classify: Classify, rate: float,
                    seconds: float, timeout: float = 10.0, max_in_flight: int = 15000) -> Run:
    """Start `rate` requests a second for `seconds`, each on its own connection."""
    run, tasks = Run(), set[asyncio.Task[None]]()
    with no_collector_pauses():
        begin = time.perf_counter()
        for i in range(int(rate * seconds)):
            due = begin + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            if len(tasks) >= max_in_flight:
                run.errors += 1  # the generator's own bound: counted as an error, never hidden
                run.by_index[i] = "error"
                continue
            task = asyncio.create_task(_open_one(port, run, i, make, due, timeout))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*list(tasks))
        run.seconds = time.perf_counter() - begin
    run.label(classify)
    return run


async def _open_one(port: int, run: Run, i: int, make: MakeRequest,
                    due: float, timeout: float) -> None:
    """One open-loop request on a fresh connection; latency counts from when it was due."""
    conn = Connection(port)
    await _one(conn, run, i, make, due, timeout)
    conn.close()
