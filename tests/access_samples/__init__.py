"""Rows of the other partnership ("Zebra") for the access walk, one module per area.

Each module's `add_sample(people)` adds rows to Zebra's partnership (names carry "Zebra"), so
that every URL argument `<table>_id` has a row of theirs to try. `people` holds
`theirs` (the partnership), `lead`, `member` and `steer` (users), and may hold `assessor`
and `mentor` (users; the policy walk gives each duty a person of its own).
"""

from tests.access_samples import (
    audits,
    centres,
    chat,
    directory,
    governance,
    networks,
    steering,
)

AREAS = [audits, steering, chat, centres, directory, networks, governance]


def add_samples(people: dict) -> None:
    for area in AREAS:
        area.add_sample(people)
