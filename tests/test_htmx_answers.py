"""What the server tells htmx: errors as a message to show in place, whole pages for history
restores, and caches told that a page and its fragment differ."""

from tests.conftest import HTMX


def test_an_htmx_error_answer_is_the_message_alone(client, auth, make_user,
                                                   make_partnership, add_member):
    lead = make_user(name="Priya", email="priya@example.org")
    partnership = make_partnership(lead=lead)
    jan = make_user(name="Jan", email="jan@example.org")
    add_member(partnership, jan)
    auth.login(jan)
    url = f"/p/{partnership.id}/members/1/role"
    fragment = client.post(url, headers=HTMX, data={"role": "lead"})
    assert fragment.status_code == 403
    assert fragment.get_data(as_text=True).strip() == (
        '<p class="request-error" role="alert" data-error-message>Not allowed: Your role in '
        'this partnership does not allow that.</p>')
    page = client.post(url, data={"role": "lead"})
    assert page.status_code == 403 and "<html" in page.get_data(as_text=True)


def test_a_history_restore_gets_the_whole_page(client, auth, make_user):
    auth.login(make_user())
    fragment = client.get("/catalogue/?q=music", headers=HTMX).get_data(as_text=True)
    restored = client.get("/catalogue/?q=music", headers={
        **HTMX, "HX-History-Restore-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert "<html" in restored and 'id="results"' in restored


def test_pages_and_fragments_vary_on_the_htmx_header(client, auth, make_user):
    auth.login(make_user())
    for headers in ({}, HTMX):
        response = client.get("/catalogue/?q=music", headers=headers)
        assert "HX-Request" in response.vary
