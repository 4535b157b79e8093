"""The budget as it was granted: recorded by the head, named and dated, and used as the limit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from atbalsts.assessment import services
from atbalsts.assessment.models import IndicativeBudget
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(social_worker, balvi):
    client = make_client(actor=social_worker, municipality=balvi)
    make_assessment(actor=social_worker, client=client)
    period = services.budget_period_create(
        actor=social_worker, client=client, start=dt.date(2026, 1, 1), months=12
    )
    return services.budget_compute(actor=social_worker, period=period)


def test_the_head_records_a_granted_amount_and_an_overrun(head, budget):
    granted = services.budget_grant_record(
        actor=head,
        budget=budget,
        period_amount="1000,00",
        decided_by="Anna Vadītāja",
        decided_on=dt.date(2025, 12, 20),
        reason="Lēmums Nr. 41",
        overrun_amount="250.00",
        overrun_by="Anna Vadītāja",
        overrun_on=dt.date(2026, 3, 1),
        overrun_reason="Papildu stundas",
    )

    assert granted.period_amount == Decimal("1000.00")
    assert granted.monthly_amount == Decimal("83.33")
    assert granted.limit == Decimal("1250.00")
    assert granted.granted_recorded_by == head
    event = AuditEvent.objects.filter(event_type="budget.override_approved").get()
    assert event.extra_data["historic"] is True
    assert event.extra_data["overrun"]["amount"] == "250.00"


def test_the_rules_own_amount_needs_no_decision_but_another_needs_a_name_and_day(head, budget):
    same = services.budget_grant_record(
        actor=head, budget=budget, period_amount=budget.computed_period_amount
    )
    assert same.granted_by_name == "" and same.period_amount == budget.computed_period_amount

    with pytest.raises(ValidationFailed) as caught:
        services.budget_grant_record(actor=head, budget=budget, period_amount="1.00")
    assert set(caught.value.field_errors) == {"decided_by", "decided_on"}
    with pytest.raises(ValidationFailed) as caught:
        services.budget_grant_record(
            actor=head,
            budget=budget,
            overrun_amount="10.00",
            overrun_by="Anna Vadītāja",
            overrun_on=timezone.localdate() + dt.timedelta(days=1),
            overrun_reason="x",
        )
    assert caught.value.field_errors["overrun_approved_on"] == ["Lēmuma datums nevar būt nākotnē."]
    assert IndicativeBudget.objects.get(pk=budget.pk).overrun_amount == 0


def test_only_the_head_records_a_grant(social_worker, budget):
    with pytest.raises(NotPermitted):
        services.budget_grant_record(actor=social_worker, budget=budget, period_amount="1.00")
