"""A live server in a thread and headless Chromium (Debian's) driven by Playwright.

Without Chromium the browser tests skip, unless REQUIRE_BROWSER=1 (as in CI), where they fail.
Every page they visit is checked for accessibility (tests/e2e/accessibility.py) with axe-core,
which `make install` fetches; without it the check is left out, unless REQUIRE_BROWSER=1.
"""

import os
import shutil
import time

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import emailed_link
from tests.e2e.accessibility import AXE, Auditor

PASSWORD = "a long enough password"  # the people the journeys' fixtures make sign in with it

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which(
        "chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but no Chromium was found")
        pytest.skip("no Chromium: install Debian's chromium (make browser) for browser tests")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True,
                                             args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


AUDITS: list[Auditor] = []  # the session's auditor, for the summary at the end


@pytest.fixture(scope="session")
def auditor(browser):
    if not AXE.is_file():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but axe-core is missing ({AXE}): make install")
        yield None
        return
    AUDITS.append(Auditor(browser))
    yield AUDITS[0]
    AUDITS[0].close()


def pytest_terminal_summary(terminalreporter):
    if AUDITS:
        audits = AUDITS[0]
        terminalreporter.write_line(
            f"accessibility: {len(audits.checked)} pages checked with axe-core at their width "
            f"and at 375 px ({audits.seconds:.1f} s)")


@pytest.fixture
def new_page(browser, auditor):
    """Pages in fresh contexts; the test fails if a page's console reports anything refused by
    the Content-Security-Policy (an inline style or script left somewhere: infra/headers.py),
    or if a page it showed fails the accessibility check (tests/e2e/accessibility.py)."""
    contexts, refused, copies = [], [], []

    def watch(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{message.location.get('url')}: {message.text}")

    def make(viewport=None):
        viewport = viewport or {"width": 1280, "height": 860}
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        if auditor:
            copies.append((auditor.watch(context), context, viewport["width"]))
        page = context.new_page()
        page.on("console", watch)
        return page

    yield make
    problems = []
    if auditor:
        started = time.monotonic()
        for kept, context, width in copies:
            for page in context.pages:
                page.evaluate("0")  # the copies the page sent before now have arrived
            problems += auditor.audit(kept, width)
        auditor.seconds += time.monotonic() - started
    for context in contexts:
        context.close()
    assert not refused, "refused by the Content-Security-Policy:\n" + "\n".join(refused)
    assert not problems, "accessibility (axe-core, page width):\n" + "\n".join(problems)


@pytest.fixture
def shot():
    """Save a screenshot when SCREENSHOT_DIR is set, to look at what the journey showed."""
    folder = os.environ.get("SCREENSHOT_DIR")

    def take(page, name: str):
        if folder:
            os.makedirs(folder, exist_ok=True)
            page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)

    return take


def htmx_idle(page) -> None:
    """Wait until htmx has no request in flight and has settled the last swap."""
    page.wait_for_function(
        "() => window.htmx && !document.querySelector('.htmx-request, .htmx-swapping, "
        ".htmx-settling, .htmx-added')")


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the log-in page, and wait until the page says so."""
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def sign_up(page, base: str, name: str, email: str, password: str = PASSWORD) -> None:
    """Create an account as a newcomer does: the address, then the emailed link, then name
    and password (from the register page or wherever `page` already stands on it)."""
    if "/register" not in page.url:
        page.goto(base + "/register")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send sign-up link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(base + emailed_link(email, "/register/"))
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Welcome, {name}. Your account is ready.")).to_be_visible()
