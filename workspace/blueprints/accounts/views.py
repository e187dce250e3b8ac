"""Register, log in and out, profile, change and reset password."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import confirm_login, current_user, login_required, login_user, logout_user

from workspace.blueprints.access import mark_fresh, recent_login_required
from workspace.blueprints.accounts.forms import (
    ChangePasswordForm,
    ConfirmPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignUpForm,
)
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import add_domain_error, render_form
from workspace.clock import utcnow
from workspace.exceptions import DomainError
from workspace.extensions import limiter
from workspace.infra.links import absolute_url
from workspace.services import permissions
from workspace.services.accounts import deletion, sessions
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


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _person() -> str:
    """Limits on forms that take the current password count per person, so that a stolen
    session cannot guess it from many addresses."""
    return f"person:{current_user.get_id()}"


def _sign_in(user, remember: bool = False) -> None:
    """Open a login session on the server and put its token in the cookies."""
    sessions.start_session(user, utcnow())
    login_user(user, remember=remember)
    mark_fresh()


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    """Sign-up, first step: a link to finish it goes to the address given (or, if it has an
    account already, a note saying so); the page says the same either way."""
    form = SignUpForm()
    if form.validate_on_submit():
        account_service.email_sign_up_link(
            form.email.data, _safe_next(), current_app.config["SECRET_KEY"],
            finish_link=lambda token: absolute_url("accounts.finish_registration", token=token),
            login_link=absolute_url("accounts.login"),
            reset_link=absolute_url("accounts.reset_request"))
        return render_template("accounts/register_sent.html", email=form.email.data)
    return render_form("accounts/register.html", form)


@bp.route("/register/<token>", methods=["GET", "POST"])
def finish_registration(token: str):
    """Sign-up, second step, from the emailed link: name and password, then signed in."""
    cfg = current_app.config
    try:
        email, next_path = account_service.sign_up_for_token(token, cfg["SECRET_KEY"],
                                                             cfg["SIGN_UP_LINK_MAX_AGE"])
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.register"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = account_service.register_user(email, form.name.data, form.password.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            _sign_in(user)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(next_path)
    return render_form("accounts/finish_registration.html", form, email=email)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = account_service.authenticate(form.email.data, form.password.data)
        refusal = permissions.why_not_sign_in(user) if user is not None else None
        if user is not None and refusal is None:
            _sign_in(user, remember=form.remember.data)
            return redirect(_safe_next())
        form.form_errors.append(refusal or "That email and password do not match an account.")
    return render_form("accounts/login.html", form)


@bp.post("/logout")
@login_required
def logout():
    sessions.end_session(current_user.login_token, utcnow())
    logout_user()
    flash("You have logged out.", "info")
    return redirect(url_for("main.index"))


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere():
    """End every login session of the person, this one included (a lost or shared device)."""
    ended = sessions.end_all_sessions(current_user, utcnow())
    logout_user()
    flash(f"You have logged out everywhere ({ended} "
          f"{'session' if ended == 1 else 'sessions'} ended).", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@recent_login_required
def delete_account():
    """Delete one's own account (services/accounts/deletion says what goes and what stays)."""
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        try:
            deletion.delete_account(current_user, form.password.data, utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            logout_user()
            flash("Your account is deleted. Thank you for the work you shared.", "info")
            return redirect(url_for("main.index"))
    return render_form("accounts/delete.html", form)


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"], key_func=_person)
def reauthenticate():
    """Ask for the password again before a sensitive action (`recent_login_required`)."""
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        if account_service.authenticate(current_user.email, form.password.data) is not None:
            confirm_login()
            mark_fresh()
            return redirect(_safe_next())
        form.password.errors.append("That is not your password.")
    return render_form("accounts/reauthenticate.html", form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"], key_func=_person)
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            link_sent = account_service.update_profile(
                current_user, form.name.data, form.email.data, form.current_password.data,
                current_app.config["SECRET_KEY"],
                confirm_link=lambda token: absolute_url("accounts.confirm_email", token=token))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"Your profile is saved. We have sent a link to {form.email.data}: your "
                  "email changes when you open it." if link_sent else "Your profile is saved.",
                  "success")
            return redirect(url_for("accounts.profile"))
    return render_form("accounts/profile.html", form, end_all=ConfirmForm(),
                       open_sessions=sessions.count_open_sessions(current_user))


@bp.route("/account/email/<token>", methods=["GET", "POST"])
@login_required
def confirm_email(token: str):
    """The link sent to a new address: confirming moves the account to it."""
    cfg = current_app.config
    try:
        new_email = account_service.email_change_for_token(
            current_user, token, cfg["SECRET_KEY"], cfg["EMAIL_CHANGE_MAX_AGE"])
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.profile"))
    form = ConfirmForm()
    if form.validate_on_submit():
        account_service.confirm_email_change(current_user, token, cfg["SECRET_KEY"],
                                             cfg["EMAIL_CHANGE_MAX_AGE"])
        flash(f"Your email is now {new_email}.", "success")
        return redirect(url_for("accounts.profile"))
    return render_form("accounts/confirm_email.html", form, new_email=new_email)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"], key_func=_person)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            account_service.change_password(current_user, form.current_password.data,
                                            form.password.data, utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.profile"))
    return render_form("accounts/password.html", form)


def _reset_link(token: str) -> str:
    return absolute_url("accounts.reset_password", token=token)


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
        account_service.set_password(user, form.password.data, utcnow())
        flash("Your password is changed. Log in with it now.", "success")
        return redirect(url_for("accounts.login"))
    return render_form("accounts/reset_password.html", form)
