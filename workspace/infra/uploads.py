"""Accepting and storing uploaded files, for every area that keeps files (CPD resources,
steering papers, a practitioner's evidence of a qualification held).

A file is accepted only when both its extension and its first bytes say it is one of the
allowed kinds, so a page or a script renamed to .pdf is refused. It is stored under a random
name in a folder of `<upload_folder>` named by a folder key, outside the web root: a
partnership's files in `<partnership_id>/` (`partnership_folder`), a person's own in
`people/<user_id>/` (`person_folder`). The person's filename is
kept only, sanitised, as the name it downloads under. Downloads go out as attachments with
`DOWNLOAD_HEADERS`, so a browser never runs what someone uploaded.
"""

import os
import secrets
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from werkzeug.security import safe_join
from werkzeug.utils import secure_filename

from workspace.exceptions import DomainError, NotFound

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
CHUNK = 64 * 1024
HEAD = 8 * 1024
DOWNLOAD_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"}

# --- what may be uploaded ------------------------------------------------------------------


def _starts_with(*signatures: bytes) -> Callable[[bytes, str], bool]:
    return lambda head, path: head.startswith(signatures)


def _zip_names(path: str) -> set[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return set()


def _ooxml(folder: str) -> Callable[[bytes, str], bool]:
    """Word, PowerPoint or Excel: a zip with a content-types list and the format's folder."""

    def check(head: bytes, path: str) -> bool:
        names = _zip_names(path) if head.startswith(b"PK\x03\x04") else set()
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return check


def _opendocument(mimetype: str) -> Callable[[bytes, str], bool]:
    """OpenDocument: a zip whose `mimetype` entry names the format."""

    def check(head: bytes, path: str) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(path) as archive, archive.open("mimetype") as entry:
                return entry.read(100).strip() == mimetype.encode()
        except (zipfile.BadZipFile, KeyError, OSError):
            return False

    return check


def _mp3(head: bytes, path: str) -> bool:
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF
                                       and head[1] & 0xE0 == 0xE0)


def _mp4(head: bytes, path: str) -> bool:
    return head[4:8] == b"ftyp"


def _text(head: bytes, path: str) -> bool:
    """Plain text in any 8-bit encoding: no NUL byte anywhere (binaries have plenty)."""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            if b"\x00" in chunk:
                return False
    return True


@dataclass(frozen=True)
class FileKind:
    content_type: str
    label: str
    looks_right: Callable[[bytes, str], bool]


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
_JPEG = FileKind("image/jpeg", "JPEG image", _starts_with(b"\xff\xd8\xff"))

FILE_KINDS: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", "PDF", _starts_with(b"%PDF-")),
    "docx": FileKind(_OOXML + "wordprocessingml.document", "Word document", _ooxml("word/")),
    "pptx": FileKind(_OOXML + "presentationml.presentation", "PowerPoint", _ooxml("ppt/")),
    "xlsx": FileKind(_OOXML + "spreadsheetml.sheet", "Excel spreadsheet", _ooxml("xl/")),
    "odt": FileKind(_ODF + "text", "OpenDocument text", _opendocument(_ODF + "text")),
    "odp": FileKind(_ODF + "presentation", "OpenDocument presentation",
                    _opendocument(_ODF + "presentation")),
    "ods": FileKind(_ODF + "spreadsheet", "OpenDocument spreadsheet",
                    _opendocument(_ODF + "spreadsheet")),
    "txt": FileKind("text/plain", "Text", _text),
    "md": FileKind("text/markdown", "Markdown", _text),
    "csv": FileKind("text/csv", "CSV", _text),
    "png": FileKind("image/png", "PNG image", _starts_with(b"\x89PNG\r\n\x1a\n")),
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "gif": FileKind("image/gif", "GIF image", _starts_with(b"GIF87a", b"GIF89a")),
    "mp3": FileKind("audio/mpeg", "MP3 audio", _mp3),
    "mp4": FileKind("video/mp4", "MP4 video", _mp4),
}
EXTENSIONS = tuple(FILE_KINDS)


def max_upload_bytes() -> int:
    return current_app.config.get("RESOURCE_MAX_BYTES", DEFAULT_MAX_BYTES)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def too_large_message(limit: int) -> str:
    return f"The file is larger than the {human_size(limit)} limit."


