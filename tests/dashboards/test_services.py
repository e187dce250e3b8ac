"""The dashboard's figures: right for each persona, only ever from the person's own
partnerships, and counts of people only as services.disclosure publishes them."""

from datetime import date
from decimal import Decimal

from tests.clock import FROZEN_NOW
from tests.dashboards.conftest import TODAY
from workspace.infra.charts import DRAWN, Bar, Chart, Segment
from workspace.services import dashboards
from workspace.services.admin import partnerships
from workspace.services.dashboards import hours
from workspace.services.partnerships import membership
from workspace.services.partnerships.membership import list_memberships_of
from workspace.services.progress import workforce


def board_of(user):
    return dashboards.dashboard(user, list_memberships_of(user), FROZEN_NOW, TODAY)


def test_a_lead_sees_their_partnership_and_nothing_of_the_other(world):
    board = board_of(world["lead"])
    (card,) = board.leads
    assert card.partnership.id == world["hub"].id
    assert card.members == 3
    assert card.sectors == [("School", 2), ("Cultural organisation", 1)]
    assert [r.session.title for r in card.sessions] == ["Singing day", "Spring day"]
    assert [(r.booked, r.waiting) for r in card.sessions] == [(2, 1), (0, 0)]
    assert card.waiting == 1  # the other hub's full session and its waiting list not counted
    assert card.open_actions == 2
    assert [a.title for a in card.overdue] == ["Book the hall"]
    assert card.gaps.count == 1 and card.gaps.worst[0][1] == "Unmet need"
    assert card.claims_to_decide == 1
    assert card.unread == 1  # the teacher's hello; not the other hub's message, not their own


def test_the_fill_chart_has_the_sessions_figures(world):
    (card,) = board_of(world["lead"]).leads
    first, second = card.fill.bars
    assert first.label == "10 Dec · 1 waiting · Singing day"
    assert (first.scale, first.note, first.segments[0].text) == (2, "2 of 2", "2")
    assert card.fill.placed(first)[0].width == DRAWN  # full
    assert card.fill.placed(second)[0].width == 0


def test_workforce_counts_are_the_disclosed_figures(world):
    (card,) = board_of(world["lead"]).leads
    figures = workforce.workforce(world["hub"])
    assert [(b.label, b.segments[0].text) for b in card.by_level.bars] == [
        (c.label, str(c.count)) for c in figures.by_level]
    assert [b.segments[0].text for b in card.coverage.bars] == [
        str(a.members) for a in figures.areas] == ["<5", "0", "0", "0", "0", "0"]
    # three members: every count is under the threshold, printed "<5" and drawn as nothing
    charts = card.by_level.bars + card.by_role.bars
    assert {s.text for b in charts for s in b.segments} == {"<5"}
    assert all(s.value == 0 for b in card.by_role.bars for s in b.segments)


def test_only_leads_get_a_lead_card(world):
    assert board_of(world["teacher"]).leads == []
    assert board_of(world["practitioner"]).leads == []
    (other,) = board_of(world["other_lead"]).leads
    assert other.members == 4 and other.waiting == 3  # its own figures alone


def test_a_teacher_sees_their_places_networks_and_news(world):
    board = board_of(world["teacher"])
    t = board.teacher
    assert [(p.booking.session.title, p.position) for p in t.places] == [("Singing day", 1)]
    assert [(n.network.name, n.unread) for n in t.networks] == [("Primary music teachers", 1)]
    assert [r.title for r, _ in t.resources] == ["Warm-ups"]


def test_a_teacher_who_left_sees_no_more_news_of_the_partnership(world):
    teacher = world["teacher"]
    membership.leave_partnership(world["hub"], membership.find_membership(world["hub"].id,
                                                                          teacher))
    t = board_of(teacher).teacher
    assert (t.networks, t.resources) == ([], [])
    assert [p.booking.session.title for p in t.places] == ["Singing day"]  # as on "My CPD"


def test_a_suspended_partnership_shows_no_card_and_no_news(world, make_user):
    admin = make_user(name="Ada Admin")
    admin.is_site_admin = True
    partnerships.suspend_partnership(admin, world["hub"], "Under review", FROZEN_NOW)
    assert board_of(world["lead"]).leads == []
    assert board_of(world["teacher"]).teacher.networks == []


def test_the_teachers_hours_are_counted_per_term_of_this_school_year(world):
    card = board_of(world["teacher"]).hours
    assert card.total == Decimal("7.5")  # 5.5 attended + 2 of their own; August is last year
    assert card.year_starts == date(2026, 9, 1)
    assert [(b.label, [s.text for s in b.segments], b.note) for b in card.chart.bars] == [
        ("Autumn 2026", ["5.5", "2"], "7.5 h"), ("Spring 2027", ["0", "0"], "0 h"),
        ("Summer 2027", ["0", "0"], "0 h")]


def test_school_year_terms_start_in_september():
    assert [t.name for t in hours.school_year_terms(date(2027, 3, 1))] == [
        "Autumn 2026", "Spring 2027", "Summer 2027"]
    assert hours.school_year_terms(date(2027, 9, 1))[0].name == "Autumn 2027"


def test_a_practitioner_sees_progress_the_next_unit_and_the_deadline(world):
    board = board_of(world["practitioner"])
    assert board.teacher is not None  # they hold a place on the singing day
    (w,) = board.practitioner.working
    assert (w.progress.mandatory_achieved, w.under_way) == (1, 1)
    assert w.next_unit.unit.title == "Planning sessions"  # under way before not started
    assert w.deadline.complete_by == date(2028, 1, 5)
    (bar,) = board.practitioner.chart.bars
    assert [s.text for s in bar.segments] == ["1", "1"]
    assert (bar.scale, bar.note) == (3, "1 of 3")


def test_someone_in_no_network_and_enrolled_on_nothing_gets_hours_alone(world, make_user,
                                                                        add_member):
    newcomer = make_user(name="New Member")
    add_member(world["hub"], newcomer)
    board = board_of(newcomer)
    assert (board.leads, board.teacher, board.practitioner) == ([], None, None)
    assert board.empty and board.hours.total == 0


def test_charts_share_a_scale_and_keep_inside_their_width():
    chart = Chart("c", "Caption", ("A", "B"), (
        Bar("one", (Segment(2, "2"), Segment(2, "2"))), Bar("two", (Segment(1, "1"),)),
        Bar("over", (Segment(9, "9"),), scale=3)))
    one, two, over = chart.bars
    assert [p.width for p in chart.placed(one)] == [DRAWN / 2, DRAWN / 2]
    assert chart.placed(two)[0].width == DRAWN / 4
    assert chart.placed(over)[0].width == DRAWN  # never past the track
    assert one.printed == "4" and two.printed == "1"
    assert Bar("x" * 60, ()).short_label.endswith("…")
