"""What people carry away from their CPD: an attendance certificate for each session the
register marks them attending (with its signed credential), and a yearly CPD statement."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from workspace.exceptions import NotFound
from workspace.extensions import db
from workspace.models import Credential, Partnership, User
from workspace.services import credentials
from workspace.services.cpd import logbook

FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass
class Certificate:
    holder: str
    title: str
    issuer: str
    network: str
    day: date
    hours: Decimal
    venue: str
    facilitator: str
    credential: Credential
    check_url: str  # the public page that says whether it holds


def attendance_certificate(user: User, booking_id: int) -> Certificate:
    """The certificate of one of the person's own attended sessions (NotFound for anybody
    else's booking; a refusal in words before the register marks them attending)."""
    credential = credentials.attendance_credential(user, booking_id)
    session = credential.booking.session
    return Certificate(
        holder=credential.holder_name, title=session.title,
        issuer=db.session.get(Partnership, session.partnership_id).name,
        network=session.network.name, day=session.day, hours=session.learning_hours,
        venue=session.venue or ("Online" if session.online_url else ""),
        facilitator=session.facilitator, credential=credential,
        check_url=credentials.credential_url(credential))


@dataclass
class Statement:
    holder: str
    year: int
    rows: list[logbook.LogRow]
    total: Decimal
    from_registers: Decimal  # the part that partnerships' registers confirm


def yearly_statement(user: User, year: int) -> Statement:
    """The person's CPD in one calendar year: sessions attended (from the registers) and
    what they logged themselves, said apart."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound()
    rows = [row for row in logbook.cpd_log(user) if row.day.year == year]
    return Statement(
        holder=user.name, year=year, rows=rows,
        total=sum((row.hours for row in rows), Decimal("0")),
        from_registers=sum((row.hours for row in rows if row.session is not None),
                           Decimal("0")))
