"""Stored files on the web side: where uploads live, and how a stored file is sent."""

import os

from flask import Response, current_app, send_file

from workspace.infra import uploads


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