def allowed_types_message() -> str:
    return ("That kind of file cannot be shared: upload a PDF, Word, PowerPoint, Excel, "
            "OpenDocument, text, Markdown, CSV, PNG, JPEG, GIF, MP3 or MP4 file.")


def accept_attribute() -> str:
    """The file input's `accept` list."""
    return ",".join("." + ext for ext in EXTENSIONS)


def extension(filename: str) -> str:
    _, dot, ext = (filename or "").rpartition(".")
    return ext.lower() if dot else ""


def kind_label(filename: str) -> str:
    kind = FILE_KINDS.get(extension(filename or ""))
    return kind.label if kind else "File"


def download_name(filename: str, title: str, fallback: str = "resource") -> str:
    """The sanitised name to download under, keeping the extension it was checked by."""
    ext = extension(filename)
    safe = secure_filename(filename)
    if not safe.lower().endswith("." + ext):
        safe = f"{secure_filename(title) or fallback}.{ext}"
    return safe[-255:]


# --- storing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredFile:
    """An accepted upload, on disk, ready to be recorded in a row."""

    stored_name: str
    download_name: str
    content_type: str
    size: int
    path: str


def _kind_of(filename: str) -> FileKind:
    kind = FILE_KINDS.get(extension(filename))
    if kind is None:
        raise DomainError(allowed_types_message(), field="file")
    return kind


def _store(stream: BinaryIO, path: str, limit: int) -> int:
    """Copy the upload to `path`, refusing it as soon as it passes `limit` bytes."""
    size = 0
    with open(path, "xb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise DomainError(too_large_message(limit), field="file")
            out.write(chunk)
    if size == 0:
        raise DomainError("The file is empty.", field="file")
    return size


def _check_contents(kind: FileKind, filename: str, path: str) -> None:
    with open(path, "rb") as handle:
        head = handle.read(HEAD)
    if not kind.looks_right(head, path):
        raise DomainError(f"The contents of {filename} do not match its type ({kind.label}), "
                          "so it was not saved.", field="file")


def partnership_folder(partnership_id: int) -> str:
    """The folder key of a partnership's files."""
    return str(int(partnership_id))


def person_folder(user_id: int) -> str:
    """The folder key of one person's own files (they belong to no partnership)."""
    return f"people/{int(user_id)}"


def _folder(upload_folder: str, folder_key: str) -> str:
    folder = safe_join(upload_folder, folder_key) if folder_key else None
    if folder is None:
        raise ValueError(f"not a folder key: {folder_key!r}")
    return folder


def remove_file(path: str | None) -> None:
    if path is None:
        return
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


@contextmanager
def accepted_file(folder_key: str, filename: str, title: str, stream: BinaryIO,
                  upload_folder: str, fallback_name: str = "resource") -> Iterator[StoredFile]:
    """Store and check an upload in the folder `folder_key` names (`partnership_folder`,
    `person_folder`); the `with` block records it, and if the block raises (or the file is
    refused: DomainError with field "file") nothing stays on disk."""
    kind = _kind_of(filename)
    folder = _folder(upload_folder, folder_key)
    os.makedirs(folder, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = os.path.join(folder, stored_name)
    try:
        size = _store(stream, path, max_upload_bytes())
        _check_contents(kind, filename, path)
        yield StoredFile(stored_name, download_name(filename, title, fallback_name),
                         kind.content_type, size, path)
    except BaseException:
        remove_file(path)
        raise


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    path: str
    content_type: str
    download_name: str


def stored_path(upload_folder: str, folder_key: str, stored_name: str | None) -> str | None:
    if not stored_name:
        return None
    return safe_join(_folder(upload_folder, folder_key), stored_name)


def open_stored(upload_folder: str, folder_key: str, stored_name: str | None,
                content_type: str | None, name: str | None, fallback: str = "file") -> Download:
    """Where a stored file's bytes are; NotFound when there is none."""
    path = stored_path(upload_folder, folder_key, stored_name)
    if path is None or not os.path.isfile(path):
        raise NotFound()
    return Download(path, content_type or "application/octet-stream", name or fallback)
