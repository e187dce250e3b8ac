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


def test_with_redis_configured_the_counts_live_in_redis(app, client, make_user, redis_prefix):
    """Every worker reads the same counts: they are kept in Redis, under the site's prefix."""
    import redis

    from tests.conftest import REDIS_URL
    from workspace import create_app
    from workspace.extensions import db, limiter

    shared = create_app({**app.config, "RATELIMIT_STORAGE_URI": REDIS_URL,
                         "RATELIMIT_KEY_PREFIX": redis_prefix})
    user = make_user()
    worker = shared.test_client()
    for _ in range(3):
        assert worker.post("/login", data={"email": user.email, "password": "guessing!!"}) \
            .status_code == 422
    assert worker.post("/login", data={"email": user.email, "password": "guessing!!"}) \
        .status_code == 429
    keys = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"*{redis_prefix}*"))
    assert keys, "no rate-limit count in Redis"
    with shared.app_context():  # the second app's database connections close with it
        db.session.remove()
        db.engine.dispose()
    limiter.init_app(app)  # the other tests' app gets its in-memory storage back
