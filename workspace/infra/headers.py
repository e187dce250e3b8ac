"""Security headers on every response (pages, fragments, error pages, downloads, static files),
and secure cookies in production.

The Content-Security-Policy allows no inline script, inline style or eval: every script and
style is a file under static/, templates carry no handlers or style attributes
(tests/test_headers.py scans them), and htmx is configured in base.html not to inject its
indicator style, run scripts from fragments or evaluate code. A response may carry its own,
stricter policy (downloads: `sandbox`); its directives come first, and a browser keeps the first
of a repeated directive, so the app's fill in only what it does not say.

With SECURE on (FLASK_SECURE=1 in production, behind HTTPS) responses also carry HSTS and the
session and remember-me cookies are sent over HTTPS only.
"""

from flask import Flask, Response, current_app

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # Pico draws checkboxes and select arrows as data: SVGs
    "connect-src 'self'",  # htmx requests and the chat's live stream
    "font-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
])

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def register_security_headers(app: Flask) -> None:
    """Secure cookies when SECURE is on, and the headers on every response."""
    if app.config.get("SECURE"):
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    own = response.headers.get("Content-Security-Policy")
    response.headers["Content-Security-Policy"] = (
        f"{own}; {CONTENT_SECURITY_POLICY}" if own else CONTENT_SECURITY_POLICY)
    response.headers.update(HEADERS)
    # A page and its htmx fragment share an address: caches (the browser's, for Back) must
    # keep them apart.
    response.vary.add("HX-Request")
    if current_app.config.get("SECURE"):
        response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return response
