"""Governance and evaluation: the terms of reference and aims (every member reads them), the
outcomes framework (steering members and leads), annual reviews (published ones for every
member, drafts for steering members and leads); leads write them all."""

from flask import Blueprint, flash, g, redirect, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from workspace.blueprints.access import partnership_route
from workspace.blueprints.files import attachment
from workspace.blueprints.governance.forms import (
    AimForm,
    IndicatorForm,
    PriorityForm,
    ReviewYearForm,
    SectionForm,
    TermsForm,
    ValueForm,
)
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import INVALID, add_domain_error, render, render_form
from workspace.blueprints.steering.forms import MoveForm
from workspace.clock import london_today, utcnow
from workspace.exceptions import DomainError, NotFound
from workspace.extensions import htmx
from workspace.models.governance import Aim, AimPriority, Indicator, IndicatorValue, ReviewSection
from workspace.services import permissions
from workspace.services.governance import framework, years
from workspace.services.governance import review as reviews
from workspace.services.partnerships.membership import get_owned

bp = Blueprint("governance", __name__)

INDEX = "governance/index.html"
OUTCOMES = "governance/outcomes.html"
REVIEW = "governance/review.html"
YEARS_OFFERED = 6  # the school years a review can be drafted for, this one and those before


# --- terms of reference, aims and reviews: the index -------------------------------------------


def _year_choices() -> list[SelectChoice]:
    current = years.school_year_of(london_today(utcnow()))
    return [SelectChoice(y, years.school_year(y)) for y in range(current, current - YEARS_OFFERED,
                                                                  -1)]


def _index(partnership, fragment: str | None = None, **forms):
    context = {"terms_form": TermsForm(formdata=None), "aim_form": AimForm(formdata=None),
               "priority_form": PriorityForm(formdata=None),
               "year_form": ReviewYearForm(formdata=None)}
    context.update(forms)
    context["year_form"].year.choices = _year_choices()
    terms = framework.get_terms(partnership)
    if "terms_form" not in forms and terms:
        context["terms_form"] = TermsForm(formdata=None, body=terms.body)
    status = INVALID if any(f.errors for f in forms.values()) else 200
    drafts_too = permissions.may_see_outcomes(g.membership)
    return render(INDEX, fragment, status=status, partnership=partnership, terms=terms,
                  terms_html=framework.as_html(terms.body) if terms else "",
                  aims=framework.list_aims(partnership), confirm=ConfirmForm(),
                  reviews=reviews.list_reviews(partnership, published_only=not drafts_too),
                  school_year=years.school_year, **context)


def _index_section(partnership, fragment: str, anchor: str, **forms):
    """After a change: the section for htmx, else back to the page at the section."""
    if htmx or any(f.errors for f in forms.values()):
        return _index(partnership, fragment, **forms)
    return redirect(url_for("governance.index", partnership_id=partnership.id, _anchor=anchor))


@bp.get("/p/<int:partnership_id>/governance/")
@partnership_route(permissions.may_see_governance)
def index(partnership):
    return _index(partnership)


@bp.post("/p/<int:partnership_id>/governance/terms")
@partnership_route(permissions.may_edit_governance)
def save_terms(partnership):
    form = TermsForm()
    if form.validate_on_submit():
        framework.save_terms(partnership, current_user, form.body.data or "", utcnow())
        return _index_section(partnership, "governance/_terms.html", "terms")
    return _index_section(partnership, "governance/_terms.html", "terms", terms_form=form)


AIMS = "governance/_aims.html"


