"""The catalogue's structure on screen: cluster sets, clusters and roles (everyone signed in
reads them; catalogue editors change them), the qualifications attached to each role, and an
item's Common Core judgements. Rules and the change record live in services/catalogue/
structure.py; each view reads a form, calls one service function and goes back to the page
it came from, or shows that page again with the form's errors (422)."""

from flask import flash, redirect, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from workspace.blueprints.access import editor_required
from workspace.blueprints.catalogue.forms import (
    AttachQualificationForm,
    AttachRoleForm,
    ClusterForm,
    ClusterSetForm,
    JudgementForm,
    LinkForm,
    PlaceRoleForm,
    RoleForm,
)
from workspace.blueprints.catalogue.views import _item_page, bp, judgement_prefix
from workspace.blueprints.picking import role_choices
from workspace.blueprints.rendering import INVALID, add_domain_error, render
from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import Basis, CommonCoreArea
from workspace.services.catalogue import items, roles, structure
from workspace.services.catalogue.coverage import AreaState

# The structure page holds a new set's and a new role's forms: their fields are prefixed.
NEW_SET, NEW_ROLE = "new-set", "new-role"


def _done(message: str, endpoint: str, **values):
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


# --- cluster sets and clusters ------------------------------------------------------------


def _structure_page(status: int = 200, **given):
    forms = {}
    if current_user.is_catalogue_editor:
        forms = {"set_form": given.get("set_form") or ClusterSetForm(formdata=None,
                                                                     prefix=NEW_SET),
                 "role_form": given.get("role_form") or RoleForm(formdata=None,
                                                                 prefix=NEW_ROLE),
                 "failed": given.get("failed")}
    return render("catalogue/structure.html", status=status, sets=structure.structure(),
                  unplaced=structure.unplaced_roles(), **forms)


@bp.get("/structure")
@login_required
def structure_page():
    return _structure_page()


@bp.post("/cluster-sets")
@editor_required
def add_cluster_set():
    form = ClusterSetForm(prefix=NEW_SET)
    if form.validate_on_submit():
        try:
            created = structure.create_cluster_set(current_user, form.name.data,
                                                   form.source.data or "")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _done(f"Cluster set {created.name} added.", "catalogue.structure_page",
                         _anchor=f"set-{created.id}")
    return _structure_page(INVALID, set_form=form)


def _cluster_set_view(cluster_set_id: int, form_class, change, message, key: str):
    """A change to one cluster set or its clusters, posted from the structure page; on a
    refusal the page comes back with this form (`key` and the set's id) holding the errors."""
    cluster_set = structure.get_cluster_set(cluster_set_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            change(cluster_set, form)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _done(message(cluster_set, form), "catalogue.structure_page",
                         _anchor=f"set-{cluster_set.id}")
    return _structure_page(INVALID, failed=(f"{key}-{cluster_set.id}", form))


@bp.post("/cluster-sets/<int:cluster_set_id>/edit")
@editor_required
def edit_cluster_set(cluster_set_id: int):
    return _cluster_set_view(
        cluster_set_id, ClusterSetForm,
        lambda s, f: structure.update_cluster_set(current_user, s, f.name.data,
                                                  f.source.data or ""),
        lambda s, f: f"Cluster set {s.name} saved.", "edit-set")


@bp.post("/cluster-sets/<int:cluster_set_id>/clusters")
@editor_required
def add_cluster(cluster_set_id: int):
    return _cluster_set_view(
        cluster_set_id, ClusterForm,
        lambda s, f: structure.create_cluster(current_user, s, f.name.data),
        lambda s, f: f"Cluster {' '.join(f.name.data.split())} added to {s.name}.",
        "add-cluster")


@bp.post("/cluster-sets/<int:cluster_set_id>/delete")
@editor_required
def delete_cluster_set(cluster_set_id: int):
    cluster_set = structure.get_cluster_set(cluster_set_id)
    try:
        structure.delete_cluster_set(current_user, cluster_set)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("catalogue.structure_page", _anchor=f"set-{cluster_set_id}"))
    return _done("Cluster set deleted.", "catalogue.structure_page")


