from datetime import timedelta

from tests.conftest import HTMX
from workspace.clock import utcnow
from workspace.infra.mail import send_outbox
from workspace.models.partnerships import Role, Sector
from workspace.services.partnerships import membership as service


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_create_partnership_makes_the_creator_lead(client, auth, make_user):
    auth.login(make_user(name="Priya"))
    response = client.post("/partnerships/new", data={
        "name": "Northgate CEP", "kind": "cep", "place": "Northgate and Southfields wards",
        "lead_organisation": "Northgate Arts", "description": "Arts for every child"})
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"].replace("invitations", "")))
    assert "Northgate CEP" in page and "Cultural education partnership" in page
    assert "You are lead." in page


def test_invalid_partnership_form_keeps_input(client, auth, make_user):
    auth.login(make_user())
    response = client.post("/partnerships/new", data={"name": "Half typed", "kind": "hub",
                                                      "place": "", "lead_organisation": ""})
    assert response.status_code == 422
    page = _text(response)
    assert 'value="Half typed"' in page
    assert page.count("This field is required.") == 2
    assert service.list_memberships_of(make_user()) == []


def test_switcher_lists_every_partnership_of_the_person(client, auth, make_user,
                                                       make_partnership, add_member):
    person = make_user()
    add_member(make_partnership(name="Riverside Hub"), person)
    add_member(make_partnership(name="Northgate CEP"), person)
    make_partnership(name="Not mine")
    auth.login(person)
    page = _text(client.get("/"))
    assert "Riverside Hub" in page and "Northgate CEP" in page and "Not mine" not in page


def test_members_page_and_htmx_role_change_fragment(client, auth, make_user,
                                                    make_partnership, add_member):
    lead = make_user(name="Priya")
    partnership = make_partnership(lead=lead)
    tom = add_member(partnership, make_user(name="Tom"))
    auth.login(lead)
    page = _text(client.get(f"/p/{partnership.id}/members"))
    assert "<html" in page and "Tom" in page and 'id="member-list"' in page
    response = client.post(f"/p/{partnership.id}/members/{tom.id}/role", headers=HTMX,
                           data={"role": "steering"})
    fragment = _text(response)
    assert response.status_code == 200
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="member-list">')
    assert "Tom is now steering group member." in fragment
    assert tom.role == Role.STEERING


def test_refused_role_change_says_why_and_changes_nothing(client, auth, make_user,
                                                          make_partnership):
    lead = make_user()
    partnership = make_partnership(lead=lead)
    auth.login(lead)
    mine = partnership.memberships[0]
    response = client.post(f"/p/{partnership.id}/members/{mine.id}/role", headers=HTMX,
                           data={"role": "member"})
    assert response.status_code == 422
    assert "A partnership needs at least one lead" in _text(response)
    assert mine.role == Role.LEAD
    response = client.post(f"/p/{partnership.id}/members/{mine.id}/role",
                           data={"role": "member"}, follow_redirects=True)
    assert "A partnership needs at least one lead" in _text(response)


def test_roles_below_what_a_page_needs_get_403(client, auth, make_user, make_partnership,
                                               add_member):
    partnership = make_partnership()
    member = make_user()
    add_member(partnership, member, Role.MEMBER)
    auth.login(member)
    pid = partnership.id
    assert client.get(f"/p/{pid}/").status_code == 200
    assert client.get(f"/p/{pid}/members").status_code == 200
    assert client.get(f"/p/{pid}/log").status_code == 403
    assert client.get(f"/p/{pid}/invitations").status_code == 403
    response = client.post(f"/p/{pid}/organisations", data={"name": "X", "sector": "other"})
    assert response.status_code == 403
    assert service.list_organisations(partnership) == []


def test_invitation_fragment_by_htmx_and_invalid_email(client, auth, make_user,
                                                       make_partnership):
    lead = make_user()
    partnership = make_partnership(lead=lead)
    auth.login(lead)
    page = _text(client.get(f"/p/{partnership.id}/invitations"))
    assert "<html" in page and "No open invitations." in page
    response = client.post(f"/p/{partnership.id}/invitations", headers=HTMX,
                           data={"role": "steering", "email": "not an email"})
    assert response.status_code == 422
    assert 'value="not an email"' in _text(response)
    assert "Enter an email address like name@example.org." in _text(response)
    response = client.post(f"/p/{partnership.id}/invitations", headers=HTMX,
                           data={"role": "steering", "email": ""})
    fragment = _text(response)
    assert response.status_code == 200 and "<html" not in fragment
    token = service.list_open_invitations(partnership)[0].token
    assert f"/invite/{token}" in fragment and "Steering group member" in fragment


