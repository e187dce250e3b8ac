"""Zebra's directory rows for the access walk: a request to join from someone outside,
waiting for its leads. Zebra is left out of the directory (the walk lists it itself where it
means to)."""

from workspace.extensions import db
from workspace.models import User
from workspace.services.partnerships import directory


def add_sample(people: dict) -> None:
    theirs = people["theirs"]
    asker = User(email="zebra.asker@example.org", name="Zebra asker", password_hash="x")
    db.session.add(asker)
    db.session.commit()
    directory.set_listing(theirs, True, "Zebra offer")
    directory.ask_to_join(theirs.id, asker, "Zebra message")
    directory.set_listing(theirs, False, "Zebra offer")