@bp.post("/p/<int:partnership_id>/governance/aims")
@partnership_route(permissions.may_edit_governance)
def add_aim(partnership):
    form = AimForm()
    if form.validate_on_submit():
        try:
            framework.add_aim(partnership, form.title.data, form.description.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _index_section(partnership, AIMS, "aims")
    return _index_section(partnership, AIMS, "aims", aim_form=form)


@bp.route("/p/<int:partnership_id>/governance/aims/<int:aim_id>/edit", methods=["GET", "POST"])
@partnership_route(permissions.may_edit_governance)
def edit_aim(partnership, aim_id: int):
    aim = get_owned(Aim, partnership, aim_id)
    form = AimForm(obj=aim)
    if form.validate_on_submit():
        try:
            framework.update_aim(aim, form.title.data, form.description.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The aim is saved.", "success")
            return redirect(url_for("governance.index", partnership_id=partnership.id,
                                    _anchor="aims"))
    return render_form("governance/aim_form.html", form, "governance/_aim_form.html",
                       partnership=partnership, aim=aim)


@bp.post("/p/<int:partnership_id>/governance/aims/<int:aim_id>/move")
@partnership_route(permissions.may_edit_governance)
def move_aim(partnership, aim_id: int):
    aim = get_owned(Aim, partnership, aim_id)
    form = MoveForm()
    if form.validate_on_submit() and form.direction.data in ("up", "down"):
        framework.move_aim(aim, -1 if form.direction.data == "up" else 1)
    return _index_section(partnership, AIMS, "aims")


@bp.post("/p/<int:partnership_id>/governance/aims/<int:aim_id>/delete")
@partnership_route(permissions.may_edit_governance)
def remove_aim(partnership, aim_id: int):
    aim = get_owned(Aim, partnership, aim_id)
    if ConfirmForm().validate_on_submit():
        framework.remove_aim(aim)
    return _index_section(partnership, AIMS, "aims")


@bp.post("/p/<int:partnership_id>/governance/aims/<int:aim_id>/priorities")
@partnership_route(permissions.may_edit_governance)
def add_priority(partnership, aim_id: int):
    aim = get_owned(Aim, partnership, aim_id)
    form = PriorityForm()
    if form.validate_on_submit():
        try:
            framework.add_priority(aim, form.text.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _index_section(partnership, AIMS, "aims")
    form.aim_id = aim.id  # the aim whose form shows the errors
    return _index_section(partnership, AIMS, "aims", priority_form=form)


@bp.post("/p/<int:partnership_id>/governance/priorities/<int:aim_priority_id>/delete")
@partnership_route(permissions.may_edit_governance)
def remove_priority(partnership, aim_priority_id: int):
    priority = get_owned(AimPriority, partnership, aim_priority_id)
    if ConfirmForm().validate_on_submit():
        framework.remove_priority(priority)
    return _index_section(partnership, AIMS, "aims")


# --- the outcomes framework --------------------------------------------------------------


def _indicator_form(partnership, **kwargs) -> IndicatorForm:
    form = IndicatorForm(**kwargs)
    form.aim.choices = [SelectChoice("", "None")] + [
        SelectChoice(str(a.id), a.title) for a in framework.list_aims(partnership)]
    return form


def _value_form(partnership, indicators, **kwargs) -> ValueForm:
    form = ValueForm(**kwargs)
    form.indicator.choices = [SelectChoice(str(i.id), i.name) for i in indicators]
    return form


def _outcomes(partnership, value_form: ValueForm | None = None):
    indicators = framework.list_indicators(partnership)
    value_form = value_form or _value_form(partnership, indicators, formdata=None)
    columns = sorted({v.year for i in indicators for v in i.values}, key=years.year_order)
    return render(OUTCOMES, "governance/_framework.html",
                  status=INVALID if value_form.errors else 200, partnership=partnership,
                  indicators=indicators, columns=columns, value_form=value_form,
                  show_value=years.show_value, confirm=ConfirmForm())


@bp.get("/p/<int:partnership_id>/governance/outcomes")
@partnership_route(permissions.may_see_outcomes)
def outcomes(partnership):
    return _outcomes(partnership)


def _indicator_fields(form: IndicatorForm) -> framework.IndicatorFields:
    return framework.IndicatorFields(
        form.name.data, form.unit.data or "", form.measures.data or "",
        int(form.aim.data) if form.aim.data else None, form.baseline_value.data or "",
        form.baseline_year.data or "", form.target_value.data or "",
        form.target_year.data or "")


def _to_outcomes(partnership):
    return redirect(url_for("governance.outcomes", partnership_id=partnership.id))


@bp.route("/p/<int:partnership_id>/governance/indicators/new", methods=["GET", "POST"])
@partnership_route(permissions.may_edit_governance)
def new_indicator(partnership):
    form = _indicator_form(partnership)
    if form.validate_on_submit():
        try:
            indicator = framework.add_indicator(partnership, _indicator_fields(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"{indicator.name} is in the outcomes framework.", "success")
            return _to_outcomes(partnership)
    return render_form("governance/indicator_form.html", form,
                       "governance/_indicator_form.html", partnership=partnership,
                       indicator=None)


@bp.route("/p/<int:partnership_id>/governance/indicators/<int:indicator_id>/edit",
          methods=["GET", "POST"])
@partnership_route(permissions.may_edit_governance)
def edit_indicator(partnership, indicator_id: int):
    indicator = get_owned(Indicator, partnership, indicator_id)
    fields = framework.indicator_fields(indicator)
    form = _indicator_form(partnership, obj=fields, aim=str(fields.aim_id or ""))
    if form.validate_on_submit():
        try:
            framework.update_indicator(partnership, indicator, _indicator_fields(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The indicator is saved.", "success")
            return _to_outcomes(partnership)
    return render_form("governance/indicator_form.html", form,
                       "governance/_indicator_form.html", partnership=partnership,
                       indicator=indicator)


@bp.post("/p/<int:partnership_id>/governance/indicators/<int:indicator_id>/delete")
@partnership_route(permissions.may_edit_governance)
def remove_indicator(partnership, indicator_id: int):
    indicator = get_owned(Indicator, partnership, indicator_id)
    if ConfirmForm().validate_on_submit():
        framework.remove_indicator(indicator)
    return _outcomes(partnership) if htmx else _to_outcomes(partnership)


@bp.post("/p/<int:partnership_id>/governance/values")
@partnership_route(permissions.may_edit_governance)
def add_value(partnership):
    form = _value_form(partnership, framework.list_indicators(partnership))
    if form.validate_on_submit():
        try:
            framework.add_value(get_owned(Indicator, partnership, int(form.indicator.data)),
                                form.year.data, form.value.data, form.note.data or "")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _outcomes(partnership) if htmx else _to_outcomes(partnership)
    return _outcomes(partnership, form)


@bp.post("/p/<int:partnership_id>/governance/values/<int:indicator_value_id>/delete")
@partnership_route(permissions.may_edit_governance)
def remove_value(partnership, indicator_value_id: int):
    value = get_owned(IndicatorValue, partnership, indicator_value_id)
    if ConfirmForm().validate_on_submit():
        framework.remove_value(value)
    return _outcomes(partnership) if htmx else _to_outcomes(partnership)


# --- annual reviews ------------------------------------------------------------------------


def _readable_review(partnership, year: int):
    """The year's review if the person may read it; else 404 (a draft is not given away)."""
    review = reviews.get_review(partnership, year)
    if not permissions.may_read_review(g.membership, review):
        raise NotFound()
    return review


def _to_review(partnership, year: int, anchor: str | None = None):
    return redirect(url_for("governance.review", partnership_id=partnership.id, year=year,
                            _anchor=anchor))


@bp.post("/p/<int:partnership_id>/governance/reviews")
@partnership_route(permissions.may_edit_governance)
def draft_review(partnership):
    form = ReviewYearForm()
    form.year.choices = _year_choices()
    if form.validate_on_submit():
        try:
            reviews.draft_review(partnership, form.year.data, current_user, utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The review is drafted from what the partnership logged: read it, edit "
                  "it, then publish it.", "success")
            return _to_review(partnership, form.year.data)
    return _index(partnership, "governance/_reviews.html", year_form=form)


def _review_page(partnership, review, fragment: str | None = None, section_form=None):
    return render(REVIEW, fragment, status=INVALID if section_form and section_form.errors
                  else 200, partnership=partnership, review=review,
                  label=years.school_year(review.year), as_html=framework.as_html,
                  section_form=section_form, SectionForm=SectionForm, confirm=ConfirmForm())


@bp.get("/p/<int:partnership_id>/governance/reviews/<int:year>")
@partnership_route(permissions.may_see_governance)
def review(partnership, year: int):
    return _review_page(partnership, _readable_review(partnership, year))


@bp.post("/p/<int:partnership_id>/governance/sections/<int:review_section_id>")
@partnership_route(permissions.may_edit_governance)
def save_section(partnership, review_section_id: int):
    section = get_owned(ReviewSection, partnership, review_section_id)
    form = SectionForm(prefix=f"section-{section.id}")
    if form.validate_on_submit():
        reviews.save_section(section, form.body.data or "", current_user, utcnow())
        if not htmx:
            return _to_review(partnership, section.review.year, f"section-{section.key}")
        form = None
    else:
        form.section_id = section.id
    return render(REVIEW, "governance/_section.html",
                  status=INVALID if form is not None else 200, partnership=partnership,
                  review=section.review, section=section, as_html=framework.as_html,
                  section_form=form, SectionForm=SectionForm)


@bp.post("/p/<int:partnership_id>/governance/reviews/<int:year>/redraft")
@partnership_route(permissions.may_edit_governance)
def redraft_review(partnership, year: int):
    found = reviews.get_review(partnership, year)
    if ConfirmForm().validate_on_submit():
        reviews.redraft_review(partnership, found, current_user, utcnow())
        flash("Every section is drafted again from today's data.", "success")
    return _to_review(partnership, year)


@bp.post("/p/<int:partnership_id>/governance/reviews/<int:year>/publish")
@partnership_route(permissions.may_edit_governance)
def publish_review(partnership, year: int):
    found = reviews.get_review(partnership, year)
    if ConfirmForm().validate_on_submit():
        reviews.set_published(found, not found.published, current_user, utcnow())
        flash("The review is published to every member." if found.published else
              "The review is a draft again: only steering members and leads see it.",
              "success")
    return _to_review(partnership, year)


@bp.get("/p/<int:partnership_id>/governance/reviews/<int:year>.pdf")
@partnership_route(permissions.may_see_governance)
def review_pdf(partnership, year: int):
    found = _readable_review(partnership, year)
    return attachment(reviews.as_pdf(partnership, found), "application/pdf",
                      f"annual-review-{years.school_year(year).replace('/', '-')}.pdf")


@bp.get("/p/<int:partnership_id>/governance/reviews/<int:year>.md")
@partnership_route(permissions.may_see_governance)
def review_markdown(partnership, year: int):
    found = _readable_review(partnership, year)
    return attachment(reviews.as_markdown(partnership, found), "text/markdown",
                      f"annual-review-{years.school_year(year).replace('/', '-')}.md")