def test_an_emailed_invitation_is_queued_with_the_invitation_and_sent_after(
        client, auth, make_user, make_partnership, smtp_server):
    lead = make_user(name="Priya")
    partnership = make_partnership(lead=lead, name="Riverside\nHub")
    auth.login(lead)
    response = client.post(f"/p/{partnership.id}/invitations",
                           data={"role": "member", "email": "Jan@Example.org"})
    assert response.status_code == 302
    assert smtp_server.envelopes == []  # the request only queued it
    assert send_outbox(utcnow()).sent == 1
    [message] = smtp_server.to("jan@example.org")
    assert message["Subject"] == "Join Riverside Hub on Partnership Workspace"
    token = service.list_open_invitations(partnership)[0].token
    assert f"http://127.0.0.1:5000/invite/{token}" in message.get_content()
    assert "Priya invites you to join" in message.get_content()


def test_invitation_link_join_journey(client, auth, make_user, make_partnership):
    lead = make_user(name="Priya")
    partnership = make_partnership(lead=lead, name="Riverside Hub")
    token = service.create_invitation(partnership, lead, Role.STEERING).token
    page = _text(client.get(f"/invite/{token}"))
    assert "Priya invites you to join" in page and "Create an account" in page
    auth.login(make_user(name="Tom"))
    response = client.post(f"/invite/{token}")
    assert response.status_code == 302
    assert "Welcome to Riverside Hub." in _text(client.get(response.headers["Location"]))
    assert [m.user.name for m in service.list_members(partnership)] == ["Priya", "Tom"]
    assert "You are already a member." in _text(client.get(f"/invite/{token}"))


def test_expired_and_unknown_invitations(client, make_user, make_partnership, clock):
    partnership = make_partnership()
    token = service.create_invitation(partnership, partnership.memberships[0].user,
                                      Role.MEMBER, days=1).token
    assert client.get("/invite/nonsense").status_code == 404
    clock.shift(timedelta(days=2))
    response = client.get(f"/invite/{token}")
    assert response.status_code == 410
    assert "This invitation has expired." in _text(response)


def test_member_log_is_shown_to_leads(client, auth, make_user, make_partnership, add_member):
    lead = make_user(name="Priya")
    partnership = make_partnership(lead=lead)
    tom = add_member(partnership, make_user(name="Tom"))
    service.change_role(partnership, tom.id, Role.STEERING, lead)
    auth.login(lead)
    page = _text(client.get(f"/p/{partnership.id}/log"))
    assert "Role changed from member to steering group member" in page
    assert "Joined as member" in page and "Joined as lead" in page


def test_leave_and_remove(client, auth, make_user, make_partnership, add_member):
    lead = make_user()
    partnership = make_partnership(lead=lead)
    jan = make_user(name="Jan")
    add_member(partnership, jan)
    tom = add_member(partnership, make_user(name="Tom"))
    auth.login(lead)
    response = client.post(f"/p/{partnership.id}/members/{tom.id}/remove", headers=HTMX)
    assert "Tom" not in _text(response) and "The member has been removed." in _text(response)
    auth.logout()
    auth.login(jan)
    assert client.post(f"/p/{partnership.id}/leave").status_code == 302
    assert client.get(f"/p/{partnership.id}/").status_code == 404


def test_organisations_are_logged_with_sector_and_representatives(
        client, auth, make_user, make_partnership, add_member):
    lead = make_user()
    partnership = make_partnership(lead=lead)
    tom = add_member(partnership, make_user(name="Tom"), Role.STEERING)
    auth.login(tom.user)
    pid = partnership.id
    response = client.post(f"/p/{pid}/organisations", data={"name": "Northgate Primary",
                                                             "sector": "school"})
    assert response.status_code == 422
    assert 'value="Northgate Primary"' in _text(response)
    assert "Choose the school&#39;s phase." in _text(response)
    response = client.post(f"/p/{pid}/organisations", data={
        "name": "Northgate Primary", "sector": "school", "school_phase": "Primary"})
    org = service.list_organisations(partnership)[0]
    assert response.headers["Location"].endswith(f"/p/{pid}/organisations/{org.id}")
    client.post(f"/p/{pid}/organisations/{org.id}/representatives",
                data={"membership_id": tom.id})
    page = _text(client.get(f"/p/{pid}/organisations"))
    assert "Northgate Primary" in page and "School (primary)" in page and "Tom" in page
    assert (org.sector, [r.membership.user.name for r in org.representatives]) == (
        Sector.SCHOOL, ["Tom"])
