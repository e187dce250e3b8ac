"""Rendering that serves htmx fragments and whole pages from the same templates."""

from flask import render_template, request
from flask_wtf import FlaskForm

from workspace.exceptions import DomainError
from workspace.extensions import htmx

INVALID = 422  # invalid forms come back as 422 everywhere; htmx is configured to swap them


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """The fragment for an htmx request (when one is given), else the whole page, also when
    htmx restores a page from history (the Back button after a pushed address)."""
    restoring = htmx.history_restore_request and request.method == "GET"  # only a GET restores
    template = fragment if fragment and htmx and not restoring else page
    return render_template(template, **context), status


def render_form(page: str, form: FlaskForm, fragment: str | None = None, **context):
    """Render a page (or fragment) holding `form`: 422 when the form has errors, else 200."""
    status = INVALID if form.errors else 200
    return render(page, fragment, status=status, form=form, **context)


def add_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Show a rule's refusal next to its field, or at the top of the form."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
