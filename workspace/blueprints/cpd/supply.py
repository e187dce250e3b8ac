"""Supply-cover contributions: claims by attendees, decisions by leads, totals and CSV.

The forms live here rather than in forms.py because only these views use them.
"""

from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from wtforms import DecimalField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from workspace.blueprints.access import partnership_route, recent_login_required
from workspace.blueprints.cpd.views import bp, card_urls
from workspace.blueprints.files import people_csv
from workspace.blueprints.form_base import Form
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import add_domain_error, render, render_form
from workspace.clock import london_today, utcnow
from workspace.exceptions import DomainError
from workspace.extensions import htmx
from workspace.models import CpdSession, SupplyRate
from workspace.models.cpd import ClaimKind, ClaimStatus
from workspace.services import permissions
from workspace.services.cpd import sessions
from workspace.services.cpd import supply as cpd_supply
from workspace.services.partnerships.membership import get_owned

# --- forms --------------------------------------------------------------------------------


def _whole_pence(form, field):
    if field.data is not None and field.data != field.data.quantize(Decimal("0.01")):
        raise ValidationError("Enter pounds and pence, like 110.00.")


def _rate_field(label: str) -> DecimalField:
    top = cpd_supply.MAX_RATE_PENCE // 100
    return DecimalField(label, places=2, validators=[
        InputRequired(message="Enter an amount in pounds, or 0 for no contribution."),
        NumberRange(min=0, max=top, message=f"Enter an amount from £0 to £{top:,}."),
        _whole_pence])


class RatesForm(Form):
    day = _rate_field("Full day (£)")
    half_day = _rate_field("Half day (£)")


class ClaimForm(Form):
    kind = SelectField("Claim for", default=ClaimKind.DAY.value,
                       choices=[SelectChoice(k.value, k.label) for k in ClaimKind],
                       invalid_choice_message="Choose a full day or a half day.")
    note = TextAreaField("Note (optional)", validators=[
        Optional(), Length(max=cpd_supply.NOTE_MAX,
                           message=f"Keep the note to {cpd_supply.NOTE_MAX} characters.")],
        description="For example, the supply agency or the cover you arranged.")


def _amount(rates: SupplyRate, kind: ClaimKind) -> str:
    return cpd_supply.pounds(cpd_supply.rate_for(rates, kind))


def _priced(form: ClaimForm, rates: SupplyRate | None) -> ClaimForm:
    """Show each kind's amount beside it when the rates are known."""
    if rates is not None:
        form.kind.choices = [SelectChoice(k.value, f"{k.label} (£{_amount(rates, k)})")
                             for k in ClaimKind]
    return form


@bp.app_template_global("supply_claim_form")
def blank_claim_form(rates: SupplyRate | None = None) -> ClaimForm:
    """An empty claim form, for _supply_claim.html when the view did not pass one."""
    return _priced(ClaimForm(formdata=None), rates)


@bp.app_template_filter("pounds")
def pounds_filter(pence: int) -> str:
    """Pence as pounds and pence: 11000 → 110.00."""
    return cpd_supply.pounds(pence)


# --- the lead's page ----------------------------------------------------------------------

FILTERS = {"pending": ClaimStatus.PENDING, "approved": ClaimStatus.APPROVED,
           "declined": ClaimStatus.DECLINED, "all": None}


def _page_context(partnership) -> dict:
    shown = request.args.get("status", "pending")
    shown = shown if shown in FILTERS else "pending"
    return {"partnership": partnership, "shown": shown,
            "claims": cpd_supply.list_claims(partnership, FILTERS[shown]),
            "pending": cpd_supply.pending_count(partnership),
            "totals": cpd_supply.totals(partnership)}


def _rates_form(partnership, **kwargs) -> RatesForm:
    rates = cpd_supply.get_rates(partnership)
    return RatesForm(day=Decimal(rates.day_pence) / 100,
                     half_day=Decimal(rates.half_day_pence) / 100, **kwargs)


@bp.get("/p/<int:partnership_id>/cpd/supply")
@partnership_route(permissions.may_run_supply)
def supply(partnership):
    return render_form("cpd/supply.html", _rates_form(partnership, formdata=None),
                       "cpd/_supply_claims.html", **_page_context(partnership))


