"""Zebra's governance rows for the access walk: terms of reference, an aim with a priority,
an indicator with a yearly value, and a published annual review of 2030/31 (the walk's year)
with its sections."""

from datetime import UTC, datetime

from workspace.services.governance import framework, review

AFTER_THE_YEAR = datetime(2031, 9, 2, tzinfo=UTC)  # the review's year has begun by then


def add_sample(people: dict) -> None:
    theirs, lead = people["theirs"], people["lead"]
    framework.save_terms(theirs, lead, "Zebra terms of reference", AFTER_THE_YEAR)
    aim = framework.add_aim(theirs, "Zebra aim", "Zebra description")
    framework.add_priority(aim, "Zebra priority")
    indicator = framework.add_indicator(theirs, framework.IndicatorFields(
        "Zebra indicator", unit="zebras", aim_id=aim.id, baseline_value="1",
        baseline_year="2029/30", target_value="9", target_year="2032/33"))
    framework.add_value(indicator, "2030/31", "5", "Zebra note")
    drafted = review.draft_review(theirs, 2030, lead, AFTER_THE_YEAR)
    review.set_published(drafted, True, lead, AFTER_THE_YEAR)
