"""Zebra's steering rows for the access walk."""


def add_sample(people: dict) -> None:
    """Nothing yet."""
