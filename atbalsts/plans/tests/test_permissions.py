"""Who may see and change plans and letters: the matrix of roles × actions, scoped by
municipality, enforced by the services and the selectors."""

import pytest
from django.http import Http404

from atbalsts.core.errors import NotPermitted
from atbalsts.core.policies import Action
from atbalsts.core.roles import Role
from atbalsts.plans import selectors, services
from atbalsts.plans.models import GuaranteeLetter, PlanLine, PlanVersion
from atbalsts.plans.policies import plan_policy

from .factories import add_goal, add_line, agree, fresh, make_plan

pytestmark = pytest.mark.django_db

# role, own municipality?, VIEW, VIEW_NOTES, CHANGE, DECIDE
MATRIX = [
    (Role.SOCIAL_WORKER, True, True, True, True, False),
    (Role.HEAD, True, True, True, True, True),
    (Role.ACCOUNTANT, True, True, False, False, False),
    (Role.AUDITOR, True, True, True, False, False),
    (Role.ADMIN, False, True, True, True, True),
    (Role.ANALYST, False, False, False, False, False),
    (Role.PROVIDER, False, False, False, False, False),
    (Role.SOCIAL_WORKER, "other", False, False, False, False),
    (Role.HEAD, "other", False, False, False, False),
    (Role.ACCOUNTANT, "other", False, False, False, False),
    (Role.AUDITOR, "other", False, False, False, False),
]


@pytest.mark.parametrize(("role", "own", "view", "notes", "change", "decide"), MATRIX)
def test_permission_matrix(world, make_user, tukums, role, own, view, notes, change, decide):
    municipality = world.municipality if own is True else tukums if own == "other" else None
    user = make_user(role, municipality)
    version = make_plan(world)
    add_goal(world, version)
    add_line(world, version, months=1)
    agree(world, version)
    assert plan_policy.can(user, Action.VIEW, version) is view
    assert plan_policy.can(user, Action.VIEW_NOTES, version) is notes
    assert plan_policy.can(user, Action.CHANGE, version) is change
    assert plan_policy.can(user, Action.DECIDE, version) is decide
    assert plan_policy.can(user, Action.DELETE, version) is False
    visible = plan_policy.visible_versions(user, PlanVersion.objects.all()).exists()
    assert visible is view
    letters = plan_policy.visible_letters(user, GuaranteeLetter.objects.all()).exists()
    assert letters is view
    if view:
        assert selectors.version_get(user=user, pk=version.pk) == version
    else:
        with pytest.raises(Http404):
            selectors.version_get(user=user, pk=version.pk)


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.AUDITOR, Role.ANALYST, Role.PROVIDER])
def test_readers_cannot_write(world, make_user, role):
    user = make_user(role, world.municipality if role != Role.ANALYST else None)
    version = make_plan(world)
    with pytest.raises(NotPermitted):
        services.line_add(
            actor=user, version=version, revision=version.revision, data={"quantity": 1}
        )
    with pytest.raises(NotPermitted):
        services.plan_create(actor=user, client=world.client, start="2027-01-01", end="2027-06-30")
    assert not PlanLine.objects.exists()


def test_a_social_worker_of_another_municipality_cannot_write(world, make_user, tukums):
    stranger = make_user(Role.SOCIAL_WORKER, tukums)
    version = make_plan(world)
    with pytest.raises(NotPermitted):
        add_line(world, version, actor=stranger)
    assert fresh(version).revision == 1
