"""Two hubs form a SEND network; hub A opens a session to it; a teacher of hub B finds it,
books it, is marked attending, carries away her certificate and credential, and the public
page confirms the credential. Hub A's lead sees her booking and nothing else of hub B; hub
B's lead sees none of hub A's members."""

from datetime import time
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle, log_in
from workspace.clock import local_to_utc
from workspace.models.partnerships import Role
from workspace.services.cpd import sessions

pytestmark = pytest.mark.browser


@pytest.fixture
def hubs(make_user, make_partnership, add_member):
    ada = make_user(name="Ada Lead", email="ada@example.org", password=PASSWORD)
    bea = make_user(name="Bea Lead", email="bea@example.org", password=PASSWORD)
    hub_a = make_partnership(lead=ada, name="Northumberland Music Hub")
    hub_b = make_partnership(lead=bea, name="Tees Valley Music Hub")
    add_member(hub_a, make_user(name="Alf Quietly", email="alf@example.org"), Role.MEMBER)
    add_member(hub_b, make_user(name="Bet Teacher", email="bet@example.org",
                                password=PASSWORD), Role.MEMBER)
    add_member(hub_b, make_user(name="Bo Private", email="bo@example.org"), Role.MEMBER)
    cpd_network = sessions.create_network(hub_a, name="SEND practitioners", coordinator=ada)
    return hub_a, hub_b, cpd_network


def test_two_hubs_share_a_session_and_nothing_else(live_server, new_page, hubs, clock, shot):
    hub_a, hub_b, cpd_network = hubs
    ada = new_page()
    log_in(ada, live_server, "ada@example.org")
    ada.get_by_role("link", name="Networks").click()
    ada.get_by_label("Name").fill("North East SEND network")
    ada.get_by_label("Region or theme").fill("North East · SEND")
    ada.get_by_role("button", name="Form the network").click()
    expect(ada.get_by_text("North East SEND network is formed")).to_be_visible()
    ada.get_by_label("For (a note for yourselves)").fill("Tees Valley")
    ada.get_by_role("button", name="Make an invitation link").click()
    link = ada.get_by_label("Invitation link").input_value()

    bea = new_page()
    log_in(bea, live_server, "bea@example.org")
    bea.goto(link)
    bea.get_by_label("Bring in").select_option(label="Tees Valley Music Hub")
    bea.get_by_role("button", name="Join the network").click()
    expect(bea.get_by_text("Tees Valley Music Hub is now a partner")).to_be_visible()
    expect(bea.locator("#partners")).to_contain_text("Northumberland Music Hub")
    shot(bea, "network-overview")

    day = clock.ahead(9)
    ada.goto(f"{live_server}/p/{hub_a.id}/cpd/networks/{cpd_network.id}")
    ada.get_by_role("button", name="Schedule sessions").click()
    ada.get_by_label("Title").fill("Adaptive instruments in the classroom")
    ada.get_by_label("Date", exact=True).fill(day.isoformat())
    ada.get_by_label("Starts").fill("09:30")
    ada.get_by_label("Ends").fill("15:30")
    ada.get_by_label("Places").fill("12")
    ada.get_by_label("Learning hours").fill("5")
    ada.get_by_label("Open to").select_option(label="The partnerships of North East SEND network")
    ada.get_by_role("button", name="Schedule").click()
    expect(ada.get_by_text("is scheduled")).to_be_visible()

    bet = new_page({"width": 375, "height": 800})
    log_in(bet, live_server, "bet@example.org")
    bet.goto(live_server + "/cpd/mine")
    bet.get_by_role("link", name="Open CPD").click()
    bet.get_by_role("link", name="Adaptive instruments in the classroom").click()
    expect(bet.get_by_text("Run by Northumberland Music Hub")).to_be_visible()
    bet.get_by_role("button", name="Sign up").click()
    expect(bet.get_by_text("You have a place.")).to_be_visible()
    htmx_idle(bet)
    shot(bet, "open-session-booked-phone")

    session_id = int(bet.url.rstrip("/").rsplit("/", 1)[-1])
    host_page = f"{live_server}/p/{hub_a.id}/cpd/sessions/{session_id}"
    with time_machine.travel(local_to_utc(day, time(10)), tick=True):
        ada.goto(host_page)
        expect(ada.get_by_role("row", name="Bet Teacher guest")).to_be_visible()
        ada.get_by_role("button", name="Take the register").click()
        ada.get_by_role("button", name="Attended: Bet Teacher").click()
        expect(ada.locator("li", has_text="Bet Teacher")).to_contain_text("Attended")
        shot(ada, "open-session-register")
        # Hub A's lead sees her booking, and nothing else of hub B.
        for page_url in (host_page, f"{live_server}/networks", ada.url):
            ada.goto(page_url)
            expect(ada.locator("main")).not_to_contain_text("Bo Private")
            expect(ada.locator("main")).not_to_contain_text("Bea Lead")
        for inside in ("members", "organisations", "cpd/"):
            assert ada.goto(f"{live_server}/p/{hub_b.id}/{inside}").status == 404

    bet.goto(live_server + "/me/cpd-log")
    bet.get_by_role("link", name="Certificate for Adaptive instruments in the classroom").click()
    expect(bet.get_by_role("heading", name="Bet Teacher")).to_be_visible()
    expect(bet.get_by_text("Northumberland Music Hub").first).to_be_visible()
    with bet.expect_download() as pdf:
        bet.get_by_role("button", name="Download PDF").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with bet.expect_download() as credential:
        bet.get_by_role("button", name="Download credential").click()
    text = Path(credential.value.path()).read_text()
    checker = new_page()
    checker.goto(live_server + "/credentials/verify")
    checker.get_by_label("The credential (the text of its .jws file)").fill(text)
    checker.get_by_role("button", name="Check").click()
    expect(checker.get_by_role("status")).to_contain_text(
        "Genuine. Issued by Northumberland Music Hub to Bet Teacher")

    # Hub B's lead sees none of hub A's members: not on the network's pages, not inside hub A.
    network_url = bea.url
    for page_url in (network_url, f"{live_server}/cpd/open/{session_id}",
                     f"{live_server}/cpd/open", f"{live_server}/networks"):
        bea.goto(page_url)
        expect(bea.locator("main")).not_to_contain_text("Alf Quietly")
        expect(bea.locator("main")).not_to_contain_text("Ada Lead")
    for inside in ("members", "organisations", f"cpd/sessions/{session_id}"):
        assert bea.goto(f"{live_server}/p/{hub_a.id}/{inside}").status == 404
