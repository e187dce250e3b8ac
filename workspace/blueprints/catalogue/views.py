"""Browse and search the catalogue, item pages, and editing by catalogue editors."""

from flask import Blueprint

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")
