"""Roles side by side: pick two roles and see what each calls for and what moving between
them would take."""

from flask import request
from flask_login import login_required

from workspace.blueprints.catalogue.views import bp
from workspace.blueprints.rendering import render
from workspace.services.catalogue import items, roles


@bp.get("/roles/compare")
@login_required
def compare_roles():
    first, second = (request.args.get(n, type=int) for n in ("first", "second"))
    comparison = None
    if first and second:
        comparison = roles.compare_roles(roles.get_role(first), roles.get_role(second),
                                         items.list_areas())
    return render("catalogue/roles_compare.html", "catalogue/_roles_compare.html",
                  comparison=comparison, grouped=roles.roles_by_set(),
                  first=first, second=second)
