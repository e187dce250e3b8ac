"""A practitioner's card: progress towards each qualification they are enrolled on, with the
unit to work on next and the centre's deadline, and their suggested next steps
(services.progress.tracking.progression)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from workspace.extensions import db
from workspace.infra.charts import Bar, Chart, Segment
from workspace.models import Enrolment, Registration, User
from workspace.models.progress import UnitStatus
from workspace.services.progress import centres, tracking

STEPS_SHOWN = 3
UNDER_WAY = (UnitStatus.IN_PROGRESS, UnitStatus.EVIDENCE_SUBMITTED)


@dataclass
class Working:
    progress: tracking.EnrolmentProgress
    next_unit: tracking.UnitRow | None  # under way first, then the first not started
    deadline: centres.Deadline | None  # from the centre's completion window

    @property
    def under_way(self) -> int:
        return sum(1 for r in self.progress.mandatory
                   if not r.achieved and r.status in UNDER_WAY)


@dataclass
class PractitionerCard:
    working: list[Working]
    progression: tracking.Progression
    chart: Chart

    @property
    def suggestions(self) -> list:
        """Qualifications to consider next: building on what is held, then for the role."""
        seen, found = set(), []
        for item in [*self.progression.next_steps, *self.progression.for_role]:
            if item.id not in seen:
                seen.add(item.id)
                found.append(item)
        return found[:STEPS_SHOWN]

    @property
    def sessions(self) -> list:
        return self.progression.sessions[:STEPS_SHOWN]


def next_unit(progress: tracking.EnrolmentProgress) -> tracking.UnitRow | None:
    rows = [r for r in [*progress.mandatory, *(r for g in progress.optional for r in g.rows)]
            if not r.achieved]
    return next((r for r in rows if r.status in UNDER_WAY), rows[0] if rows else None)


def _deadlines(enrolments: list[Enrolment], today: date) -> dict[int, centres.Deadline]:
    return {r.enrolment_id: centres.deadline(r, today) for r in db.session.scalars(
        select(Registration).where(Registration.enrolment_id.in_([e.id for e in enrolments]
                                                                 or [0])))}


def progress_chart(user: User, working: list[Working]) -> Chart:
    bars = []
    for w in working:
        p, total = w.progress, len(w.progress.mandatory)
        bars.append(Bar(
            p.enrolment.item.title,
            (Segment(p.mandatory_achieved, str(p.mandatory_achieved)),
             Segment(w.under_way, str(w.under_way))),
            scale=total or 1, href=f"/me/enrolments/{p.enrolment.id}",
            note=f"{p.mandatory_achieved} of {total}" if total else "no unit list"))
    return Chart(f"progress-{user.id}", "Your progress towards each qualification",
                 ("Achieved", "Under way"), tuple(bars),
                 summary="Mandatory units achieved and under way, out of all the "
                         "qualification's mandatory units (\u201cno unit list\u201d where the "
                         "catalogue does not document them yet).")


def practitioner_card(user: User, today: date, now: datetime) -> PractitionerCard | None:
    """None for someone enrolled on nothing."""
    enrolments = tracking.list_enrolments(user)
    if not enrolments:
        return None
    deadlines = _deadlines(enrolments, today)
    progress = tracking.progress_of_enrolments(enrolments)
    working = [Working(p, next_unit(p), deadlines.get(p.enrolment.id)) for p in progress]
    return PractitionerCard(working, tracking.progression(user, today, now, progress),
                            progress_chart(user, working))
