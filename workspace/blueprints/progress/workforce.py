"""The workforce view for partnership leads: aggregate figures, consented detail, CSV."""



from workspace.blueprints.access import partnership_route, recent_login_required
from workspace.blueprints.files import people_csv
from workspace.blueprints.progress.views import bp
from workspace.blueprints.rendering import render
from workspace.clock import london_today
from workspace.services import permissions
from workspace.services.partnerships.membership import list_organisations
from workspace.services.progress import workforce as service


@bp.get("/p/<int:partnership_id>/workforce")
@partnership_route(permissions.may_see_workforce)
def workforce(partnership):
    return render("progress/workforce.html", partnership=partnership,
                  figures=service.workforce(partnership),
                  organisations=list_organisations(partnership))


@bp.get("/p/<int:partnership_id>/workforce.csv")
@partnership_route(permissions.may_see_workforce)
@recent_login_required
def workforce_csv(partnership):
    filename = f"workforce-{partnership.id}-{london_today().isoformat()}.csv"
    return people_csv(partnership, "Workforce (CSV)", service.workforce_csv(partnership),
                      filename)
