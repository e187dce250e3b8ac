"""Security headers (workspace/infra/headers.py) on every response: every endpoint walked with
tests/test_policy.py's sample partnership, as a kind of person its policy entry allows, with
every method; error pages (403, 404, 405, 500); file downloads and CSV exports. No template
holds what the Content-Security-Policy would refuse; SECURE adds HSTS and Secure cookies.
"""

import re
from pathlib import Path

import pytest

import workspace
from tests.conftest import PASSWORD
from tests.test_policy import Restorer, _requests, signed_in, zebra  # noqa: F401
from workspace import create_app
from workspace.blueprints.policy import POLICY, Kind
from workspace.extensions import db
from workspace.infra.headers import STRICT_TRANSPORT_SECURITY

# The kind each endpoint is walked as: the first its policy entry allows, so that most
# answers are the real page (a lead sees the most), not a refusal.
PREFERRED = [Kind.LEAD, Kind.OWNER, Kind.COORDINATOR, Kind.ASSESSOR, Kind.STEERING,
             Kind.MEMBER, Kind.MENTOR, Kind.EDITOR, Kind.ADMIN, Kind.ANONYMOUS]

FIXED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
CSP = {  # what each directive must allow, no more
    "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"],
    "img-src": ["'self'", "data:"], "connect-src": ["'self'"], "font-src": ["'self'"],
    "form-action": ["'self'"], "frame-ancestors": ["'none'"], "object-src": ["'none'"],
    "base-uri": ["'none'"],
}


def directives(policy: str) -> dict[str, list[str]]:
    """A policy's directives; of a repeated one, the first (as browsers do)."""
    found: dict[str, list[str]] = {}
    for part in policy.split(";"):
        if part.strip():
            name, *values = part.split()
            found.setdefault(name.lower(), values)
    return found


def header_problems(response, secure: bool = False) -> list[str]:
    """What is missing or wrong in a response's security headers."""
    headers = response.headers
    wrong = [f"{name}: {headers.get(name)!r}" for name, value in FIXED.items()
             if headers.get(name) != value]
    policy = headers.get("Content-Security-Policy", "")
    if "unsafe-" in policy:
        wrong.append(f"unsafe source in {policy!r}")
    given = directives(policy)
    wrong += [f"{name} {given.get(name)!r}" for name, values in CSP.items()
              if given.get(name) != values]
    permissions = headers.get("Permissions-Policy", "")
    wrong += [f"Permissions-Policy lacks {feature}=()" for feature in
              ("camera", "microphone", "geolocation") if f"{feature}=()" not in permissions]
    hsts = headers.get("Strict-Transport-Security")
    if hsts != (STRICT_TRANSPORT_SECURITY if secure else None):
        wrong.append(f"Strict-Transport-Security {hsts!r}")
    return wrong


def test_every_endpoint_answers_with_the_headers(app, zebra, capsys):  # noqa: F811
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the walk restores the database between requests with SQLite's backup")
    browsers = signed_in(app, zebra)
    restorer = Restorer(app)  # with everyone's login session, as the requests meet them
    wrong, endpoints, answers = [], set(), []
    for endpoint, method, url, data in list(_requests(app, zebra)):
        kind = next(k for k in PREFERRED if k in POLICY[endpoint])
        client = browsers.client(zebra["email"].get(kind))
        response = client.open(url, method=method, data=None if method == "GET" else data)
        wrong += [f"{method} {endpoint} ({response.status_code}): {problem}"
                  for problem in header_problems(response)]
        endpoints.add(endpoint)
        answers.append((endpoint, response.status_code, response.headers))
        response.close()
        if method != "GET":
            restorer.restore()
    assert not wrong, "\n".join(wrong)
    downloads = {e for e, status, h in answers
                 if status == 200 and "attachment" in h.get("Content-Disposition", "")}
    assert {"cpd.download_resource", "progress.download_evidence"} <= downloads
    assert "sandbox" in directives(next(h for e, _, h in answers if e == "cpd.download_resource")
                                   ["Content-Security-Policy"])
    csv = {e for e, status, h in answers if status == 200 and h.get("Content-Type", "")
           .startswith("text/csv")}
    assert {"progress.workforce_csv", "cpd.supply_csv", "audits.provision_csv"} <= csv
    assert {200, 302, 422} <= {status for _, status, _ in answers}
    with capsys.disabled():
        print(f"\nheaders checked on {len(endpoints)} endpoints ({len(answers)} responses)")


