"""The directory of listed partnerships, asking to join one, and its leads' side: the
listing and the requests to answer."""

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required

from workspace.blueprints.access import partnership_route
from workspace.blueprints.partnerships.forms import ConfirmForm, JoinRequestForm, ListingForm
from workspace.blueprints.partnerships.views import bp
from workspace.blueprints.rendering import add_domain_error, render, render_form
from workspace.clock import utcnow
from workspace.exceptions import DomainError
from workspace.models.partnerships import PartnershipKind
from workspace.services import permissions
from workspace.services.partnerships import directory
from workspace.services.partnerships import membership as memberships


@bp.get("/directory")
def directory_index():
    words = request.args.get("q", "")[:200]
    kind = request.args.get("kind", "")
    page = max(request.args.get("page", 1, type=int), 1)
    found, total = directory.entries(
        words, PartnershipKind(kind) if kind in PartnershipKind._value2member_map_ else None,
        page)
    return render("partnerships/directory.html", "partnerships/_directory_results.html",
                  entries=found, total=total, words=words, kind=kind, page_number=page,
                  per_page=directory.PER_PAGE, kinds=list(PartnershipKind))


@bp.route("/directory/<int:partnership_id>", methods=["GET", "POST"])
@login_required
def directory_entry(partnership_id: int):
    partnership = directory.listed_partnership(partnership_id)
    form = JoinRequestForm()
    if form.validate_on_submit():
        try:
            directory.ask_to_join(partnership.id, current_user, form.message.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"Your request is with the leads of {partnership.name}: you will hear "
                  "from them here.", "success")
            return redirect(url_for("partnerships.directory_entry",
                                    partnership_id=partnership.id))
    return render_form("partnerships/directory_entry.html", form,
                       entry=directory.entry(partnership),
                       asked=directory.pending_request(partnership, current_user),
                       member=memberships.find_membership(partnership.id, current_user))


@bp.route("/p/<int:partnership_id>/listing", methods=["GET", "POST"])
@partnership_route(permissions.may_manage_partnership)
def listing(partnership):
    form = ListingForm(obj=partnership)
    if form.validate_on_submit():
        try:
            directory.set_listing(partnership, form.listed.data, form.offer.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The partnership is in the directory." if partnership.listed else
                  "The partnership is not in the directory.", "success")
            return redirect(url_for("partnerships.listing", partnership_id=partnership.id))
    return render_form("partnerships/listing.html", form, partnership=partnership)


@bp.get("/p/<int:partnership_id>/join-requests")
@partnership_route(permissions.may_manage_partnership)
def join_requests(partnership):
    return render("partnerships/join_requests.html", partnership=partnership,
                  requests=directory.open_requests(partnership), confirm=ConfirmForm())


@bp.post("/p/<int:partnership_id>/join-requests/<int:join_request_id>/accept")
@partnership_route(permissions.may_manage_partnership)
def accept_join_request(partnership, join_request_id: int):
    return _answer(partnership, join_request_id, accept=True)


@bp.post("/p/<int:partnership_id>/join-requests/<int:join_request_id>/decline")
@partnership_route(permissions.may_manage_partnership)
def decline_join_request(partnership, join_request_id: int):
    return _answer(partnership, join_request_id, accept=False)


def _answer(partnership, join_request_id: int, accept: bool):
    if ConfirmForm().validate_on_submit():
        try:
            asked = directory.decide(partnership, join_request_id, current_user, accept,
                                     utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"{asked.user.name} is now a member." if accept else
                  f"You declined {asked.user.name}'s request.", "success")
    return redirect(url_for("partnerships.join_requests", partnership_id=partnership.id))
