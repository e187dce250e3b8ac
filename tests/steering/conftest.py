"""Steering fixtures: a hub with a lead, a steering member and a plain member; an audit with
a target group, for actions that come from a gap cell."""

import os
from datetime import date

import pytest
from sqlalchemy import select

from workspace.extensions import db
from workspace.models.audits import Audit, TargetGroup
from workspace.models.partnerships import Role

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


@pytest.fixture
def hub(make_user, make_partnership):
    lead = make_user(name="Priya Lead", email="lead@example.org")
    return make_partnership(lead=lead, name="Riverside Music Hub")


@pytest.fixture
def lead(hub):
    return next(m.user for m in hub.memberships if m.role == Role.LEAD)


@pytest.fixture
def steer(hub, make_user, add_member):
    user = make_user(name="Tom Steer", email="tom@example.org")
    add_member(hub, user, Role.STEERING)
    return user


@pytest.fixture
def member(hub, make_user, add_member):
    user = make_user(name="Jan Member", email="jan@example.org")
    add_member(hub, user, Role.MEMBER)
    return user


@pytest.fixture
def uploads(app):
    return os.path.join(app.instance_path, "uploads")


def stored_files(folder: str) -> list[str]:
    return [os.path.join(d, f) for d, _, files in os.walk(folder) for f in files]


def make_audit(partnership, user, title="Spring audit") -> Audit:
    """An audit row made directly (the audits area owns its services)."""
    audit = Audit(partnership_id=partnership.id, title=title, period_start=date(2027, 1, 1),
                  period_end=date(2027, 3, 31), created_by_id=user.id)
    db.session.add(audit)
    db.session.commit()
    return audit


def make_group(partnership, name="SEND") -> TargetGroup:
    """The partnership's group of that name (made if the audits area did not make it)."""
    group = db.session.scalar(select(TargetGroup).where(
        TargetGroup.partnership_id == partnership.id, TargetGroup.name == name))
    if group is None:
        group = TargetGroup(partnership_id=partnership.id, name=name, vulnerable=True)
        db.session.add(group)
        db.session.commit()
    return group