def test_error_pages_answer_with_the_headers(app, client, auth, make_user, make_partnership,
                                             add_member):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a server error is answered, as in production

    @app.route("/boom")
    def boom():
        raise RuntimeError("a bug")

    partnership = make_partnership()
    member = make_user()
    add_member(partnership, member)
    auth.login(member)
    answers = {
        404: client.get("/no-such-page"),
        403: client.get(f"/p/{partnership.id}/invitations"),  # leads only
        405: client.get("/logout"),
        500: client.get("/boom"),
        413: client.post("/login", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)}),
    }
    for status, response in answers.items():
        assert response.status_code == status
        assert header_problems(response) == [], status
        assert b"Partnership Workspace" in response.data  # the app's error page


def test_static_files_and_fragments_answer_with_the_headers(client):
    for url in ("/static/app.css", "/static/vendor/htmx.min.js", "/login"):
        for headers in ({}, {"HX-Request": "true"}):
            assert header_problems(client.get(url, headers=headers)) == [], url


# --- templates ------------------------------------------------------------------------------

TEMPLATES = Path(workspace.__file__).parent / "templates"
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
HANDLER = re.compile(r"""(?:^|[\s"'/])on[a-z]+\s*=""", re.I)
STYLE_ATTRIBUTE = re.compile(r"""(?:^|[\s"'])style\s*=""", re.I)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)


def refused_by_the_policy(text: str) -> list[str]:
    """Inline handlers, style attributes, <style> elements, inline scripts, hx-on, javascript:
    URLs: what the Content-Security-Policy refuses (or, hx-on, what needs eval)."""
    text = JINJA_COMMENT.sub("", text)
    found = [m.group(0) for m in HANDLER.finditer(text)]
    found += [m.group(0) for m in STYLE_ATTRIBUTE.finditer(text)]
    found += re.findall(r"<style\b|hx-on|javascript:", text, re.I)
    found += [m.group(0) for m in SCRIPT.finditer(text)
              if "src=" not in m.group(1) or m.group(2).strip()]
    return found


def test_no_template_holds_inline_script_style_or_handlers():
    offenders = {str(path.relative_to(TEMPLATES)): found for path in TEMPLATES.rglob("*.html")
                 if (found := refused_by_the_policy(path.read_text()))}
    assert offenders == {}


def test_the_template_scan_finds_what_it_looks_for():
    for bad in ('<button onclick="x()">', "<p style='color:red'>", "<style>p{}</style>",
                "<script>alert(1)</script>", '<p hx-on::load="x">', '<a href="javascript:x">',
                '<form method="post"\n      onsubmit="return confirm()">'):
        assert refused_by_the_policy(bad), bad
    for good in ('<script src="/static/app.js" defer></script>', '<form action="/x">',
                 '<p data-confirm="Delete?">', "{# a <style> in a comment #}",
                 '<input aria-describedby="x" data-select-on-focus>'):
        assert not refused_by_the_policy(good), good


# --- production -----------------------------------------------------------------------------

@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


def _cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


@pytest.mark.parametrize("app_config", [{"SECURE": True}], indirect=True)
def test_secure_adds_hsts_and_secure_cookies(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "remember": "y"})
    assert response.status_code == 302
    assert header_problems(response, secure=True) == []
    cookies = _cookies(response)
    for name in ("session", "remember_token"):
        assert "; Secure" in cookies[name] and "; HttpOnly" in cookies[name], cookies[name]
        assert "SameSite=Lax" in cookies[name], cookies[name]
    assert header_problems(client.get("/no-such-page"), secure=True) == []


def test_without_secure_cookies_are_still_httponly_and_lax(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "remember": "y"})
    assert header_problems(response) == []  # and no HSTS over plain http
    for name, cookie in _cookies(response).items():
        assert "; HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie, name


def test_flask_secure_in_the_environment_turns_it_on(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_SECURE", "1")
    monkeypatch.setenv("FLASK_SECRET_KEY", "not written to the instance folder")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
