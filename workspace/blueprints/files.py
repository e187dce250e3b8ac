"""Files on the web side: where uploads live, how a stored file is sent, and CSV downloads of
records about people."""

import os

from flask import Response, current_app, send_file
from flask_login import current_user

from workspace.clock import utcnow
from workspace.infra import uploads
from workspace.services.partnerships import exports


def upload_folder() -> str:
    """Uploads live in the instance folder, outside the web root."""
    return os.path.join(current_app.instance_path, "uploads")


def send_download(download: uploads.Download) -> Response:
    """A stored file as an attachment: its sniffed type, nosniff, a sandbox CSP, kept private."""
    response = send_file(download.path, mimetype=download.content_type, as_attachment=True,
                         download_name=download.download_name)
    response.headers.update(uploads.DOWNLOAD_HEADERS)
    response.cache_control.private = True
    return response


def attachment(body: str | bytes, mimetype: str, filename: str) -> Response:
    """A download made for the person asking (a certificate, their record): kept private."""
    response = Response(body, mimetype=mimetype,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


def people_csv(partnership, what: str, text: str, filename: str) -> Response:
    """A CSV of the partnership's records about people, its download recorded (who, what,
    how many rows; not the data) for the partnership's leads."""
    rows = max(text.count("\n") - 1, 0)
    exports.record_export(partnership, current_user, what, rows, utcnow())
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
