"""Provision audits: provision and needs, the gap view, imports and the report."""
