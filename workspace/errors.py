"""Error pages, as pages or as htmx fragments."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError

from workspace.exceptions import DomainError, Forbidden, NotFound
from workspace.extensions import htmx

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your role in this partnership does not allow that."),
    404: ("Not found", "There is nothing here, or it is not shared with you."),
    405: ("Not allowed", "That action is not available here."),
    409: ("Not possible yet", "That cannot be done now."),
    413: ("Too large", "The file or form is larger than allowed."),
    429: ("Too many requests", "Please wait a moment and try again."),
    500: ("Something went wrong", "The error has been logged. Please try again."),
}


def _error_page(code: int, detail: str | None = None):
    """The whole page; for an htmx request, only the message, which static/app.js shows where
    the person acted (the page keeps what they typed)."""
    title, message = MESSAGES.get(code, ("Error", "Something went wrong."))
    template = "errors/_message.html" if htmx else "errors/error.html"
    return render_template(template, code=code, title=title, message=detail or message), code


def register_errorhandlers(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda e, code=code: _error_page(code))
    # A host outside TRUSTED_HOSTS: no page can be built (its links would need the host).
    app.register_error_handler(SecurityError, lambda e: (
        "Bad request: this site does not answer to that host name.", 400,
        {"Content-Type": "text/plain; charset=utf-8"}))
    app.register_error_handler(NotFound, lambda e: _error_page(404))
    app.register_error_handler(Forbidden, lambda e: _error_page(403))
    # A rule's refusal where no form shows it (a certificate before the register is marked):
    # its words, not a server error.
    app.register_error_handler(DomainError, lambda e: _error_page(409, e.message))
    app.register_error_handler(
        CSRFError, lambda e: _error_page(400, "Your form has expired or was not sent from "
                                              "this site. Reload the page and try again."))