@bp.post("/clusters/<int:cluster_id>/edit")
@editor_required
def rename_cluster(cluster_id: int):
    cluster = structure.get_cluster(cluster_id)
    form = ClusterForm()
    if form.validate_on_submit():
        try:
            structure.rename_cluster(current_user, cluster, form.name.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _done(f"Cluster {cluster.name} saved.", "catalogue.structure_page",
                         _anchor=f"cluster-{cluster.id}")
    return _structure_page(INVALID, failed=(f"cluster-{cluster.id}", form))


@bp.post("/clusters/<int:cluster_id>/delete")
@editor_required
def delete_cluster(cluster_id: int):
    cluster = structure.get_cluster(cluster_id)
    set_id, name = cluster.cluster_set_id, cluster.name
    structure.delete_cluster(current_user, cluster)
    return _done(f"Cluster {name} deleted; its roles stay in the catalogue.",
                 "catalogue.structure_page", _anchor=f"set-{set_id}")


# --- roles --------------------------------------------------------------------------------


def _cluster_choices() -> list[SelectChoice]:
    return [SelectChoice(c.id, c.name, optgroup=s.name)
            for s in structure.structure() for c in s.clusters]


def _role_page(role, status: int = 200, **given):
    page = structure.role_page(role)
    forms = {}
    if current_user.is_catalogue_editor:
        place = given.get("place_form") or PlaceRoleForm(formdata=None)
        place.cluster.choices = _cluster_choices()
        forms = {"edit_form": given.get("edit_form") or RoleForm(formdata=None, obj=role),
                 "place_form": place,
                 "attach_form": given.get("attach_form") or AttachQualificationForm(
                     formdata=None, basis=Basis.EDITORIAL.value),
                 "failed": given.get("failed")}
    return render("catalogue/role.html", status=status, role_page=page, **forms)


@bp.get("/roles/<int:job_role_id>")
@login_required
def role(job_role_id: int):
    return _role_page(roles.get_role(job_role_id))


@bp.post("/roles")
@editor_required
def add_role():
    form = RoleForm(prefix=NEW_ROLE)
    if form.validate_on_submit():
        try:
            created = structure.create_role(current_user, form.name.data,
                                            form.description.data or "", form.source.data or "")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _done(f"Role {created.name} added: place it in a cluster and attach its "
                         f"qualifications.", "catalogue.role", job_role_id=created.id)
    return _structure_page(INVALID, role_form=form)


@bp.post("/roles/<int:job_role_id>/edit")
@editor_required
def edit_role(job_role_id: int):
    existing = roles.get_role(job_role_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            changed = structure.update_role(current_user, existing, form.name.data,
                                            form.description.data or "",
                                            form.source.data or "")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _done("Saved." if changed else "Nothing changed.", "catalogue.role",
                         job_role_id=existing.id)
    return _role_page(existing, INVALID, edit_form=form)


@bp.post("/roles/<int:job_role_id>/delete")
@editor_required
def delete_role(job_role_id: int):
    existing = roles.get_role(job_role_id)
    try:
        structure.delete_role(current_user, existing)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("catalogue.role", job_role_id=job_role_id))
    return _done("Role deleted.", "catalogue.structure_page")


@bp.post("/roles/<int:job_role_id>/clusters")
@editor_required
def place_role(job_role_id: int):
    existing = roles.get_role(job_role_id)
    form = PlaceRoleForm()
    form.cluster.choices = _cluster_choices()
    if form.validate_on_submit():
        try:
            cluster = structure.get_cluster(form.cluster.data)
            structure.place_role(current_user, existing, cluster)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _done(f"{existing.name} is now in {cluster.name}.", "catalogue.role",
                         job_role_id=existing.id)
    return _role_page(existing, INVALID, place_form=form)


@bp.post("/roles/<int:job_role_id>/clusters/<int:cluster_role_id>/remove")
@editor_required
def unplace_role(job_role_id: int, cluster_role_id: int):
    existing = roles.get_role(job_role_id)
    structure.unplace_role(current_user, existing, cluster_role_id)
    return _done("Taken out of the cluster.", "catalogue.role", job_role_id=existing.id)


@bp.post("/roles/<int:job_role_id>/qualifications")
@editor_required
def attach_qualification(job_role_id: int):
    existing = roles.get_role(job_role_id)
    form = AttachQualificationForm()
    if form.validate_on_submit():
        item = form.item.items[0]
        try:
            structure.attach(current_user, item, existing, basis=Basis(form.basis.data),
                             is_key=form.is_key.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _done(f"{item.title} is attached to {existing.name}.", "catalogue.role",
                         job_role_id=existing.id)
    return _role_page(existing, INVALID, attach_form=form)


def _link_change(role, link, back):
    """Change or remove one role link, posted from the role's page or the item's."""
    form = LinkForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return back()
    changed = structure.update_link(current_user, link, basis=Basis(form.basis.data),
                                    is_key=form.is_key.data)
    flash(f"{link.item.title} for {role.name}: "
          + ("saved." if changed else "nothing changed."), "success")
    return back()


@bp.post("/roles/<int:job_role_id>/qualifications/<int:item_role_id>")
@editor_required
def update_role_link(job_role_id: int, item_role_id: int):
    existing = roles.get_role(job_role_id)
    link = structure.get_link(item_role_id, role=existing)
    return _link_change(existing, link,
                        lambda: redirect(url_for("catalogue.role", job_role_id=existing.id)))


@bp.post("/roles/<int:job_role_id>/qualifications/<int:item_role_id>/remove")
@editor_required
def detach_qualification(job_role_id: int, item_role_id: int):
    existing = roles.get_role(job_role_id)
    link = structure.get_link(item_role_id, role=existing)
    title = link.item.title
    structure.detach(current_user, link)
    return _done(f"{title} is no longer attached to {existing.name}.", "catalogue.role",
                 job_role_id=existing.id)


# --- on an item's page: its roles and its Common Core judgements -------------------------


@bp.post("/items/<int:catalogue_item_id>/roles")
@editor_required
def attach_role(catalogue_item_id: int):
    existing = items.get_item(catalogue_item_id)
    form = AttachRoleForm()
    form.role.choices = role_choices("Choose a role")
    if form.validate_on_submit():
        try:
            chosen = roles.get_role(int(form.role.data))
            structure.attach(current_user, existing, chosen, basis=Basis(form.basis.data),
                             is_key=form.is_key.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _done(f"Attached to {chosen.name}.", "catalogue.item",
                         catalogue_item_id=existing.id, _anchor="roles")
    return _item_page(existing, INVALID, attach_role_form=form)


@bp.post("/items/<int:catalogue_item_id>/roles/<int:item_role_id>")
@editor_required
def update_item_link(catalogue_item_id: int, item_role_id: int):
    existing = items.get_item(catalogue_item_id)
    link = structure.get_link(item_role_id, item=existing)
    return _link_change(link.job_role, link, lambda: redirect(url_for(
        "catalogue.item", catalogue_item_id=existing.id, _anchor="roles")))


@bp.post("/items/<int:catalogue_item_id>/roles/<int:item_role_id>/remove")
@editor_required
def detach_role(catalogue_item_id: int, item_role_id: int):
    existing = items.get_item(catalogue_item_id)
    link = structure.get_link(item_role_id, item=existing)
    name = link.job_role.name
    structure.detach(current_user, link)
    return _done(f"No longer attached to {name}.", "catalogue.item",
                 catalogue_item_id=existing.id, _anchor="roles")


@bp.post("/items/<int:catalogue_item_id>/areas/<int:common_core_area_id>")
@editor_required
def judge_area(catalogue_item_id: int, common_core_area_id: int):
    existing = items.get_item(catalogue_item_id)
    area = db.session.get(CommonCoreArea, common_core_area_id)
    if area is None:
        raise NotFound()
    form = JudgementForm(prefix=judgement_prefix(area))
    if form.validate_on_submit():
        try:
            changed = structure.judge(current_user, existing, area, AreaState(form.state.data),
                                      Basis(form.basis.data), form.words.data or "")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _done(f"Area {area.number}: " + ("saved." if changed else "nothing changed."),
                         "catalogue.item", catalogue_item_id=existing.id,
                         _anchor=f"judge-{area.number}")
    return _item_page(existing, INVALID, judgement_form=(area.id, form))
