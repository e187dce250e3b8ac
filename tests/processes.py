"""The app served by gunicorn in processes of its own, on the test database, for tests that
need what one process cannot show: delivery across workers, races between processes.

The test makes its data through the services in its own process and commits it; the servers
read it. Their clock is the real one, so a test using them must name its fixture in
tests/clock.py REAL_CLOCK_FIXTURES (`servers`, `gunicorn`) and date its data with
`clock.ahead(days)`.
"""

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import PASSWORD
from tests.gunicorn_conf import READY_FILE

ROOT = Path(__file__).resolve().parents[1]
TEST_CONFIG = ROOT / "tests" / "gunicorn_conf.py"
SECRET = "test-servers-secret"
ACCESS_LOG_FORMAT = "%(p)s %(m)s %(U)s %(s)s"  # <pid> method path status
ACCESS_LINE = re.compile(r"^<(\d+)> (\S+) (\S+) (\d+)$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving `app_spec` on the test database, on a free port of this machine.

    `config` is a gunicorn settings file (the project's, through tests/gunicorn_conf.py, unless
    a test brings its own); `env` adds to the app's environment (FLASK_... settings). Each
    request is logged with the pid of the worker that served it (`served`).
    """

    def __init__(self, database_url: str, folder: Path, name: str = "server", *,
                 app_spec: str = "workspace:create_app()", config: Path = TEST_CONFIG,
                 workers: int = 1, threads: int = 16, env: dict[str, str] | None = None
                 ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log_path = folder / f"{name}.log"
        self.access_log = folder / f"{name}-access.log"
        self.ready_file = folder / f"{name}-ready"
        environment = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=SECRET,
                           FLASK_RATELIMIT_ENABLED="false", PYTHONPATH=str(ROOT),
                           **{READY_FILE: str(self.ready_file)}, **(env or {}))
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(config),
             "--workers", str(workers), "--threads", str(threads),
             "--bind", f"127.0.0.1:{self.port}", "--no-control-socket",
             # Stopping cuts open streams after a second instead of awaiting their end.
             "--graceful-timeout", "1",
             "--access-logfile", str(self.access_log),
             "--access-logformat", ACCESS_LOG_FORMAT, app_spec],
            cwd=ROOT, env=environment, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)  # a process group: no worker outlives stop()

    def ready_pids(self) -> set[int]:
        if not self.ready_file.exists():
            return set()
        return {int(line) for line in self.ready_file.read_text().split()}

    def wait_ready(self, seconds: float = 60) -> None:
        """Until every worker has loaded the app and the log-in page answers; a server that
        exits or is not ready by the deadline fails the test with its log."""
        ready = self._poll(lambda: len(self.ready_pids()) >= self.workers, seconds)
        if ready and httpx.get(self.url + "/login", timeout=seconds).status_code == 200:
            return
        self.stop()
        pytest.fail(f"server did not start:\n{self.log_tail()}")

    def _poll(self, condition: Callable[[], bool], seconds: float) -> bool:
        """Whether `condition` came true, looking again every 0.1 s (while the process
        runs) for at most `seconds`."""
        for _ in range(int(seconds * 10)):
            if condition():
                return True
            try:
                self.process.wait(0.1)
            except subprocess.TimeoutExpired:
                continue
            return condition()  # the server exited
        return condition()

    def served(self, path_contains: str) -> list[tuple[int, str, int]]:
        """(worker pid, method, status) of each request logged whose path holds the text."""
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return [(int(m[1]), m[2], int(m[4])) for m in map(ACCESS_LINE.match, lines)
                if m and path_contains in m[3]]

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        """Quick shutdown (SIGINT); the whole process group is killed if that hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


@contextmanager
def running(database_url: str, folder: Path) -> Iterator[Callable[..., Server]]:
    """A function that starts a Server (arguments as Server's, after the first two), ready;
    every server it started is stopped on leaving."""
    started: list[Server] = []

    def start(name: str = "server", **options) -> Server:
        server = Server(database_url, folder, name, **options)
        started.append(server)
        server.wait_ready()
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


def log_in(http: httpx.Client, email: str, password: str = PASSWORD) -> str:
    """Log in through the log-in page as a browser does; the CSRF token for later requests
    (htmx sends it as X-CSRFToken)."""
    page = http.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert token, page.text[:500]
    response = http.post("/login", data={"email": email, "password": password,
                                         "csrf_token": token[1]})
    assert response.status_code == 302, response.text[:500]
    home = http.get("/", follow_redirects=True)
    assert home.status_code == 200, home.text[:500]
    return re.search(r'"X-CSRFToken": "([^"]+)"', home.text)[1]