def _pence(amount: Decimal) -> int:
    return int(amount * 100)


@bp.post("/p/<int:partnership_id>/cpd/supply/rates")
@partnership_route(permissions.may_run_supply)
def supply_rates(partnership):
    form = RatesForm()
    saved = False
    if form.validate_on_submit():
        try:
            cpd_supply.set_rates(partnership, current_user, day_pence=_pence(form.day.data),
                                 half_day_pence=_pence(form.half_day.data))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            saved = True
            if not htmx:
                flash("The supply-cover rates are saved.", "success")
                return redirect(url_for("cpd.supply", partnership_id=partnership.id))
    return render_form("cpd/supply.html", form, "cpd/_supply_rates.html", saved=saved,
                       **_page_context(partnership))


def _decision(partnership, supply_claim_id: int, decide, done: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    error = None
    try:
        claim = decide(partnership, supply_claim_id, current_user, utcnow())
    except DomainError as refused:
        error = refused.message
        claim = cpd_supply.get_claim(partnership, supply_claim_id)
    if htmx:  # the row, and the totals out of band
        return render("cpd/supply.html", "cpd/_supply_claim_row.html",
                      status=422 if error else 200, partnership=partnership, claim=claim,
                      error=error, totals=cpd_supply.totals(partnership), oob=True)
    flash(error or f"{claim.booking.user.name}'s claim is {done}; they have been told.",
          "error" if error else "success")
    return redirect(url_for("cpd.supply", partnership_id=partnership.id))


@bp.post("/p/<int:partnership_id>/cpd/supply/<int:supply_claim_id>/approve")
@partnership_route(permissions.may_run_supply)
def approve_supply_claim(partnership, supply_claim_id: int):
    return _decision(partnership, supply_claim_id, cpd_supply.approve_claim, "approved")


@bp.post("/p/<int:partnership_id>/cpd/supply/<int:supply_claim_id>/decline")
@partnership_route(permissions.may_run_supply)
def decline_supply_claim(partnership, supply_claim_id: int):
    return _decision(partnership, supply_claim_id, cpd_supply.decline_claim, "declined")


@bp.get("/p/<int:partnership_id>/cpd/supply.csv")
@partnership_route(permissions.may_run_supply)
@recent_login_required
def supply_csv(partnership):
    filename = f"supply-cover-{partnership.id}-{london_today().isoformat()}.csv"
    return people_csv(partnership, "Supply-cover claims (CSV)",
                      cpd_supply.export_csv(partnership), filename)


# --- the attendee's claim -----------------------------------------------------------------


def _claim_answer(cpd_session: CpdSession, form: ClaimForm, opened: bool):
    """The claim card for htmx (422 with the errors in it), else back to the session."""
    if htmx:
        rates = cpd_supply.rates_of(cpd_session)
        _priced(form, rates)
        booking = sessions.booking_of(cpd_session, current_user)
        return render_form("cpd/_supply_claim.html", form, urls=card_urls(cpd_session, opened),
                           cpd_session=cpd_session, booking=booking, claim_form=form,
                           claim=cpd_supply.claim_for(booking), supply_rates=rates)
    for messages in form.errors.values():
        for message in messages:
            flash(message, "error")
    if not form.errors:
        flash("Your supply-cover claim is sent to the partnership's leads.", "success")
    return redirect(card_urls(cpd_session, opened)["page"])


def claim(cpd_session: CpdSession, opened: bool = False):
    """The person claims supply cover for a session they attended (on its partnership's
    page, or as a guest on its open page): the host's rates and leads decide."""
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            cpd_supply.claim_supply(cpd_session, current_user, kind=ClaimKind(form.kind.data),
                                    note=form.note.data or "")
        except DomainError as error:
            add_domain_error(form, error)
    return _claim_answer(cpd_session, form, opened)


@bp.post("/p/<int:partnership_id>/cpd/sessions/<int:cpd_session_id>/claim")
@partnership_route()
def claim_supply(partnership, cpd_session_id: int):
    return claim(get_owned(CpdSession, partnership, cpd_session_id))
