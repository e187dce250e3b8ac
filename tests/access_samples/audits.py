"""Zebra's audits rows for the access walk."""

from datetime import date

from workspace.models.audits import AgePhase, ArtForm, Priority
from workspace.services.audits import records


def add_sample(people: dict) -> None:
    """An audit with a target group, a provision record and a need, all Zebra's."""
    theirs = people["theirs"]
    audit = records.create_audit(theirs, people["lead"], records.AuditFields(
        title="Zebra audit", period_start=date(2026, 9, 1), period_end=date(2027, 7, 31),
        area="Zebra ward"), minimum_threshold=5)
    group = records.add_target_group(theirs, "Zebra group", vulnerable=True)
    records.add_provision(audit, people["steer"], records.ProvisionFields(
        provider_name="Zebra Music Service", activity="Zebra drumming",
        art_form=ArtForm.MUSIC, phase=AgePhase.KS2, ward="Zebra ward",
        group_ids=frozenset({group.id}), children_reached=30, setting="Zebra School"))
    records.add_need(audit, records.NeedFields(
        phase=AgePhase.KS2, art_form=ArtForm.DANCE, ward="Zebra ward", priority=Priority.HIGH,
        target_group_id=group.id, children=12, description="Zebra dance",
        respondent_name="Zebra Teacher", respondent_organisation="Zebra School"))
