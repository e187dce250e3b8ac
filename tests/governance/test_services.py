"""Governance rules: years and numbers as typed, terms and aims, the outcomes framework
(bad input changes nothing), and annual reviews drafted from what the partnership logged."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.clock import FROZEN_NOW
from tests.governance.conftest import IN_YEAR
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models.audits import AgePhase, ArtForm
from workspace.models.governance import Indicator, IndicatorValue
from workspace.services.audits import gaps, records, report
from workspace.services.governance import figures, framework, review, years

# --- years and numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "label"), [
    ("2025/26", "2025/26"), ("2025-26", "2025/26"), (" 2025/2026 ", "2025/26"),
    ("2026", "2026"), ("1999/00", "1999/00")])
def test_a_year_is_kept_in_one_spelling(typed, label):
    assert years.parse_year(typed, "year") == label


@pytest.mark.parametrize("typed", ["", "26", "2025/27", "next year", "1800", "2025/26/27"])
def test_a_year_that_is_not_one_is_refused_with_the_field(typed):
    with pytest.raises(DomainError) as refused:
        years.parse_year(typed, "baseline_year")
    assert refused.value.field == "baseline_year"


@pytest.mark.parametrize(("typed", "value"), [("120", Decimal(120)), ("1,200.5", Decimal("1200.5")),
                                              ("-3", Decimal(-3)), ("0.25", Decimal("0.25"))])
def test_values_are_numbers(typed, value):
    assert years.parse_value(typed, "value") == value


@pytest.mark.parametrize("typed", ["many", "45%", "1e5", "NaN", "Infinity", "0.125",
                                   "1" * 13, "", "£40"])
def test_a_value_that_is_not_a_plain_number_is_refused(typed):
    with pytest.raises(DomainError) as refused:
        years.parse_value(typed, "value")
    assert refused.value.field == "value"


def test_school_years_run_from_september():
    assert years.school_year_of(FROZEN_NOW.date()) == 2026
    assert years.school_year_of(datetime(2026, 8, 31).date()) == 2025
    assert sorted(["2026", "2025/26", "2025"], key=years.year_order) == ["2025", "2025/26", "2026"]
    assert years.show_value(Decimal("1200.50")) == "1,200.5"
    assert years.show_value(Decimal("100.00")) == "100"


# --- terms of reference and aims -------------------------------------------------------------


def test_terms_of_reference_note_who_changed_them_and_render_safely(hub, lead):
    terms = framework.save_terms(hub, lead, "## Purpose\n\n<script>alert(1)</script> **Meet**",
                                 FROZEN_NOW)
    assert terms.updated_by == lead and terms.updated_at == FROZEN_NOW
    html = framework.as_html(terms.body)
    assert "<h2>Purpose</h2>" in html and "<strong>Meet</strong>" in html
    assert "<script>" not in html
    framework.save_terms(hub, lead, "Shorter", FROZEN_NOW)
    assert framework.get_terms(hub).body == "Shorter"


def test_aims_keep_their_order_and_priorities(hub):
    first = framework.add_aim(hub, "Every child sings", "In every primary school")
    second = framework.add_aim(hub, "Teachers grow")
    framework.add_priority(first, "Whole-class singing in KS2")
    framework.move_aim(second, -1)
    assert [a.title for a in framework.list_aims(hub)] == ["Teachers grow", "Every child sings"]
    framework.move_aim(second, -1)  # already first: nothing moves
    assert framework.list_aims(hub)[0] == second
    assert [p.text for p in framework.list_aims(hub)[1].priorities] == [
        "Whole-class singing in KS2"]
    with pytest.raises(DomainError):
        framework.add_priority(first, "   ")
    with pytest.raises(DomainError):
        framework.add_aim(hub, " ")
    assert len(framework.list_aims(hub)) == 2


def test_removing_an_aim_keeps_its_indicators(hub):
    aim = framework.add_aim(hub, "Every child sings")
    indicator = framework.add_indicator(hub, framework.IndicatorFields("Choirs", aim_id=aim.id))
    framework.remove_aim(aim)
    assert framework.list_aims(hub) == []
    assert db.session.get(Indicator, indicator.id).aim_id is None


# --- the outcomes framework ------------------------------------------------------------------


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_an_indicator_has_a_baseline_and_a_target(hub):
    indicator = framework.add_indicator(hub, framework.IndicatorFields(
        " Schools with a music plan ", unit="schools", baseline_value="12",
        baseline_year="2024/25", target_value="40", target_year="2027-28"))
    assert indicator.name == "Schools with a music plan"
    assert (indicator.baseline_value, indicator.baseline_year) == (Decimal(12), "2024/25")
    assert (indicator.target_value, indicator.target_year) == (Decimal(40), "2027/28")


@pytest.mark.parametrize(("fields", "field"), [
    ({"baseline_value": "twelve", "baseline_year": "2024"}, "baseline_value"),
    ({"baseline_value": "12"}, "baseline_year"),
    ({"target_year": "2027"}, "target_value"),
    ({"target_value": "40", "target_year": "soon"}, "target_year"),
    ({"name": "schools with a music plan"}, "name"),  # taken, whatever its case
])
def test_bad_indicator_input_is_refused_and_changes_nothing(hub, fields, field):
    kept = framework.add_indicator(hub, framework.IndicatorFields(
        "Schools with a music plan", baseline_value="12", baseline_year="2024"))
    before = _count(Indicator)
    with pytest.raises(DomainError) as refused:
        framework.add_indicator(hub, framework.IndicatorFields(
            **{"name": "Something new", **fields}))
    assert refused.value.field == field
    if field != "name":  # renaming an indicator to its own name in other case is no clash
        with pytest.raises(DomainError):
            framework.update_indicator(hub, kept, framework.IndicatorFields(
                **{"name": "Something new", **fields}))
    db.session.rollback()
    assert _count(Indicator) == before
    assert db.session.get(Indicator, kept.id).name == "Schools with a music plan"
    assert db.session.get(Indicator, kept.id).baseline_value == Decimal(12)


def test_an_aim_of_another_partnership_is_not_found(hub, make_partnership):
    other = framework.add_aim(make_partnership(name="Other hub"), "Theirs")
    with pytest.raises(Exception, match="Not found"):
        framework.add_indicator(hub, framework.IndicatorFields("Choirs", aim_id=other.id))
    assert _count(Indicator) == 0


def test_yearly_values_are_one_a_year_and_bad_ones_change_nothing(hub):
    indicator = framework.add_indicator(hub, framework.IndicatorFields("Choirs"))
    framework.add_value(indicator, "2026/27", "14")
    framework.add_value(indicator, "2025-26", "9", "first count")
    for year, value, field in (("2025/26", "10", "year"), ("2024", "ten", "value"),
                               ("last year", "3", "year")):
        with pytest.raises(DomainError) as refused:
            framework.add_value(indicator, year, value)
        assert refused.value.field == field
    db.session.rollback()
    assert [(v.year, v.value) for v in framework.values_in_order(indicator)] == [
        ("2025/26", Decimal(9)), ("2026/27", Decimal(14))]
    framework.remove_value(indicator.values[0])
    assert _count(IndicatorValue) == 1
    framework.remove_indicator(indicator)
    assert _count(IndicatorValue) == 0


# --- annual reviews --------------------------------------------------------------------------


def test_the_figures_come_from_what_was_logged_in_the_year(hub, logged):
    found = figures.gather(hub, 2025, FROZEN_NOW)
    assert found.label == "2025/26"
    # two sessions in the year (not the one in July 2025); four places; three attendances
    # by two people, five hours each
    assert (found.cpd.held, found.cpd.places, found.cpd.attended, found.cpd.people) == (
        2, 4, 3, 2)
    assert found.cpd.hours == Decimal(15)
    assert found.cpd.by_network == [("Primary music", 2)]
    assert [a.title for a in found.gap_actions_done] == ["Secondary drama pilot"]
    assert [a.title for a in found.actions_done] == ["Agree the music plan"]
    assert found.open_actions == 1
    assert found.sectors == [("School", 2), ("Cultural organisation", 1)]
    assert dict(found.members_by_role) == {"Lead": 1, "Steering group member": 1, "Member": 1}
    (audit,) = found.audits
    assert (audit.provision, audit.needs, audit.open_gaps) == (1, 1, 1)
    # 3 children: published only as "fewer than 5", never as the count
    assert audit.reach.suppressed and str(audit.reach) == "<5"
    other_year = figures.gather(hub, 2024, FROZEN_NOW)
    assert (other_year.cpd.held, other_year.audits, other_year.actions_done) == (1, [], [])


def test_a_year_not_over_counts_up_to_now(hub, logged):
    found = figures.gather(hub, 2025, IN_YEAR)
    assert found.end == IN_YEAR and found.cpd.held == 2 and not found.complete
    assert "to 2 March 2026 (the year is not over yet)" in review.introduction(found)


def test_a_draft_says_what_the_data_says(hub, lead, logged):
    framework.add_aim(hub, "Every child sings")
    indicator = framework.add_indicator(hub, framework.IndicatorFields(
        "Schools | singing", unit="schools", baseline_value="4", baseline_year="2024/25",
        target_value="20", target_year="2027/28"))
    framework.add_value(indicator, "2025/26", "9")
    framework.add_value(indicator, "2026/27", "99")
    drafted = review.draft_review(hub, 2025, lead, FROZEN_NOW)
    text = {s.key: s.body for s in drafted.sections}
    assert [s.key for s in drafted.sections] == [key for key, _ in review.SECTIONS]
    assert "1. Every child sings" in text["introduction"]
    assert "1 September 2025 to 31 August 2026" in text["introduction"]
    assert ("2 CPD sessions were held, with 4 places taken. Registers mark 3 attendances by "
            "2 different people: 15 learning hours delivered.") in text["cpd"]
    assert "reaching fewer than 5 children" in text["audits"]
    assert "3 children" not in text["audits"]
    assert "- Secondary drama pilot" in text["audits"]
    assert "- Agree the music plan" in text["actions"] and "Still to do" not in text["actions"]
    assert "- School: 2" in text["members"] and "3 members" in text["members"]
    assert "| Schools \\| singing | 4 schools (2024/25) | 20 schools (2027/28) | 9 schools |" \
        in text["outcomes"]
    assert "99" not in text["outcomes"]


def test_a_year_without_activity_says_so(hub, lead):
    drafted = review.draft_review(hub, 2024, lead, FROZEN_NOW)
    text = {s.key: s.body for s in drafted.sections}
    assert text["cpd"] == "No CPD sessions were held in 2024/25."
    assert text["outcomes"] == "The partnership has no indicators in its outcomes framework yet."
    assert "has not recorded its aims yet" in text["introduction"]


def test_one_review_a_year_and_only_for_years_that_have_begun(hub, lead):
    review.draft_review(hub, 2026, lead, FROZEN_NOW)
    for year in (2026, 2027, 1900, None):
        with pytest.raises(DomainError) as refused:
            review.draft_review(hub, year, lead, FROZEN_NOW)
        assert refused.value.field == "year"
    db.session.rollback()
    assert [r.year for r in review.list_reviews(hub, published_only=False)] == [2026]


def test_leads_edit_re_draft_publish_and_export(hub, lead, logged):
    drafted = review.draft_review(hub, 2025, lead, FROZEN_NOW)
    cpd = next(s for s in drafted.sections if s.key == "cpd")
    review.save_section(cpd, "Our **best** year for CPD.", lead, FROZEN_NOW)
    assert review.list_reviews(hub, published_only=True) == []
    review.set_published(drafted, True, lead, FROZEN_NOW)
    assert review.list_reviews(hub, published_only=True) == [drafted]
    markdown = review.as_markdown(hub, drafted)
    assert markdown.startswith("# Riverside Music Hub: annual review 2025/26")
    assert "## CPD sessions and reach\n\nOur **best** year for CPD." in markdown
    pdf = review.as_pdf(hub, drafted)
    assert pdf.startswith(b"%PDF")
    later = datetime(2026, 12, 1, tzinfo=UTC)
    review.redraft_review(hub, drafted, lead, later)
    assert cpd.body.startswith("2 CPD sessions were held")
    assert drafted.drafted_at == later


def test_the_pdf_takes_a_lead_s_ragged_table(hub, lead):
    drafted = review.draft_review(hub, 2025, lead, FROZEN_NOW)
    review.save_section(drafted.sections[0], "| a | b |\n| --- | --- |\n| 1 |\n| 1 | 2 | 3 |\n"
                        "\n# Heading\n- item", lead, FROZEN_NOW)
    assert review.as_pdf(hub, drafted).startswith(b"%PDF")


def test_a_row_made_at_the_same_moment_elsewhere_is_refused_as_a_rule(hub):
    """Two requests that both passed the check: the unique constraint refuses the second."""
    indicator = framework.add_indicator(hub, framework.IndicatorFields("Choirs"))
    framework.add_value(indicator, "2025/26", "1")
    db.session.add(IndicatorValue(partnership_id=hub.id, indicator_id=indicator.id,
                                  year="2025/26", value=Decimal(2)))
    with pytest.raises(DomainError) as refused:
        framework.commit_unique("2025/26 has a value already.", "year")
    assert refused.value.field == "year"
    assert [v.value for v in db.session.scalars(select(IndicatorValue))] == [Decimal(1)]


def test_the_reviews_audit_reach_is_suppressed_where_the_audit_report_suppresses_it(hub, lead):
    """A small cell hidden in the report's breakdown must not be recoverable as the review's
    total minus the report's other cells (secondary suppression)."""
    audit = records.create_audit(hub, lead, records.AuditFields(
        "Music audit 2025/26", date(2025, 9, 1), date(2026, 7, 31)), minimum_threshold=5)
    records.add_provision(audit, lead, records.ProvisionFields(
        "Town Theatre", "Drama club", ArtForm.DRAMA, AgePhase.KS2, "Riverside",
        children_reached=3))
    records.add_provision(audit, lead, records.ProvisionFields(
        "Hub", "Orchestra", ArtForm.MUSIC, AgePhase.KS3, "Riverside", children_reached=40))
    by_phase = report.coverage(gaps.load_facts(hub, audit))[0]
    assert by_phase.total.reach.suppressed
    [found] = figures.audit_figures(hub, datetime(2025, 9, 1, tzinfo=UTC),
                                    datetime(2026, 8, 1, tzinfo=UTC))
    assert found.reach.suppressed and str(found.reach) == str(by_phase.total.reach)
