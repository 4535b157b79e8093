"""Which panels of the start page each role gets: the report policy answers for the view."""

from dataclasses import asdict

import pytest
from django.contrib.auth.models import AnonymousUser

from atbalsts.accounts.models import User
from atbalsts.core.roles import Role
from atbalsts.reporting.policies import report_policy

SW, HEAD, ACC, PROV = Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT, Role.PROVIDER
PANELS = {
    "my_cases": {SW},
    "pending_referrals": {SW, HEAD},
    "reassessments": {SW, HEAD},
    "lapsing_registrations": {HEAD, Role.ADMIN},
    "invoices_waiting": {SW, HEAD, ACC},
    "budget_warnings": {SW},
    "provider_clients": {PROV},
    "sessions_awaiting": {SW, HEAD},
    "week_due": {SW},
    "plans_awaiting": {SW, HEAD},
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_the_panels_of_its_work(role: Role) -> None:
    page = asdict(report_policy.start_page(User(role=role, is_active=True)))
    assert page.pop("viewer_role") == role
    assert page == {panel: role in roles for panel, roles in PANELS.items()}


def test_an_anonymous_or_inactive_user_gets_no_panel() -> None:
    for user in (AnonymousUser(), User(role=Role.HEAD, is_active=False)):
        page = asdict(report_policy.start_page(user))
        assert page.pop("viewer_role") is None
        assert not any(page.values())
