"""Steering group: meetings, actions and working groups."""
