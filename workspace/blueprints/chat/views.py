"""Channels, messages and threads."""

from flask import Blueprint

bp = Blueprint("chat", __name__)
