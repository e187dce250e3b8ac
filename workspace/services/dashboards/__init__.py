"""The home page after login: the person's dashboard across their partnerships.

One person can be a lead of some partnerships, a teacher in CPD networks and a practitioner
working towards a qualification; the dashboard holds the cards that apply to them:

- a lead card for each partnership they lead (dashboards.lead);
- a teacher card when they are in a CPD network or have a place on a session to come
  (dashboards.teacher);
- a practitioner card when they are enrolled on a qualification (dashboards.practitioner);
- their CPD hours per term whenever they are in a partnership, a teacher or a practitioner
  (dashboards.hours): every member may log CPD.

Each card reads a fixed number of queries however many rows it shows, except the ones that
follow a person's enrolments (a unit list per qualification), as the progress pages do.
"""

from dataclasses import dataclass
from datetime import date, datetime

from workspace.models import Membership, User
from workspace.models.partnerships import Role
from workspace.services.dashboards.hours import HoursCard, hours_card
from workspace.services.dashboards.lead import LeadCard, lead_card
from workspace.services.dashboards.practitioner import PractitionerCard, practitioner_card
from workspace.services.dashboards.teacher import TeacherCard, teacher_card

__all__ = ["Dashboard", "dashboard"]


@dataclass
class Dashboard:
    memberships: list[Membership]
    leads: list[LeadCard]
    teacher: TeacherCard | None
    practitioner: PractitionerCard | None
    hours: HoursCard | None

    @property
    def empty(self) -> bool:
        return not (self.leads or self.teacher or self.practitioner)


def dashboard(user: User, memberships: list[Membership], now: datetime,
              today: date) -> Dashboard:
    """The cards that apply to `user`, whose memberships (with their partnerships) are given.
    Suspended partnerships show nothing but their name (their pages are closed)."""
    open_ones = [m for m in memberships if not m.partnership.is_suspended]
    leads = [lead_card(m, now, today) for m in open_ones if m.role == Role.LEAD]
    teacher = teacher_card(user, [m.partnership_id for m in open_ones], now)
    practitioner = practitioner_card(user, today, now)
    hours = hours_card(user, today) if memberships or teacher or practitioner else None
    return Dashboard(memberships, leads, teacher, practitioner, hours)
