"""Import and export of the whole catalogue (CSV and JSON), by page and by CLI.

The file formats and the import's rules are in workspace/services/catalogue/transfer.py.
"""


import click
from flask import Response, stream_template, stream_with_context
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired

from workspace.blueprints.access import editor_required
from workspace.blueprints.catalogue.views import bp
from workspace.blueprints.form_base import Form
from workspace.blueprints.rendering import INVALID, render
from workspace.clock import london_today
from workspace.services.accounts import users
from workspace.services.catalogue import transfer as service

# Larger files go through `flask catalogue import`, which has no request to hold open.
IMPORT_MAX_BYTES = 10 * 1024 * 1024
ERRORS_SHOWN = 200


class ImportForm(Form):
    file = FileField("Catalogue file (CSV or JSON)",
                     validators=[FileRequired("Choose a CSV or JSON file to import.")])


def _page(form: ImportForm, errors=(), status: int = 200):
    return render("catalogue/transfer.html", "catalogue/_transfer_import.html", status=status,
                  form=form, errors=list(errors)[:ERRORS_SHOWN], error_count=len(errors),
                  max_megabytes=IMPORT_MAX_BYTES // (1024 * 1024))


@bp.get("/transfer")
@editor_required
def transfer():
    return _page(ImportForm(formdata=None))


def _download(chunks, extension: str, mimetype: str) -> Response:
    """The export streamed a chunk at a time: a national-scale catalogue is never held
    whole as text in a worker."""
    filename = f"catalogue-{london_today().isoformat()}.{extension}"
    return Response(stream_with_context(chunks), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/export.json")
@editor_required
def export_json():
    return _download(service.export_json_chunks(), "json", "application/json")


@bp.get("/export.csv")
@editor_required
def export_csv():
    return _download(service.export_csv_chunks(), "csv", "text/csv")


@bp.post("/import")
@editor_required
def import_file():
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, status=INVALID)
    upload = form.file.data
    data = upload.stream.read(IMPORT_MAX_BYTES + 1)
    if len(data) > IMPORT_MAX_BYTES:
        form.file.errors.append(f"The file is larger than {IMPORT_MAX_BYTES // 2**20} MB: "
                                "ask an administrator to run `flask catalogue import`.")
        return _page(form, status=INVALID)
    events = _import_events(service.import_steps(data, current_user, upload.filename or ""))
    # The page is sent as the import goes: each stage as it ends, then what changed or the
    # problems (nothing imported). Proxies are asked not to hold it back.
    return Response(stream_with_context(stream_template(
        "catalogue/import_progress.html", events=events, filename=upload.filename or "",
        form=ImportForm(formdata=None), max_megabytes=IMPORT_MAX_BYTES // (1024 * 1024),
        errors_shown=ERRORS_SHOWN)),
        headers={"X-Accel-Buffering": "no", "Cache-Control": "no-store"})


def _import_events(steps):
    """("step", Step) as each stage ends, then ("done", ImportResult) or ("refused",
    ImportRefused)."""
    try:
        for step in steps:
            yield ("step" if isinstance(step, service.Step) else "done"), step
    except service.ImportRefused as refused:
        yield "refused", refused


# --- flask catalogue export / import ------------------------------------------------------


@bp.cli.command("export")
@click.option("--format", "file_format", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
def export_command(file_format: str, output: str | None) -> None:
    """Write the whole catalogue as JSON or CSV."""
    text = service.export_json() if file_format == "json" else service.export_csv()
    if output is None:
        click.echo(text, nl=False)
        return
    with open(output, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    click.echo(f"Catalogue written to {output}.", err=True)


@bp.cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--actor", metavar="EMAIL", help="Record the changes as made by this account.")
def import_command(file: str, actor: str | None) -> None:
    """Import a catalogue file (CSV or JSON): all of it, or nothing if a record is bad."""
    user = users.get_user_by_email(actor) if actor else None
    if actor and user is None:
        raise click.BadParameter(f"no account has the email {actor}", param_hint="--actor")
    with open(file, "rb") as handle:
        data = handle.read()
    try:
        result = service.import_bytes(data, user, file)
    except service.ImportRefused as refused:
        for error in refused.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(refused.message) from None
    click.echo(f"Imported {file}: {result.describe()}.")
