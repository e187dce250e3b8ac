"""Shared resources of a CPD network: links, and files kept outside the web root.

Files are accepted, stored and served through workspace.infra.uploads (shared with the
steering group's papers); this module keeps what is particular to a network's resources.
"""

from typing import BinaryIO
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workspace.exceptions import DomainError, Forbidden
from workspace.extensions import db
from workspace.infra import uploads
from workspace.infra.uploads import (  # noqa: F401  (part of this module's interface)
    EXTENSIONS,
    FILE_KINDS,
    Download,
    allowed_types_message,
    download_name,
    human_size,
    max_upload_bytes,
    too_large_message,
)
from workspace.models import Membership, Network, Resource, User
from workspace.services import permissions
from workspace.services.cpd.sessions import is_network_member


def kind_label(resource: Resource) -> str:
    return uploads.kind_label(resource.filename or "")


# --- adding --------------------------------------------------------------------------------


def _check_can_add(network: Network, user: User) -> None:
    if not is_network_member(network, user):
        raise DomainError(f"Join {network.name} first: only its members can share resources.")


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError("Give the resource a title.", field="title")
    return title


def check_url(url: str) -> str:
    """The web address, when it is an http(s) address to a host; else DomainError."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if (parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname
            or any(c.isspace() or ord(c) < 32 for c in url)):
        raise DomainError("Enter a web address starting with https:// or http://.",
                          field="url")
    if len(url) > 500:
        raise DomainError("That web address is too long (500 characters at most).", field="url")
    return url


def add_link(network: Network, user: User, title: str, description: str,
             url: str) -> Resource:
    _check_can_add(network, user)
    resource = Resource(partnership_id=network.partnership_id, network_id=network.id,
                        title=_title(title), description=(description or "").strip(),
                        url=check_url(url), added_by_id=user.id)
    db.session.add(resource)
    db.session.commit()
    return resource


def add_file(network: Network, user: User, title: str, description: str, filename: str,
             stream: BinaryIO, upload_folder: str) -> Resource:
    """Store an uploaded file for the network; nothing is kept when it is refused."""
    _check_can_add(network, user)
    title = _title(title)
    folder = uploads.partnership_folder(network.partnership_id)
    with uploads.accepted_file(folder, filename, title, stream, upload_folder) as stored:
        try:
            resource = Resource(
                partnership_id=network.partnership_id, network_id=network.id, title=title,
                description=(description or "").strip(), filename=stored.download_name,
                stored_name=stored.stored_name, content_type=stored.content_type,
                size=stored.size, added_by_id=user.id)
            db.session.add(resource)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return resource


# --- reading and removing ------------------------------------------------------------------


def list_resources(network: Network) -> list[Resource]:
    """The network's resources, newest first."""
    return list(db.session.scalars(
        select(Resource).options(selectinload(Resource.added_by))
        .where(Resource.network_id == network.id)
        .order_by(Resource.created_at.desc(), Resource.id.desc())))


def _path(resource: Resource, upload_folder: str) -> str | None:
    return uploads.stored_path(upload_folder, uploads.partnership_folder(resource.partnership_id),
                               resource.stored_name)


def open_resource(resource: Resource, upload_folder: str) -> Download:
    """Where a file resource's bytes are; NotFound for a link or a missing file."""
    return uploads.open_stored(upload_folder, uploads.partnership_folder(resource.partnership_id),
                               resource.stored_name, resource.content_type, resource.filename,
                               "resource")


def delete_resource(resource: Resource, membership: Membership, upload_folder: str) -> None:
    if not permissions.may_delete_resource(membership, resource.added_by_id):
        raise Forbidden("Only the person who shared it, or a lead, can remove it.")
    path = _path(resource, upload_folder)
    db.session.delete(resource)
    db.session.commit()
    if path is not None:
        uploads.remove_file(path)  # after the commit: a failed commit must not lose the file
