"""Audits, provision and needs."""

from flask import Blueprint

bp = Blueprint("audits", __name__)
