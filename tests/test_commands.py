from workspace.services import accounts, partnerships


def test_seed_loads_the_demo_once_and_prints_logins(runner):
    first = runner.invoke(args=["seed"])
    assert "Demo partnership loaded." in first.output
    assert "lead@example.org" in first.output and "workspace-demo" in first.output
    second = runner.invoke(args=["seed"])
    assert "Demo partnership loaded." not in second.output
    assert "lead@example.org" in second.output
    lead = accounts.get_user_by_email("lead@example.org")
    memberships = partnerships.list_memberships_of(lead)
    assert [m.partnership.name for m in memberships] == ["Riverside Music Education Hub"]
    assert len(partnerships.list_members(memberships[0].partnership)) == 3
