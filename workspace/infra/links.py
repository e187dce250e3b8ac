"""Absolute links for emails, calendars and share links: always from the configured BASE_URL,
never from the request's Host header (which whoever sends the request chooses)."""

from flask import current_app, has_request_context, url_for


def absolute(path: str) -> str:
    """The site's address for a path on it ("/p/1/cpd" -> "https://.../p/1/cpd")."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def absolute_url(endpoint: str, **values) -> str:
    """The site's address of an endpoint, also outside a request (a job, a command)."""
    if has_request_context():
        return absolute(url_for(endpoint, **values))
    return absolute(current_app.url_map.bind("localhost").build(endpoint, values))
