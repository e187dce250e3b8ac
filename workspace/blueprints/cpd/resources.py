"""Shared resources of a network: files and links that members add."""


from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional

from workspace.blueprints.access import partnership_route
from workspace.blueprints.cpd.views import bp
from workspace.blueprints.files import send_download, upload_folder
from workspace.blueprints.form_base import Form
from workspace.blueprints.rendering import add_domain_error, render
from workspace.exceptions import DomainError
from workspace.extensions import htmx
from workspace.infra import uploads
from workspace.models import Network, Resource
from workspace.services import permissions
from workspace.services.cpd import resources as service
from workspace.services.cpd.sessions import is_network_member
from workspace.services.partnerships.membership import get_owned

PAGE = "cpd/resources.html"
LIST = "cpd/_resource_list.html"
LINK_FORM = "cpd/_resource_link_form.html"
FILE_FORM = "cpd/_resource_file_form.html"


def _within_limit(form, field):
    limit = service.max_upload_bytes()
    FileSize(limit, message=service.too_large_message(limit))(form, field)


class LinkForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    url = URLField("Web address", validators=[DataRequired(), Length(max=500)],
                   description="Starting with https:// or http://.")
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="link", **kwargs)


class FileForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    file = FileField("File", validators=[
        FileRequired("Choose a file to upload."),
        FileAllowed(service.EXTENSIONS, service.allowed_types_message()), _within_limit])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="file", **kwargs)


class ConfirmForm(Form):
    """A button that only carries the CSRF token."""



def _context(partnership, network) -> dict:
    return {"partnership": partnership, "network": network,
            "resources": service.list_resources(network),
            "can_add": is_network_member(network, current_user),
            "may_delete": lambda r: permissions.may_delete_resource(g.membership, r.added_by_id),
            "kind_label": service.kind_label, "human_size": service.human_size,
            "limit": service.human_size(service.max_upload_bytes()),
            "accept": uploads.accept_attribute()}


def _page(partnership, network, fragment=LIST, link_form=None, file_form=None):
    """The page (or, for htmx, `fragment`): 422 when a form has errors."""
    link_form = link_form or LinkForm(formdata=None)
    file_form = file_form or FileForm(formdata=None)
    status = 422 if link_form.errors or file_form.errors else 200
    return render(PAGE, fragment, status=status, link_form=link_form, file_form=file_form,
                  **_context(partnership, network))


def _added(partnership, network, resource, fragment: str):
    """After a resource is added: a blank form and the new list for htmx, else the page."""
    flash(f"“{resource.title}” is shared with {network.name}.", "success")
    if not htmx:
        return redirect(url_for("cpd.resources", partnership_id=partnership.id,
                                network_id=network.id))
    return render_template("cpd/_resource_added.html", form_template=fragment,
                           link_form=LinkForm(formdata=None), file_form=FileForm(formdata=None),
                           **_context(partnership, network))


@bp.get("/p/<int:partnership_id>/cpd/networks/<int:network_id>/resources")
@partnership_route()
def resources(partnership, network_id: int):
    return _page(partnership, get_owned(Network, partnership, network_id))


@bp.post("/p/<int:partnership_id>/cpd/networks/<int:network_id>/resources/link")
@partnership_route()
def add_resource_link(partnership, network_id: int):
    network = get_owned(Network, partnership, network_id)
    form = LinkForm()
    if form.validate_on_submit():
        try:
            resource = service.add_link(network, current_user, form.title.data,
                                        form.description.data, form.url.data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _added(partnership, network, resource, LINK_FORM)
    return _page(partnership, network, LINK_FORM, link_form=form)


@bp.post("/p/<int:partnership_id>/cpd/networks/<int:network_id>/resources/file")
@partnership_route()
def add_resource_file(partnership, network_id: int):
    network = get_owned(Network, partnership, network_id)
    form = FileForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            resource = service.add_file(network, current_user, form.title.data,
                                        form.description.data, upload.filename or "",
                                        upload.stream, upload_folder())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _added(partnership, network, resource, FILE_FORM)
    return _page(partnership, network, FILE_FORM, file_form=form)


@partnership_route()
def _upload_too_large(partnership, network_id: int):
    """The upload form again, saying why: the request body was never read."""
    form = FileForm(formdata=None)
    form.file.errors = [service.too_large_message(service.max_upload_bytes())]
    return _page(partnership, get_owned(Network, partnership, network_id), FILE_FORM,
                 file_form=form)


@bp.errorhandler(413)
def request_too_large(error):
    """A body over MAX_CONTENT_LENGTH (refused before any view, even the CSRF check, runs)."""
    if request.endpoint == "cpd.add_resource_file":
        return _upload_too_large(**request.view_args)
    return render_template("errors/error.html", code=413, title="Too large",
                           message="The file or form is larger than allowed."), 413


@bp.get("/p/<int:partnership_id>/cpd/resources/<int:resource_id>/download")
@partnership_route()
def download_resource(partnership, resource_id: int):
    resource = get_owned(Resource, partnership, resource_id)
    download = service.open_resource(resource, upload_folder())
    return send_download(download)


@bp.post("/p/<int:partnership_id>/cpd/resources/<int:resource_id>/delete")
@partnership_route()
def delete_resource(partnership, resource_id: int):
    resource = get_owned(Resource, partnership, resource_id)
    network = get_owned(Network, partnership, resource.network_id)
    if ConfirmForm().validate_on_submit():
        title = resource.title
        service.delete_resource(resource, g.membership, upload_folder())
        flash(f"“{title}” is removed.", "info")
    if htmx:
        return render(PAGE, LIST, **_context(partnership, network))
    return redirect(url_for("cpd.resources", partnership_id=partnership.id,
                            network_id=network.id))
