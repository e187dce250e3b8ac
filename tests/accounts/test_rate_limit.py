import pytest


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}


def test_repeated_log_in_attempts_are_slowed_down(client, make_user):
    user = make_user()
    for _ in range(3):
        response = client.post("/login", data={"email": user.email, "password": "guessing!!"})
        assert response.status_code == 422
    response = client.post("/login", data={"email": user.email, "password": "guessing!!"})
    assert response.status_code == 429
    assert "Please wait a moment and try again." in response.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # only attempts are limited
