"""The README's tour: each demo persona signs in to the demo that `flask seed` loads, sees
their dashboard with a chart and its table, and opens the screens they come for. With
TOUR_DIR set (`make tour` sets docs/tour) each screen is saved there, so the README's pictures
are those of the current code."""

import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from workspace.extensions import db
from workspace.models import (
    Audit,
    CatalogueItem,
    Membership,
    Network,
    Partnership,
    PartnershipNetwork,
    User,
)
from workspace.models.partnerships import Role
from workspace.services import demo
from workspace.services.catalogue.seed import load_catalogue_seed

pytestmark = pytest.mark.browser


def _led_by(email: str) -> Partnership:
    return db.session.scalar(select(Partnership).join(Membership).join(User).where(
        User.email == email, Membership.role == Role.LEAD))


@pytest.fixture
def tour():
    """The demo, and each persona's screens: (name, address) in the order the tour shows."""
    load_catalogue_seed()
    demo.load_demo()
    cep, north = _led_by("lead@example.org"), _led_by("ne.lead@example.org")
    audit = db.session.scalar(select(Audit.id).where(Audit.partnership_id == cep.id))
    network = db.session.scalar(select(Network.id).where(Network.partnership_id == cep.id)
                                .order_by(Network.name))
    send = db.session.scalar(select(PartnershipNetwork.id))
    cme = db.session.scalar(select(CatalogueItem.id).where(CatalogueItem.stable_id == "CME"))
    p = f"/p/{cep.id}"
    return {
        "lead@example.org": [("overview", f"{p}/"), ("cpd", f"{p}/cpd/networks/{network}"),
                             ("gaps", f"{p}/audits/{audit}/gaps"),
                             ("workforce", f"{p}/workforce"), ("governance", f"{p}/governance/")],
        "steering@example.org": [("steering", f"{p}/steering/"), ("actions", f"{p}/actions/")],
        "teacher@example.org": [("my-cpd", "/cpd/mine"), ("chat", f"{p}/chat/")],
        "practitioner@example.org": [("progress", "/me/progress"),
                                     ("next-steps", "/me/next-steps")],
        "editor@example.org": [("catalogue", "/catalogue/?q=music+educators"),
                               ("item", f"/catalogue/items/{cme}")],
        "admin@example.org": [("admin", "/admin/")],
        "ne.lead@example.org": [("network", f"/networks/{send}"),
                                ("open-session", None), ("hub", f"/p/{north.id}/")],
    }


def _save(page, name: str) -> None:
    folder = os.environ.get("TOUR_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"))


def test_each_persona_tours_the_demo(live_server, new_page, tour):
    for email, screens in tour.items():
        persona = email.split("@")[0].replace(".", "-")
        page = new_page(viewport={"width": 1280, "height": 800})
        page.goto(live_server + "/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
        chart = page.locator("figure.chart").first
        expect(chart.locator("svg[role=img]")).to_be_visible()
        expect(chart.get_by_text("The figures as a table")).to_be_visible()
        _save(page, f"{persona}-dashboard")
        for name, address in screens:
            if address is None:  # the first session opened to the network, from its page
                page.locator("a[href^='/cpd/open/']").first.click()
            else:
                assert page.goto(live_server + address).status == 200, address
            expect(page.locator("main h1").first).to_be_visible()
            _save(page, f"{persona}-{name}")
        page.close()
