"""gunicorn settings for serving many people (`make serve-many`): threaded workers, so that
the chat's live streams (Server-Sent Events, one held request each) do not starve the pages.

Environment: WORKERS (default 2 per core), THREADS (default 64 per worker), BIND
(default 127.0.0.1:8000). Live chat across workers needs PostgreSQL (DATABASE_URL): each
worker LISTENs for the others' events; see workspace/infra/live.py.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")

# Threads, not processes, hold the long requests: an open chat stream is a thread waiting on
# a condition (no database connection), so a worker holds THREADS of them.
worker_class = "gthread"
workers = int(os.environ.get("WORKERS") or 2 * multiprocessing.cpu_count())
threads = int(os.environ.get("THREADS") or 64)

# A gthread worker accepts up to worker_connections and queues what its threads cannot take
# yet. A chat stream holds its thread for up to CHAT_STREAM_SECONDS, so a connection queued
# behind streams in a busy worker could wait that long while another worker has idle threads.
# So each worker takes only as many connections as it has threads; the others take the rest.
# (Kept-alive idle connections would count against that too, hence no keep-alive: put a
# proxy that keeps its own client connections alive in front, if needed.)
worker_connections = threads
keepalive = 0

# The worker's main loop tells the master it is alive every second whatever its threads do,
# so long streams are safe with the usual timeout; it only catches a stuck worker.
timeout = 30
# On restart, open streams are cut after this: browsers reconnect with Last-Event-ID and get
# what they missed from the event log.
graceful_timeout = 10

# The app is created in each worker after the fork (no preload), and with it the worker's own
# chat listener thread and database connections.
preload_app = False

accesslog = os.environ.get("ACCESSLOG", "-") or None  # ACCESSLOG= (empty): none


def on_starting(server):
    """The same when threads come from the command line (`--threads`) instead of THREADS.

    And a budget of chat streams a worker (CHAT_STREAMS_PER_WORKER, read by the app in each
    worker): a quarter of its threads, at least 8, stay for pages, so that streams, however
    many, never leave a page or /healthz waiting. Streams past it are refused with 503 and
    reconnect a moment later, perhaps to another worker."""
    server.cfg.set("worker_connections", server.cfg.threads)
    threads = server.cfg.threads
    os.environ.setdefault("CHAT_STREAMS_PER_WORKER", str(max(threads - max(8, threads // 4), 1)))


def post_worker_init(worker):
    """Once a worker has loaded the app: what exists by then (modules, the app, its
    extensions) lives as long as the worker, so it is moved out of the garbage collector's
    reach (gc.freeze). Otherwise every full collection walks it all again: a page that counts
    thousands of records (the audit gap view and report) sets off a few of those, each about
    50-100 ms, more than the page's own work (bench/audit_gap_bench.py)."""
    import gc

    gc.collect()
    gc.freeze()
