"""The blueprints, one per area, registered from one explicit list."""

from flask import Flask

from workspace.blueprints.access import can
from workspace.blueprints.accounts import bp as accounts_bp
from workspace.blueprints.admin import bp as admin_bp
from workspace.blueprints.audits import bp as audits_bp
from workspace.blueprints.catalogue import bp as catalogue_bp
from workspace.blueprints.chat import bp as chat_bp
from workspace.blueprints.cpd import bp as cpd_bp
from workspace.blueprints.credentials import bp as credentials_bp
from workspace.blueprints.governance import bp as governance_bp
from workspace.blueprints.main import bp as main_bp
from workspace.blueprints.networks import bp as networks_bp
from workspace.blueprints.partnerships import bp as partnerships_bp
from workspace.blueprints.progress import bp as progress_bp
from workspace.blueprints.steering import bp as steering_bp

BLUEPRINTS = [main_bp, accounts_bp, partnerships_bp, catalogue_bp, cpd_bp, progress_bp,
              audits_bp, steering_bp, chat_bp, credentials_bp, admin_bp, networks_bp,
              governance_bp]


def register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.add_template_global(can)
