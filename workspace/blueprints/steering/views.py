"""Steering meetings, actions and working groups."""

from flask import Blueprint

bp = Blueprint("steering", __name__)
