"""Run a command with the wall clock of every process it starts moved to another day.

    .venv/bin/python -m tests.run_at 2027-09-01 .venv/bin/pytest -m "not browser"

The suite must pass on any date; this is how to check it on a day that has not come yet. It
preloads libfaketime (the build that the `libfaketime` package ships, which works with
Python's clock_nanosleep, unlike Debian's 0.9.10) with the clock starting at 09:00 UTC on
DATE and running on from there; monotonic clocks stay real, so timeouts behave.
"""

import os
import sys
from pathlib import Path

import libfaketime


def library() -> str:
    return str(Path(libfaketime.__file__).parent / "vendor" / "libfaketime" / "src"
               / "libfaketime.so.1")


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit("usage: python -m tests.run_at YYYY-MM-DD COMMAND [ARGS...]")
    day, command = argv[0], argv[1:]
    env = dict(os.environ, LD_PRELOAD=library(), FAKETIME=f"@{day} 09:00:00",
               FAKETIME_DONT_FAKE_MONOTONIC="1", FAKETIME_DONT_RESET="1")
    os.execvpe(command[0], command, env)


if __name__ == "__main__":
    main(sys.argv[1:])
