"""The permission matrix: role × own/other municipality, through the policies and over HTTP."""

import datetime as dt

import pytest
from django.urls import reverse

from atbalsts.accounts.tests.factories import (
    ACC,
    ADM,
    AN,
    AUD,
    HEAD,
    MUNICIPAL,
    PROV,
    SW,
    user_in_role,
)
from atbalsts.assessment import services
from atbalsts.assessment.policies import assessment_policy, budget_policy, rule_policy
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.models import AuditEvent
from atbalsts.core.policies import Action
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db

# role: (read assessment, write assessment, see budget, write budget, decide override)
MATRIX = {
    SW: (True, True, True, True, False),
    HEAD: (True, True, True, True, True),
    ACC: (False, False, True, False, False),
    PROV: (False, False, False, False, False),
    AN: (False, False, False, False, False),
    AUD: (True, False, True, False, False),
    ADM: (True, True, True, True, True),
}


@pytest.fixture
def world(make_user, balvi, tukums):
    own_sw = make_user(SW, balvi)
    other_sw = make_user(SW, tukums)
    own = make_client(actor=own_sw, municipality=balvi, child=True)
    other = make_client(actor=other_sw, municipality=tukums, child=True)
    result = {}
    for key, client, actor in (("own", own, own_sw), ("other", other, other_sw)):
        assessment = make_assessment(actor=actor, client=client)
        period = services.budget_period_create(
            actor=actor, client=client, start=dt.date(2026, 1, 5), months=6
        )
        budget = services.budget_compute(actor=actor, period=period)
        result[key] = {"client": client, "assessment": assessment, "budget": budget}
    return result


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("where", ["own", "other"])
def test_policy_matrix(make_user, balvi, world, role, where):
    user = user_in_role(role, balvi)
    expected = MATRIX[role]
    if where == "other" and role in MUNICIPAL:
        expected = (False,) * 5
    w = world[where]
    actual = (
        assessment_policy.can(user, Action.VIEW, w["assessment"]),
        assessment_policy.can(user, Action.CHANGE, w["assessment"]),
        budget_policy.can(user, Action.VIEW, w["budget"]),
        budget_policy.can(user, Action.CHANGE, w["budget"]),
        budget_policy.can(user, Action.DECIDE, w["budget"]),
    )
    assert actual == expected


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("where", ["own", "other"])
def test_http_matrix(client, make_user, balvi, world, role, where):
    user = user_in_role(role, balvi)
    client.force_login(user)
    w = world[where]
    read, write, budget_read, budget_write, _ = MATRIX[role]
    if where == "other" and role in MUNICIPAL:
        read = write = budget_read = budget_write = False
    response = client.get(reverse("assessment:assessment_detail", args=[w["assessment"].pk]))
    assert response.status_code == (200 if read else 404)
    response = client.get(reverse("assessment:budget_detail", args=[w["budget"].pk]))
    assert response.status_code == (200 if budget_read else 404)
    if budget_read:
        # Accountants see the amount but not the need levels behind it.
        assert ("Mājas" not in response.content.decode()) or read
        assert ("Ģimenes kapacitātes" in response.content.decode()) is read
    response = client.get(reverse("assessment:assessment_create", args=[w["client"].pk]))
    # Providers and the analyst (pseudonyms only, no page of one client) never see the client.
    client_visible = not (where == "other" and role in MUNICIPAL) and role not in (PROV, AN)
    if not client_visible:
        assert response.status_code == 404
    else:
        assert response.status_code == (200 if write else 403)
    response = client.post(reverse("assessment:budget_compute", args=[w["budget"].period_id]))
    if not budget_read:
        assert response.status_code == 404
    else:
        assert response.status_code == (302 if budget_write else 403)


def test_reading_an_assessment_page_is_audited(client, make_user, balvi, world):
    user = make_user(AUD, None)
    client.force_login(user)
    a = world["own"]["assessment"]
    client.get(reverse("assessment:assessment_detail", args=[a.pk]))
    event = AuditEvent.objects.get(event_type="assessment.viewed", actor=user)
    assert event.subject_id == str(a.pk)


@pytest.mark.parametrize(
    ("role", "own_rule", "national_rule"),
    [
        (SW, False, False),
        (HEAD, True, False),
        (ACC, False, False),
        (PROV, False, False),
        (AN, False, False),
        (AUD, False, False),
        (ADM, True, True),
    ],
)
def test_who_may_change_rules(make_user, balvi, tukums, role, own_rule, national_rule):
    user = user_in_role(role, balvi)
    assert rule_policy.can(user, Action.CREATE, balvi) is own_rule
    assert rule_policy.can(user, Action.CREATE, None) is national_rule
    assert rule_policy.can(user, Action.CREATE, tukums) is (role == ADM)
    assert rule_policy.can(user, Action.VIEW) is (role != PROV)
