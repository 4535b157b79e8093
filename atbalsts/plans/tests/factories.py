"""A small world for plan tests, built through the other apps' services so their rules apply:
a client with two six-month budget periods, service types, a registered provider with tariffs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from atbalsts.assessment import services as assessment_services
from atbalsts.assessment.models import ADULT_DOMAINS, CHILD_DOMAINS, BudgetPeriod
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.catalog.models import Provider, ServiceType, ServiceUnit
from atbalsts.catalog.tests.factories import (
    make_provider,
    make_registration,
    make_service_type,
    make_tariff,
)
from atbalsts.people.models import Client, Municipality, TargetGroup
from atbalsts.people.tests.factories import make_client
from atbalsts.plans import services
from atbalsts.plans.models import FundingSource, GoalTerm, PlanLine, PlanVersion

PLAN_START = dt.date(2026, 1, 1)
PLAN_END = dt.date(2026, 12, 31)


def make_rule(*, head: Any, municipality: Municipality, target_group: str, monthly: str) -> Any:
    """A municipal rule with one band: every client of the group gets `monthly` a month."""
    domains = CHILD_DOMAINS if target_group == TargetGroup.CHILD_FT else ADULT_DOMAINS
    return assessment_services.rule_create(
        actor=head,
        municipality=municipality,
        data={
            "target_group": target_group,
            "name": f"Tests {target_group}",
            "valid_from": dt.date(2025, 1, 1),
            "points": {d.value: [0, 0, 0, 0, 0] for d in domains},
            "bands": [{"min_points": 0, "code": "A", "monthly_amount": Decimal(monthly)}],
        },
    )


def make_budget(
    *, actor: Any, client: Client, start: dt.date = PLAN_START, months: int = 6
) -> BudgetPeriod:
    period = assessment_services.budget_period_create(
        actor=actor, client=client, start=start, months=months
    )
    assessment_services.budget_compute(actor=actor, period=period)
    return period


@dataclass
class World:
    worker: Any
    head: Any
    municipality: Municipality
    client: Client
    periods: list[BudgetPeriod]
    support_person: ServiceType  # hour, provider tariff 20.00
    assistant: ServiceType  # the state-paid assistant: never from the budget
    unpriced: ServiceType  # no price anywhere
    di_service: ServiceType  # no price but a DI unit cost of 15.00
    session_service: ServiceType  # sessions of 45 minutes, tariff 30.00
    provider: Provider
    other_provider: Provider  # registered for nothing


def make_world(
    *,
    worker: Any,
    head: Any,
    municipality: Municipality,
    child: bool = False,
    monthly: str = "500.00",
    suffix: str = "",
    **client_data: Any,
) -> World:
    client = make_client(actor=worker, municipality=municipality, child=child, **client_data)
    make_rule(
        head=head,
        municipality=municipality,
        target_group=client.target_group,
        monthly=monthly,
    )
    make_assessment(actor=worker, client=client)
    periods = [
        make_budget(actor=worker, client=client, start=PLAN_START),
        make_budget(actor=worker, client=client, start=dt.date(2026, 7, 1)),
    ]
    support_person = make_service_type(
        actor=head, name_lv=f"Atbalsta persona (plāna tests){suffix}", unit=ServiceUnit.HOUR
    )
    assistant = ServiceType.objects.get(name_lv="Valsts apmaksātais asistents pašvaldībā")
    unpriced = make_service_type(
        actor=head,
        name_lv=f"Dienas centrs (plāna tests){suffix}",
        default_unit_price=None,
        unit=ServiceUnit.DAY,
    )
    di_service = make_service_type(
        actor=head,
        name_lv=f"Grupu dzīvoklis (plāna tests){suffix}",
        default_unit_price=None,
        di_unit_cost=Decimal("15.00"),
        unit=ServiceUnit.DAY,
    )
    session_service = make_service_type(
        actor=head,
        name_lv=f"Fizioterapija (plāna tests){suffix}",
        unit=ServiceUnit.SESSION,
        default_session_minutes=45,
    )
    provider = make_provider(actor=head, municipality=municipality, name="Biedrība Ūdensrožu māja")
    make_registration(
        actor=head,
        provider=provider,
        service_types=[support_person, assistant, unpriced, di_service, session_service],
    )
    make_tariff(actor=head, provider=provider, service_type=support_person, unit_price="20.00")
    make_tariff(
        actor=head,
        provider=provider,
        service_type=session_service,
        unit_price="30.00",
        session_minutes=45,
    )
    other = make_provider(actor=head, municipality=municipality, name="SIA Ķiršu dārzs")
    return World(
        worker=worker,
        head=head,
        municipality=municipality,
        client=client,
        periods=periods,
        support_person=support_person,
        assistant=assistant,
        unpriced=unpriced,
        di_service=di_service,
        session_service=session_service,
        provider=provider,
        other_provider=other,
    )


def make_plan(world: World, *, start: dt.date = PLAN_START, end: dt.date = PLAN_END) -> PlanVersion:
    return services.plan_create(actor=world.worker, client=world.client, start=start, end=end)


def fresh(version: PlanVersion) -> PlanVersion:
    return PlanVersion.objects.get(pk=version.pk)


def add_goal(world: World, version: PlanVersion, **data: Any) -> Any:
    domain = (
        "family_capacity" if world.client.target_group == TargetGroup.CHILD_FT else "employment"
    )
    values = {
        "term": GoalTerm.LONG,
        "domain": domain,
        "text": "Atrast darbu, kas patīk",
        "progress_measure": "Pēc gada strādā vismaz 10 stundas nedēļā",
        **data,
    }
    version = fresh(version)
    return services.goal_add(
        actor=world.worker, version=version, revision=version.revision, data=values
    )


def line_data(world: World, **data: Any) -> dict[str, Any]:
    return {
        "service_type": world.support_person,
        "provider": world.provider,
        "quantity": Decimal("10"),
        "start": PLAN_START,
        "months": 12,
        "funding_source": FundingSource.INDIVIDUAL_BUDGET,
        **data,
    }


def add_line(world: World, version: PlanVersion, actor: Any = None, **data: Any) -> PlanLine:
    version = fresh(version)
    return services.line_add(
        actor=actor or world.worker,
        version=version,
        revision=version.revision,
        data=line_data(world, **data),
    )


def agree(world: World, version: PlanVersion, **data: Any) -> PlanVersion:
    version = fresh(version)
    values = {"signed_on": dt.date(2026, 1, 2), "sign_method": "paper", **data}
    return services.version_agree(
        actor=world.worker, version=version, revision=version.revision, **values
    )
