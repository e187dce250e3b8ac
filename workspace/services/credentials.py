"""Credentials people carry: an Open Badges 2.0 assertion for each session attended, signed
by the workspace (JWS, RS256, as Open Badges' signed verification asks), which anyone can check
on the public verification page: genuine (the signature holds and the workspace issued it) and
not revoked (the register still marks the attendance).

The signing key is `CREDENTIAL_SIGNING_KEY` (an RSA private key in PEM) when set, which
several machines must share; else `instance/credential_key.pem`, made on first use. The public
key is published as a JWK at /credentials/key.json, which each assertion names.
"""

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workspace.clock import utcnow
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.infra.links import absolute_url
from workspace.models import Booking, Credential, Partnership, User
from workspace.models.cpd import Attendance, new_token
from workspace.services.progress.tracking import get_own
from workspace.templating import hours as format_hours

ALGORITHM = "RS256"
NOT_ATTENDED = "The register no longer marks this attendance."


# --- the key ------------------------------------------------------------------------------


def _key_pem() -> bytes:
    configured = current_app.config.get("CREDENTIAL_SIGNING_KEY")
    if configured:
        return configured.encode()
    path = os.path.join(current_app.instance_path, "credential_key.pem")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or just now by another worker
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    with open(path, "rb") as handle:
        return handle.read()


def _private_key():
    cache = current_app.extensions.setdefault("credential_keys", {})
    pem = _key_pem()
    if pem not in cache:
        cache[pem] = serialization.load_pem_private_key(pem, password=None)
    return cache[pem]


def public_jwk() -> dict:
    """The public key, as a JSON Web Key with its id."""
    public = _private_key().public_key()
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))
    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    return {**jwk, "kid": hashlib.sha256(der).hexdigest()[:16], "alg": ALGORITHM, "use": "sig"}


# --- issuing and revoking -----------------------------------------------------------------


def attendance_credential(user: User, booking_id: int) -> Credential:
    """The person's credential for a session they attended: issued the first time it is
    asked for, the same one afterwards (restored if the register marks them again)."""
    booking = get_own(Booking, user, booking_id)
    if booking.attendance != Attendance.ATTENDED:
        raise DomainError("A certificate and credential come once the register marks you "
                          "as attending.")
    credential = _for_booking(booking)
    if credential is None:
        try:
            credential = _issue(user, booking)
            db.session.commit()
        except IntegrityError:  # issued just now by another request
            db.session.rollback()
            credential = _for_booking(booking)
    elif credential.revoked_at is not None:
        credential.revoked_at, credential.revoked_reason = None, ""
        db.session.commit()
    return credential


def credential_url(credential: Credential) -> str:
    """The public page that says whether the credential holds."""
    return absolute_url("credentials.show", token=credential.token)


def _for_booking(booking: Booking) -> Credential | None:
    return db.session.scalar(select(Credential).where(Credential.booking_id == booking.id))


def _issue(user: User, booking: Booking) -> Credential:
    session = booking.session
    token, salt, now = new_token(), secrets.token_hex(8), utcnow()
    issuer = db.session.get(Partnership, session.partnership_id).name
    title = f"Attended: {session.title}"
    hours = format_hours(session.learning_hours)
    document = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": absolute_url("credentials.show", token=token),  # credential_url
        "recipient": {"type": "email", "hashed": True, "salt": salt,
                      "identity": "sha256$" + hashlib.sha256(
                          (user.email + salt).encode()).hexdigest()},
        "badge": {
            "type": "BadgeClass",
            "name": title,
            "description": (f"{hours} hours of continuing professional development with "
                            f"{issuer}, on {session.day:%-d %B %Y}."),
            "criteria": {"narrative": "Marked as attending on the session's register by "
                                      "the partnership that ran it."},
            "issuer": {"type": "Profile", "name": issuer,
                       "url": absolute_url("main.index")},
        },
        "issuedOn": now.isoformat(timespec="seconds"),
        "verification": {"type": "SignedBadge",
                         "creator": absolute_url("credentials.public_key")},
    }
    credential = Credential(token=token, user_id=user.id, booking_id=booking.id,
                            holder_name=user.name, title=title, issuer_name=issuer,
                            issued_at=now, document=_canonical(document))
    db.session.add(credential)
    db.session.flush()
    return credential


def _canonical(document: dict) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def signed(credential: Credential) -> str:
    """The credential as its holder carries it: the compact JWS of its assertion."""
    return jwt.api_jws.encode(credential.document.encode(), _private_key(), algorithm=ALGORITHM,
                              headers={"kid": public_jwk()["kid"]})


def revoke_for_booking(booking: Booking, now: datetime) -> None:
    """The register no longer marks the person attending: their credential stops holding
    (in the caller's transaction)."""
    credential = _for_booking(booking)
    if credential is not None and credential.revoked_at is None:
        credential.revoked_at, credential.revoked_reason = now, NOT_ATTENDED


# --- checking -----------------------------------------------------------------------------


@dataclass
class Verdict:
    genuine: bool
    message: str
    credential: Credential | None = None


def status(credential: Credential | None) -> Verdict:
    if credential is None:
        return Verdict(False, "The workspace has no record of this credential: it was never "
                              "issued here, or it has been withdrawn.")
    if credential.revoked_at is not None:
        return Verdict(False, f"Revoked on {credential.revoked_at:%-d %B %Y}: "
                              f"{credential.revoked_reason}", credential)
    return Verdict(True, f"Issued by {credential.issuer_name} to {credential.holder_name} "
                         f"on {credential.issued_at:%-d %B %Y}, and not revoked.", credential)


def by_token(token: str) -> Credential | None:
    return db.session.scalar(select(Credential).where(Credential.token == token))


def verify(text: str) -> Verdict:
    """Whether a credential someone shows is genuine and still holds."""
    try:
        payload = jwt.api_jws.decode((text or "").strip(), _private_key().public_key(),
                                     algorithms=[ALGORITHM])
        document = json.loads(payload)
        token = document["id"].rsplit("/", 1)[-1]
    except (jwt.InvalidTokenError, ValueError, KeyError, TypeError, AttributeError):
        return Verdict(False, "This is not a credential signed by the workspace, or it has "
                              "been altered.")
    credential = by_token(token)
    if credential is not None and credential.document != _canonical(document):
        return Verdict(False, "This credential does not match the one the workspace issued.")
    return status(credential)
