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
import tempfile
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
ON_HOLD = ("The partnership that issued it is suspended by the site's administrators: its "
           "credentials are on hold.")


# --- the key ------------------------------------------------------------------------------


def _key_pem() -> bytes:
    configured = current_app.config.get("CREDENTIAL_SIGNING_KEY")
    if configured:
        return configured.encode()
    path = os.path.join(current_app.instance_path, "credential_key.pem")
    if not os.path.exists(path):  # made once: written aside, then linked in whole
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        fd, aside = tempfile.mkstemp(dir=current_app.instance_path, prefix=".credential_key")
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another worker made it first: theirs is the key
        finally:
            os.unlink(aside)
    with open(path, "rb") as handle:
        return handle.read()


@dataclass(frozen=True)
class _Key:
    private: object
    kid: str


def _key() -> _Key:
    """The signing key and its id, loaded once per process."""
    key = current_app.extensions.get("credential_key")
    if key is None:
        private = serialization.load_pem_private_key(_key_pem(), password=None)
        der = private.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
        key = current_app.extensions.setdefault(
            "credential_key", _Key(private, hashlib.sha256(der).hexdigest()[:16]))
    return key


def public_jwk() -> dict:
    """The public key, as a JSON Web Key with its id."""
    key = _key()
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.private.public_key()))
    return {**jwk, "kid": key.kid, "alg": ALGORITHM, "use": "sig"}


# --- issuing and revoking -----------------------------------------------------------------


def attendance_credential(user: User, booking_id: int) -> Credential:
    """The person's credential for a session they attended: issued the first time it is
    asked for, the same one afterwards. The booking's row is locked meanwhile, so that a
    register marked "no-show" at the same moment cannot leave a credential standing."""
    booking = get_own(Booking, user, booking_id)
    db.session.refresh(booking, with_for_update=True)
    if booking.attendance != Attendance.ATTENDED:
        raise DomainError("A certificate and credential come once the register marks you "
                          "as attending.")
    if _suspended(booking):
        raise DomainError(ON_HOLD)
    credential = _for_booking(booking)
    if credential is None:
        try:
            credential = _issue(user, booking)
            db.session.commit()
        except IntegrityError:  # issued just now by another request
            db.session.rollback()
            credential = _for_booking(booking)
    return credential


def _suspended(booking: Booking) -> bool:
    return db.session.get(Partnership, booking.session.partnership_id).is_suspended


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
    key = _key()
    return jwt.api_jws.encode(credential.document.encode(), key.private, algorithm=ALGORITHM,
                              headers={"kid": key.kid})


def follow_register(booking: Booking, attended: bool, now: datetime) -> None:
    """The register changed (in the caller's transaction, the booking locked): a credential
    stops holding when it no longer marks the person attending, and holds again when it
    does."""
    credential = _for_booking(booking)
    if credential is None:
        return
    if not attended and credential.revoked_at is None:
        credential.revoked_at, credential.revoked_reason = now, NOT_ATTENDED
    elif attended and credential.revoked_reason == NOT_ATTENDED:
        credential.revoked_at, credential.revoked_reason = None, ""


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
    if credential.booking is not None and _suspended(credential.booking):
        return Verdict(False, ON_HOLD, credential)
    return Verdict(True, f"Issued by {credential.issuer_name} to {credential.holder_name} "
                         f"on {credential.issued_at:%-d %B %Y}, and not revoked.", credential)


def by_token(token: str) -> Credential | None:
    return db.session.scalar(select(Credential).where(Credential.token == token))


def verify(text: str) -> Verdict:
    """Whether a credential someone shows is genuine and still holds."""
    try:
        payload = jwt.api_jws.decode((text or "").strip(), _key().private.public_key(),
                                     algorithms=[ALGORITHM])
        token = json.loads(payload)["id"].rsplit("/", 1)[-1]
    except (jwt.InvalidTokenError, ValueError, KeyError, TypeError, AttributeError):
        return Verdict(False, "This is not a credential signed by the workspace, or it has "
                              "been altered.")
    credential = by_token(token)
    if credential is not None and credential.document.encode() != payload:
        return Verdict(False, "This credential does not match the one the workspace issued.")
    return status(credential)
