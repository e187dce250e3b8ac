"""Analysis pages: Common Core coverage, gaps and over-provision, counts, progression map."""

from flask import request
from flask_login import login_required

from workspace.blueprints.catalogue.views import bp
from workspace.blueprints.rendering import render
from workspace.services.catalogue import analysis, items


def _render(name: str, fragment: bool = True, **context):
    fragment_name = f"catalogue/_analysis_{name}.html" if fragment else None
    return render(f"catalogue/analysis_{name}.html", fragment_name, **context)


def _arg_int(name: str) -> int | None:
    return request.args.get(name, type=int)


@bp.get("/analysis")
@login_required
def analysis_index():
    return _render("index", fragment=False, threshold=analysis.OVERLAP_THRESHOLD)


@bp.get("/analysis/coverage")
@login_required
def analysis_coverage():
    kind = request.args.get("rows", "roles")
    kind = kind if kind in analysis.ROW_KINDS else "roles"
    key_only = request.args.get("include") != "all"
    areas = items.list_areas()
    page = _arg_int("page") or 1
    if kind == "clusters":
        matrix = analysis.cluster_matrix(areas, key_only=key_only, page=page,
                                         cluster_set_id=_arg_int("cluster_set_id"))
    elif kind == "qualifications":
        matrix = analysis.qualification_matrix(areas, key_only=key_only, page=page,
                                               cluster_id=_arg_int("cluster_id"),
                                               role_id=_arg_int("job_role_id"),
                                               q=request.args.get("q", ""))
    else:
        matrix = analysis.role_matrix(areas, key_only=key_only, page=page,
                                      cluster_id=_arg_int("cluster_id"))
    filters = {"cluster_sets": analysis.list_cluster_sets()} if kind == "clusters" else \
        {"clusters": items.list_clusters()}
    return _render("coverage", matrix=matrix, args=request.args.to_dict(), **filters)


@bp.get("/analysis/gaps")
@login_required
def analysis_gaps():
    threshold = _arg_int("threshold") or analysis.OVERLAP_THRESHOLD
    report = analysis.gap_report(items.list_areas(), threshold=threshold,
                                 cluster_set_id=_arg_int("cluster_set_id"))
    return _render("gaps", report=report, args=request.args.to_dict(),
                   cluster_sets=analysis.list_cluster_sets())


@bp.get("/analysis/counts")
@login_required
def analysis_counts():
    table = analysis.count_table(_arg_int("cluster_set_id"))
    return _render("counts", table=table, cluster_sets=analysis.list_cluster_sets())


@bp.get("/items/<int:catalogue_item_id>/progression")
@login_required
def progression(catalogue_item_id: int):
    by = "level" if request.args.get("by") == "level" else "step"
    item = items.get_item(catalogue_item_id)
    return _render("progression", progression=analysis.progression_map(item, by), by=by)
