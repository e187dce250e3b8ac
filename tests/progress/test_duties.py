"""Prior learning is verified only by someone independent of the claimant: never the
claimant, nor a lead of a partnership the claimant created or leads (a second account made
lead of one's own partnership is no second person), nor an assessor of a centre whose
partnership the claimant leads or created. Each refusal says why and changes nothing."""

import pytest

from tests.clock import FROZEN_NOW
from tests.progress.conftest import TODAY
from tests.test_csrf import everything
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models.partnerships import Role
from workspace.models.progress import ClaimState
from workspace.services.partnerships import membership as partnerships
from workspace.services.progress import centres, tracking

NOW = FROZEN_NOW
NOT_INDEPENDENT = "not independent of them"


@pytest.fixture
def sock_puppet(make_user, make_partnership, add_member, shelf):
    """Mallory creates a partnership, makes her second account a lead, and claims."""
    mallory = make_user(name="Mallory")
    own = make_partnership(lead=mallory, name="Mallory's partnership")
    puppet = add_member(own, make_user(name="Puppet"), Role.LEAD).user
    claim = tracking.claim_prior_learning(mallory, shelf["planning"], "Trust me")
    return {"mallory": mallory, "own": own, "puppet": puppet, "claim": claim}


def test_the_claimant_never_verifies_their_own(sock_puppet):
    before = everything()
    with pytest.raises(DomainError, match="Someone else must verify your own"):
        tracking.decide_claim(sock_puppet["own"].id, sock_puppet["claim"].id,
                              sock_puppet["mallory"], True, NOW)
    assert everything() == before


def test_a_sock_puppet_lead_cannot_verify(sock_puppet):
    own, claim = sock_puppet["own"], sock_puppet["claim"]
    before = everything()
    for verified in (True, False):
        with pytest.raises(DomainError, match=NOT_INDEPENDENT):
            tracking.decide_claim(own.id, claim.id, sock_puppet["puppet"], verified, NOW)
    assert everything() == before
    assert claim.state == ClaimState.CLAIMED


def test_stepping_down_does_not_make_the_creators_partnership_independent(sock_puppet):
    own, mallory = sock_puppet["own"], sock_puppet["mallory"]
    founder = partnerships.find_membership(own.id, mallory)
    partnerships.change_role(own, founder.id, Role.MEMBER, sock_puppet["puppet"])
    with pytest.raises(DomainError, match=NOT_INDEPENDENT):
        tracking.decide_claim(own.id, sock_puppet["claim"].id, sock_puppet["puppet"], True, NOW)


def test_a_fellow_lead_of_a_partnership_the_claimant_leads_cannot_verify(
        make_user, make_partnership, add_member, shelf):
    founder = make_user(name="Founder")
    hub = make_partnership(lead=founder)
    claimant = add_member(hub, make_user(name="Co-lead"), Role.LEAD).user
    claim = tracking.claim_prior_learning(claimant, shelf["planning"], "Experience")
    with pytest.raises(DomainError, match=NOT_INDEPENDENT):
        tracking.decide_claim(hub.id, claim.id, founder, True, NOW)


def test_a_lead_of_an_independent_partnership_verifies(sock_puppet, make_user,
                                                       make_partnership, add_member):
    outsider = make_user(name="Independent Lead")
    elsewhere = make_partnership(lead=outsider, name="Independent hub")
    add_member(elsewhere, sock_puppet["mallory"])
    claim = tracking.decide_claim(elsewhere.id, sock_puppet["claim"].id, outsider, True, NOW)
    assert claim.state == ClaimState.VERIFIED


def test_the_leads_page_offers_no_verification_to_a_sock_puppet(client, auth, sock_puppet):
    own, claim = sock_puppet["own"], sock_puppet["claim"]
    auth.login(sock_puppet["puppet"])
    page = client.get(f"/p/{own.id}/prior-learning").get_data(as_text=True)
    assert "Trust me" in page and f"/prior-learning/{claim.id}/verify" not in page
    assert "a centre's assessor or a lead of another partnership verifies it" in page
    before = everything()
    response = client.post(f"/p/{own.id}/prior-learning/{claim.id}/verify")
    assert response.status_code == 302
    assert NOT_INDEPENDENT in client.get(response.headers["Location"]).get_data(as_text=True)
    assert everything() == before


def test_a_centre_assessor_never_decides_their_own_claim(cme_hub):
    centre, assessor = cme_hub["centre"], cme_hub["assessor"]
    registration = centres.register(centre, assessor, TODAY)
    claim = tracking.claim_prior_learning(assessor, cme_hub["unit"], "My own teaching")
    before = everything()
    with pytest.raises(DomainError, match="Someone else must verify your own"):
        centres.decide_claim(centre, assessor, claim.id, True, NOW)
    with pytest.raises(DomainError, match="Someone else must verify your own"):
        centres.mark_achieved(centre, assessor, registration.enrolment_id,
                              cme_hub["unit"].id, TODAY)
    assert everything() == before


def test_an_assessor_appointed_by_the_learner_cannot_decide(cme_hub, add_member):
    """The lead who created the centre's partnership appointed its assessor."""
    centre, lead = cme_hub["centre"], cme_hub["lead"]
    centres.register(centre, lead, TODAY)
    claim = tracking.claim_prior_learning(lead, cme_hub["unit"], "I run the hub")
    before = everything()
    with pytest.raises(DomainError, match="leads or created the centre's partnership"):
        centres.decide_claim(centre, cme_hub["assessor"], claim.id, True, NOW)
    assert everything() == before
    # The same assessor still decides for a learner who does not control the partnership.
    centres.register(centre, cme_hub["learner"], TODAY)
    theirs = tracking.claim_prior_learning(cme_hub["learner"], cme_hub["unit"], "Ten years")
    assert centres.decide_claim(centre, cme_hub["assessor"], theirs.id, True, NOW).state == \
        ClaimState.VERIFIED


def test_the_assessors_page_offers_no_decision_the_assessor_may_not_make(client, auth,
                                                                         cme_hub):
    centre, lead, partnership = cme_hub["centre"], cme_hub["lead"], cme_hub["partnership"]
    centres.register(centre, lead, TODAY)
    claim = tracking.claim_prior_learning(lead, cme_hub["unit"], "I run the hub")
    auth.login(cme_hub["assessor"])
    base = f"/p/{partnership.id}/centres/{centre.id}"
    page = client.get(f"{base}/assessing").get_data(as_text=True)
    assert "I run the hub" in page and f"/prior-learning/{claim.id}/verify" not in page
    assert "an assessor of an independent centre decides it" in page
    before = everything()
    client.post(f"{base}/prior-learning/{claim.id}/verify")
    assert everything() == before
    db.session.expire_all()
    assert claim.state == ClaimState.CLAIMED


def test_marking_ones_own_unit_achieved_is_refused_with_a_message(client, auth, cme_hub):
    centre, assessor, partnership = cme_hub["centre"], cme_hub["assessor"], cme_hub["partnership"]
    registration = centres.register(centre, assessor, TODAY)
    auth.login(assessor)
    before = everything()
    response = client.post(f"/p/{partnership.id}/centres/{centre.id}/enrolments/"
                           f"{registration.enrolment_id}/units/{cme_hub['unit'].id}/achieved")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Someone else must verify your own prior learning." in page
    assert everything() == before
