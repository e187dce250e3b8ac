"""gunicorn settings for the tests' server processes (tests/processes.py): the project's own
(gunicorn.conf.py), plus a line from each worker once it has loaded the app, so that a test
starts only when every worker can take requests.
"""

import os
import runpy
from pathlib import Path

# Every setting of the project's file; gunicorn ignores the names that are not settings.
_project = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))
globals().update({name: value for name, value in _project.items()
                  if not name.startswith("_")})

READY_FILE = "TEST_WORKERS_READY_FILE"  # the environment variable naming the file


def post_worker_init(worker):
    """The project's (gc.freeze), then this worker's pid in the ready file: the app is
    loaded, requests may come."""
    _project["post_worker_init"](worker)
    path = os.environ.get(READY_FILE)
    if path:
        with open(path, "a") as ready:
            ready.write(f"{os.getpid()}\n")
