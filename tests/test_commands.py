from workspace.services import demo
from workspace.services.accounts import users
from workspace.services.partnerships import membership


def test_seed_loads_the_demo_once_and_prints_logins(runner):
    first = runner.invoke(args=["seed"])
    assert "Demo partnership loaded." in first.output
    assert "lead@example.org" in first.output and "workspace-demo" in first.output
    second = runner.invoke(args=["seed"])
    assert "Demo partnership loaded." not in second.output
    assert "lead@example.org" in second.output
    lead = users.get_user_by_email("lead@example.org")
    memberships = membership.list_memberships_of(lead)
    assert [m.partnership.name for m in memberships] == [
        "Riverside Cultural Education Partnership"]
    assert len(membership.list_members(memberships[0].partnership)) == \
        len(demo.LONDON_MEMBERS) + 1 + len(demo.SCHOOL_STAFF)  # and Chris, the head
    assert users.get_user_by_email("editor@example.org").is_catalogue_editor
    assert not lead.is_catalogue_editor


def test_catalogue_editor_role_is_granted_and_revoked(runner, make_user):
    user = make_user(email="sam@example.org", name="Sam")
    assert "Sam is a catalogue editor." in runner.invoke(
        args=["catalogue-editor", "SAM@example.org"]).output
    assert user.is_catalogue_editor
    runner.invoke(args=["catalogue-editor", "sam@example.org", "--revoke"])
    assert not user.is_catalogue_editor
    result = runner.invoke(args=["catalogue-editor", "nobody@example.org"])
    assert result.exit_code != 0 and "No account uses nobody@example.org." in result.output
