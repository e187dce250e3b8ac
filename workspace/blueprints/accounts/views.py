"""Register, log in and out, profile, change and reset password."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from workspace.blueprints.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from workspace.blueprints.rendering import add_domain_error, render_form
from workspace.exceptions import DomainError
from workspace.extensions import limiter
from workspace.services.accounts import users as account_service

bp = Blueprint("accounts", __name__)


def _safe_next(default: str = "main.index") -> str:
    """The `next` target when it stays on this site, else the default page."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return url_for(default)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = account_service.register_user(form.email.data, form.name.data,
                                                 form.password.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            login_user(user)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(_safe_next())
    return render_form("accounts/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = account_service.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next())
        form.form_errors.append("That email and password do not match an account.")
    return render_form("accounts/login.html", form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You have logged out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            account_service.update_profile(current_user, form.name.data, form.email.data,
                                           form.current_password.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("accounts.profile"))
    return render_form("accounts/profile.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            account_service.change_password(current_user, form.current_password.data,
                                            form.password.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            login_user(current_user)  # the session token changed: renew this session's cookie
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.profile"))
    return render_form("accounts/password.html", form)


def _reset_link(token: str) -> str:
    return url_for("accounts.reset_password", token=token, _external=True)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        account_service.email_reset_link(form.email.data, current_app.config["SECRET_KEY"],
                                         _reset_link)
        flash("If an account uses that email, a reset link is on its way.", "info")
        return redirect(url_for("accounts.login"))
    return render_form("accounts/reset_request.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    cfg = current_app.config
    try:
        user = account_service.user_for_reset_token(token, cfg["SECRET_KEY"],
                                                    cfg["PASSWORD_RESET_MAX_AGE"])
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        account_service.set_password(user, form.password.data)
        flash("Your password is changed. Log in with it now.", "success")
        return redirect(url_for("accounts.login"))
    return render_form("accounts/reset_password.html", form)
