"""Partnership Workspace: the Flask application factory."""

import os

from flask import Flask

from workspace import config
from workspace.blueprints import register_blueprints
from workspace.commands import register_commands
from workspace.errors import register_errorhandlers
from workspace.extensions import register_extensions
from workspace.infra.headers import register_security_headers
from workspace.templating import register_template_filters


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_object(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = config.database_uri(app.instance_path)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
        config.apply_environment(app.config)
        if not app.config["SECRET_KEY"]:
            app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)
    else:
        app.config.from_mapping(test_config)
    register_extensions(app)
    register_security_headers(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_filters(app)
    return app
