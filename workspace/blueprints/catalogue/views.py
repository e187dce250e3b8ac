"""Browse and search the catalogue, item pages, and editing by catalogue editors."""


from flask import Blueprint, flash, get_template_attribute, redirect, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from workspace.blueprints.access import editor_required
from workspace.blueprints.catalogue.forms import (
    AttachRoleForm,
    ComponentForm,
    GroupForm,
    ItemForm,
    JudgementForm,
    PrerequisiteForm,
    SearchForm,
)
from workspace.blueprints.picking import role_choices
from workspace.blueprints.rendering import INVALID, add_domain_error, render, render_form
from workspace.clock import london_today
from workspace.exceptions import DomainError
from workspace.extensions import htmx
from workspace.models import Basis, CatalogueItem, CommonCoreArea, ItemStatus
from workspace.services.catalogue import items as service
from workspace.services.catalogue import picking
from workspace.services.catalogue.coverage import AreaState

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")


# --- browse and search --------------------------------------------------------------------


def _search_form() -> SearchForm:
    form = SearchForm(request.args)
    form.item_type.choices = [SelectChoice("", "Any type")] + [
        SelectChoice(t) for t in service.distinct_values(CatalogueItem.item_type)]
    form.body.choices = [SelectChoice("", "Any accrediting body")] + [
        SelectChoice(b) for b in service.distinct_values(CatalogueItem.accrediting_body)]
    form.role.choices = [SelectChoice("", "Any role")] + [
        SelectChoice(str(i), name) for i, name in service.role_names()]
    form.cluster.choices = [SelectChoice("", "Any cluster")] + [
        SelectChoice(str(i), name) for i, name in service.cluster_names()]
    form.area.choices = [SelectChoice("", "Any Common Core area")] + [
        SelectChoice(str(a.id), f"{a.number}. {a.title}") for a in service.list_areas()]
    return form


def _as_int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


def _query_from(form: SearchForm) -> service.CatalogueQuery:
    """The query the valid fields ask for; an invalid field is left out (and reported)."""
    ok = {name: not field.errors for name, field in form._fields.items()}
    return service.CatalogueQuery(
        q=form.q.data or "" if ok["q"] else "",
        kind=form.kind.data or "" if ok["kind"] else "",
        level=_as_int(form.level.data) if ok["level"] else None,
        item_type=form.item_type.data or "" if ok["item_type"] else "",
        accrediting_body=form.body.data or "" if ok["body"] else "",
        role_id=_as_int(form.role.data) if ok["role"] else None,
        cluster_id=_as_int(form.cluster.data) if ok["cluster"] else None,
        area_id=_as_int(form.area.data) if ok["area"] else None,
        key_only=bool(form.key.data),
        status=form.status.data or "" if ok["status"] else "",
        sort=form.sort.data or "title" if ok["sort"] else "title",
        page=form.page.data or 1 if ok["page"] else 1)


@bp.get("/")
@login_required
def browse():
    form = _search_form()
    form.validate()
    results = service.search_items(_query_from(form), london_today())
    status = INVALID if form.errors else 200
    body, status = render("catalogue/browse.html", "catalogue/_results.html", status=status,
                          form=form, results=results, today=london_today())
    # The address bar keeps the search, without the filters left empty.
    address = url_for("catalogue.browse", **{k: v for k, v in request.args.items() if v})
    return body, status, {"HX-Push-Url": address} if htmx else {}


@bp.get("/suggest")
@login_required
def suggest():
    """Matches for a picker (_macros/picker.html) as a person types: the titles of one `kind`
    (qualification, unit or any) to pick from, leaving out the items already picked."""
    kind = picking.Kind.of(request.args.get("kind"))
    field = request.args.get("field", "")
    q = request.args.get(f"{field}-q", "")
    picked = [int(v) for v in request.args.getlist(field) if v.isdigit()]
    found = picking.suggest(q, kind, london_today(), exclude=picked)
    listing = get_template_attribute("_macros/picker.html", "suggestions")
    return listing(picking.options(found, london_today()), q, kind.noun)


# --- item page ----------------------------------------------------------------------------


def judgement_prefix(area: CommonCoreArea) -> str:
    """Each area's judgement form has its own field names and ids on the item's page."""
    return f"area{area.number}"


def _judgement_forms(details: service.ItemDetails, failed) -> dict:
    forms = {}
    for line in details.areas:
        if failed and failed[0] == line.area.id:
            forms[line.area.id] = (line.area, failed[1])
            continue
        own = line.own
        forms[line.area.id] = (line.area, JudgementForm(
            formdata=None, prefix=judgement_prefix(line.area),
            state=(AreaState.COVERED if own.covered else AreaState.NOT_COVERED).value
            if own else AreaState.NOT_JUDGED.value,
            basis=own.basis.value if own else Basis.EDITORIAL.value,
            words=own.basis_text if own else ""))
    return forms


def _editor_forms(item: CatalogueItem, details: service.ItemDetails, **given) -> dict:
    component = given.get("component_form") or ComponentForm(formdata=None)
    component.group.choices = [SelectChoice("", "No group")] + [
        SelectChoice(str(g.id), g.name) for g in item.groups]
    attach = given.get("attach_role_form") or AttachRoleForm(formdata=None,
                                                              basis=Basis.EDITORIAL.value)
    attach.role.choices = role_choices("Choose a role")
    return {"component_form": component, "attach_role_form": attach,
            "judgement_forms": _judgement_forms(details, given.get("judgement_form")),
            "group_form": given.get("group_form") or GroupForm(formdata=None),
            "prerequisite_form": given.get("prerequisite_form")
            or PrerequisiteForm(formdata=None)}


