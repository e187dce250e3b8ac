"""A small HTTP load driver: N concurrent clients on one asyncio loop, each sending its own
prepared requests one after another for a fixed time, on loopback.

No wrk on this machine, and httpx costs too much per request to measure a fast page on the
same two cores: requests are prepared once as raw HTTP/1.1 bytes (cookies, CSRF header and
form body included) and answers are read with plain asyncio streams. Connections are kept
alive when the server allows it (gunicorn.conf.py says `keepalive = 0`, so each request opens
its own). The driver's own CPU time is measured, so that the report can say how much of the
machine it took and what it could drive at most.
"""

import asyncio
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

USER_AGENT = "workspace-load-bench"
# Set by a signal handler: clients stop sending (an exception raised by the handler may land
# in any one client's task, where it would only end that client).
STOP = threading.Event()
TIMEOUT = 30.0
GRACE = 10.0


@dataclass
class Caller:
    """Who sends a request: cookies and the CSRF token of a signed-in session, or nobody."""

    cookies: str = ""
    csrf_token: str = ""


def prepare(host: str, method: str, path: str, caller: Caller, form: dict | None = None,
            htmx: bool = False) -> bytes:
    """The raw bytes of one request."""
    body = urlencode(form).encode() if form is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"User-Agent: {USER_AGENT}",
             "Accept: text/html", "Connection: keep-alive"]
    if caller.cookies:
        lines.append(f"Cookie: {caller.cookies}")
    if htmx:
        lines.append("HX-Request: true")
    if method == "POST":
        lines += [f"X-CSRFToken: {caller.csrf_token}",
                  "Content-Type: application/x-www-form-urlencoded",
                  f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@dataclass
class Result:
    duration: float
    # (label, status, seconds) of each request answered inside the measured window
    records: list[tuple[str, int, float]] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    driver_cpu: float = 0.0  # seconds of the driver's CPU during the measured time
    unfinished: int = 0  # requests still unanswered GRACE seconds after the window closed
    late: list[float] = field(default_factory=list)  # seconds, of answers after the window

    def only(self, label: str) -> "Result":
        """The same run, counting only the requests of one label."""
        return Result(self.duration, [r for r in self.records if r[0] == label], {},
                      self.driver_cpu)

    @property
    def latencies(self) -> list[float]:
        return [seconds for _, _, seconds in self.records]

    @property
    def statuses(self) -> dict[int, int]:
        return dict(Counter(status for _, status, _ in self.records))

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def rps(self) -> float:
        return self.count / self.duration if self.duration else 0.0

    @property
    def timed(self) -> list[float]:
        """The latencies to report: the window's answers, or (a page slower than the window)
        the answers that came after it."""
        return self.latencies or self.late

    def percentile(self, share: float) -> float:
        if not self.timed:
            return float("nan")
        ordered = sorted(self.timed)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def median(self) -> float:
        return statistics.median(self.timed) if self.timed else float("nan")

    @property
    def failures(self) -> int:
        bad = sum(1 for _, status, _ in self.records if status >= 400)
        return bad + sum(self.errors.values())


class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def send(self, request: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(request)
        status, headers = await self._head()
        body = await self._body(headers)
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    async def _head(self) -> tuple[int, dict[str, str]]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        return status, headers

    async def _body(self, headers: dict[str, str]) -> bytes:
        if "content-length" in headers:
            return await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readuntil(b"\r\n")
            return b"".join(parts)
        body = await self.reader.read()
        self.close()
        return body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _client(host: str, port: int, requests: list[tuple[str, bytes]],
                  window: tuple[float, float], result: Result) -> None:
    """Send `requests` in turn (starting again at the end) until the window closes; keep
    each answer that comes inside the window (a page slower than the window still counts
    once it is answered: throughput is answers a second)."""
    connection = Connection(host, port)
    try:
        await _send_until(connection, requests, window, result)
    finally:
        connection.close()


async def _send_until(connection: Connection, requests: list[tuple[str, bytes]],
                      window: tuple[float, float], result: Result) -> None:
    start, end = window
    n = 0
    while (sent := time.perf_counter()) < end and not STOP.is_set():
        label, request = requests[n % len(requests)]
        try:
            status, _ = await asyncio.wait_for(connection.send(request), TIMEOUT)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ValueError) as error:
            connection.close()
            status, name = None, type(error).__name__
            if time.perf_counter() >= start:
                result.errors[name] = result.errors.get(name, 0) + 1
        done = time.perf_counter()
        if status is not None and start <= done <= end:
            result.records.append((label, status, done - sent))
        elif status is not None and done > end:
            result.late.append(done - sent)
        n += 1


async def _drive(host: str, port: int, per_client: list[list[tuple[str, bytes]]], warmup: float,
                 duration: float) -> Result:
    result = Result(duration)
    now = time.perf_counter()
    window = (now + warmup, now + warmup + duration)
    clients = [asyncio.create_task(_client(host, port, requests, window, result))
               for requests in per_client]
    await asyncio.sleep(warmup)
    cpu = time.process_time()
    await asyncio.sleep(duration)
    result.driver_cpu = time.process_time() - cpu
    # Requests still unanswered get a grace period; then they are dropped (and counted), so
    # that a page slower than its window does not hold up the run.
    _, pending = await asyncio.wait(clients, timeout=GRACE)
    for client in pending:
        client.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    result.unfinished = len(pending)
    return result


def drive(host: str, port: int, per_client: list[list[tuple[str, bytes]]], warmup: float,
          duration: float) -> Result:
    """Run len(per_client) clients, each through its own list of (label, request), for
    warm-up plus duration seconds; measure the last `duration` seconds."""
    return asyncio.run(_drive(host, port, per_client, warmup, duration))