def _item_page(item: CatalogueItem, status: int = 200, **forms):
    details = service.item_details(item)
    editing = _editor_forms(item, details, **forms) if current_user.is_catalogue_editor else {}
    return render("catalogue/item.html", status=status, details=details, today=london_today(),
                  **editing)


@bp.get("/items/<int:catalogue_item_id>")
@login_required
def item(catalogue_item_id: int):
    return _item_page(service.get_item(catalogue_item_id))


# --- editing ------------------------------------------------------------------------------


def _item_fields(form: ItemForm) -> dict:
    fields = {name: form[name].data for name in service.ITEM_FIELDS if name in form}
    fields["level"] = _as_int(form.level.data)
    fields["status"] = ItemStatus(form.status.data)
    for name in ("item_type", "accrediting_body", "notes", "entry_requirements", "progression",
                 "source", "source_url"):
        fields[name] = (fields[name] or "").strip()
    for name in ("unit_code", "reference_number"):
        fields[name] = (fields[name] or "").strip() or None
    return fields


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new_item():
    form = ItemForm()
    if form.validate_on_submit():
        try:
            created = service.create_item(current_user, form.stable_id.data,
                                          **_item_fields(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"{created.title} is in the catalogue.", "success")
            return redirect(url_for("catalogue.item", catalogue_item_id=created.id))
    return render_form("catalogue/item_form.html", form, item=None)


@bp.route("/items/<int:catalogue_item_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_item(catalogue_item_id: int):
    existing = service.get_item(catalogue_item_id)
    form = ItemForm(obj=existing, level=str(existing.level) if existing.level is not None
                    else "", status=existing.status.value)
    if form.validate_on_submit():
        try:
            changed = service.update_item(current_user, existing, form.stable_id.data,
                                          **_item_fields(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("Saved: " + ("; ".join(changed) if changed else "nothing changed."), "success")
            return redirect(url_for("catalogue.item", catalogue_item_id=existing.id))
    return render_form("catalogue/item_form.html", form, item=existing)


@bp.post("/items/<int:catalogue_item_id>/withdraw")
@editor_required
def withdraw_item(catalogue_item_id: int):
    existing = service.get_item(catalogue_item_id)
    try:
        service.withdraw_item(current_user, existing, london_today())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"{existing.title} is withdrawn.", "info")
    return redirect(url_for("catalogue.item", catalogue_item_id=existing.id))


def _back(existing: CatalogueItem, message: str):
    flash(message, "success")
    return redirect(url_for("catalogue.item", catalogue_item_id=existing.id))


@bp.post("/items/<int:catalogue_item_id>/components")
@editor_required
def add_component(catalogue_item_id: int):
    parent = service.get_item(catalogue_item_id)
    form = ComponentForm()
    form.group.choices = [SelectChoice("", "No group")] + [
        SelectChoice(str(g.id), g.name) for g in parent.groups]
    if form.validate_on_submit():
        try:
            group = next((g for g in parent.groups if str(g.id) == form.group.data), None)
            child = form.child.items[0]
            service.add_component(current_user, parent, child,
                                  mandatory=form.mandatory.data == "1", group=group)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _back(parent, f"{child.title} is now a component.")
    return _item_page(parent, INVALID, component_form=form)


@bp.post("/items/<int:catalogue_item_id>/components/<int:component_id>/remove")
@editor_required
def remove_component(catalogue_item_id: int, component_id: int):
    parent = service.get_item(catalogue_item_id)
    service.remove_component(current_user, parent, component_id)
    return _back(parent, "Component removed.")


@bp.post("/items/<int:catalogue_item_id>/groups")
@editor_required
def add_group(catalogue_item_id: int):
    existing = service.get_item(catalogue_item_id)
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = service.add_group(current_user, existing, form.name.data,
                                      min_credits=form.min_credits.data,
                                      min_components=form.min_components.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _back(existing, f"Optional group {group.name} added.")
    return _item_page(existing, INVALID, group_form=form)


@bp.post("/items/<int:catalogue_item_id>/prerequisites")
@editor_required
def add_prerequisite(catalogue_item_id: int):
    existing = service.get_item(catalogue_item_id)
    form = PrerequisiteForm()
    if form.validate_on_submit():
        try:
            required = form.required.items[0]
            service.add_prerequisite(current_user, existing, required)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _back(existing, f"{required.title} is now a pre-requirement.")
    return _item_page(existing, INVALID, prerequisite_form=form)


@bp.post("/items/<int:catalogue_item_id>/prerequisites/<int:prerequisite_id>/remove")
@editor_required
def remove_prerequisite(catalogue_item_id: int, prerequisite_id: int):
    existing = service.get_item(catalogue_item_id)
    service.remove_prerequisite(current_user, existing, prerequisite_id)
    return _back(existing, "Pre-requirement removed.")


@bp.get("/changes")
@editor_required
def changes():
    return render("catalogue/changes.html", changes=service.recent_changes(100))

