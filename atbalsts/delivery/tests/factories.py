"""Delivery test factories, shared with billing: a client with an agreed plan and issued
guarantee letters, built through the other apps' services so that every rule applies.

Dates are relative to today, so the letters are always in force when the tests run:
`START` is the first day of the month six months ago, the plan and its letters run twelve
months from it, and `LAST_MONTH` (the first day of the previous month) is a whole month in
the past where sessions may be recorded freely.

- `make_delivery_world(worker=, head=, municipality=, child=False, monthly="1000.00")` →
  `DeliveryWorld`: the client, two budget periods of six months, service types
  (`support_person` hour at 20.00 with 60-minute sessions; `session_service` sessions of 45
  minutes at 30.00; `psychologist` — confidential, remote allowed, 60 minutes at 40.00;
  `transport` — km at 0.30), `provider` (registered for all of them) with its staff user
  `staff`, `other_provider` (support person at 25.00) with its staff user `other_staff`.
- `make_letters(world, lines=[{...}, ...])` → {provider id: GuaranteeLetter}: one plan version
  with these lines (each dict overrides `line_data`: service_type, provider, quantity,
  session_minutes, funding_source, recipient, …), agreed and activated; one letter per
  provider. Call it once per world (a client has one plan).
- `make_letter(world, **line)` → the single letter of a plan with one line (defaults: support
  person from `provider`, 10 hours a month, 60-minute sessions, individual budget).
- `make_session(letter, actor=None, line=1, **data)` → Session through
  `services.session_record`: `line` is the letter line's number (1-based) or its key; the
  defaults are the 3rd of `LAST_MONTH` at 10:00, the line's session length, in person, held,
  signed by the client; `actor` defaults to a staff user of the letter's provider.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from atbalsts.accounts.tests.factories import UserFactory
from atbalsts.assessment.dates import add_months
from atbalsts.assessment.models import BudgetPeriod
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.catalog import services as catalog_services
from atbalsts.catalog.models import Provider, ServiceCategory, ServiceType, ServiceUnit
from atbalsts.catalog.tests.factories import (
    make_provider,
    make_registration,
    make_service_type,
    make_tariff,
)
from atbalsts.core.roles import Role
from atbalsts.delivery import services
from atbalsts.delivery.models import Session
from atbalsts.people.models import Client, Municipality
from atbalsts.people.tests.factories import make_client
from atbalsts.plans import services as plan_services
from atbalsts.plans.models import FundingSource, GoalTerm, GuaranteeLetter, PlanVersion
from atbalsts.plans.tests.factories import make_budget, make_rule

_serial = itertools.count(1)

TODAY = timezone.localdate()
START = add_months(TODAY.replace(day=1), -6)
END = add_months(START, 12) - dt.timedelta(days=1)
LAST_MONTH = add_months(TODAY.replace(day=1), -1)


@dataclass
class DeliveryWorld:
    worker: Any
    head: Any
    municipality: Municipality
    client: Client
    periods: list[BudgetPeriod]
    support_person: ServiceType
    session_service: ServiceType
    psychologist: ServiceType
    transport: ServiceType
    provider: Provider
    other_provider: Provider
    staff: Any
    other_staff: Any


def make_provider_staff(*, head: Any, provider: Provider) -> Any:
    user = UserFactory(role=Role.PROVIDER, municipality=None)
    catalog_services.provider_member_add(actor=head, provider=provider, user=user)
    return user


def make_delivery_world(
    *,
    worker: Any,
    head: Any,
    municipality: Municipality,
    child: bool = False,
    monthly: str = "1000.00",
    **client_data: Any,
) -> DeliveryWorld:
    n = next(_serial)
    client = make_client(actor=worker, municipality=municipality, child=child, **client_data)
    if not municipality.allocation_rules.filter(target_group=client.target_group).exists():
        make_rule(
            head=head, municipality=municipality, target_group=client.target_group, monthly=monthly
        )
    make_assessment(actor=worker, client=client)
    periods = [
        make_budget(actor=worker, client=client, start=START),
        make_budget(actor=worker, client=client, start=add_months(START, 6)),
    ]
    support_person = make_service_type(
        actor=head, name_lv=f"Atbalsta persona (sniegšanas tests {n})", unit=ServiceUnit.HOUR
    )
    session_service = make_service_type(
        actor=head,
        name_lv=f"Fizioterapija (sniegšanas tests {n})",
        unit=ServiceUnit.SESSION,
        category=ServiceCategory.MEDICAL_REHABILITATION,
        default_session_minutes=45,
    )
    psychologist = make_service_type(
        actor=head,
        name_lv=f"Psihologa konsultācija (sniegšanas tests {n})",
        unit=ServiceUnit.SESSION,
        category=ServiceCategory.PSYCHOLOGY,
        confidential=True,
        remote_allowed=True,
        default_session_minutes=60,
    )
    transport = make_service_type(
        actor=head,
        name_lv=f"Transports (sniegšanas tests {n})",
        unit=ServiceUnit.KM,
        category=ServiceCategory.TRANSPORT,
        default_unit_price=Decimal("0.30"),
    )
    provider = make_provider(actor=head, municipality=municipality, name=f"Biedrība Ozols {n}")
    make_registration(
        actor=head,
        provider=provider,
        service_types=[support_person, session_service, psychologist, transport],
        valid_from=add_months(START, -12),
    )
    for service_type, price, minutes in (
        (support_person, "20.00", 60),
        (session_service, "30.00", 45),
        (psychologist, "40.00", 60),
        (transport, "0.30", None),
    ):
        make_tariff(
            actor=head,
            provider=provider,
            service_type=service_type,
            unit_price=price,
            valid_from=add_months(START, -12),
            session_minutes=minutes,
        )
    other = make_provider(actor=head, municipality=municipality, name=f"SIA Liepa {n}")
    make_registration(
        actor=head,
        provider=other,
        service_types=[support_person, psychologist],
        valid_from=add_months(START, -12),
    )
    make_tariff(
        actor=head,
        provider=other,
        service_type=support_person,
        unit_price="25.00",
        valid_from=add_months(START, -12),
        session_minutes=60,
    )
    make_tariff(
        actor=head,
        provider=other,
        service_type=psychologist,
        unit_price="45.00",
        valid_from=add_months(START, -12),
        session_minutes=60,
    )
    return DeliveryWorld(
        worker=worker,
        head=head,
        municipality=municipality,
        client=client,
        periods=periods,
        support_person=support_person,
        session_service=session_service,
        psychologist=psychologist,
        transport=transport,
        provider=provider,
        other_provider=other,
        staff=make_provider_staff(head=head, provider=provider),
        other_staff=make_provider_staff(head=head, provider=other),
    )


def line_data(world: DeliveryWorld, **data: Any) -> dict[str, Any]:
    return {
        "service_type": world.support_person,
        "provider": world.provider,
        "quantity": Decimal("10"),
        "start": START,
        "months": 12,
        "session_minutes": 60,
        "funding_source": FundingSource.INDIVIDUAL_BUDGET,
        **data,
    }


def _fresh(version: PlanVersion) -> PlanVersion:
    return PlanVersion.objects.get(pk=version.pk)


def make_letters(
    world: DeliveryWorld, *, lines: list[dict[str, Any]] | None = None, activate: bool = True
) -> dict[int, GuaranteeLetter]:
    version = plan_services.plan_create(
        actor=world.worker, client=world.client, start=START, end=END
    )
    version = _fresh(version)
    plan_services.goal_add(
        actor=world.worker,
        version=version,
        revision=version.revision,
        data={
            "term": GoalTerm.LONG,
            "domain": "family_capacity"
            if world.client.target_group == "child_ft"
            else "employment",
            "text": "Atrast darbu, kas patīk",
        },
    )
    for overrides in lines or [{}]:
        version = _fresh(version)
        plan_services.line_add(
            actor=world.worker,
            version=version,
            revision=version.revision,
            data=line_data(world, **overrides),
        )
    version = _fresh(version)
    plan_services.version_agree(
        actor=world.worker,
        version=version,
        revision=version.revision,
        signed_on=START,
        sign_method="paper",
    )
    if activate:
        plan_services.version_activate(actor=world.worker, version=_fresh(version))
    return {letter.provider_id: letter for letter in _fresh(version).letters.all()}


def make_letter(world: DeliveryWorld, **line: Any) -> GuaranteeLetter:
    letters = make_letters(world, lines=[line])
    (letter,) = letters.values()
    return letter


def _staff_of(provider_id: int) -> Any:
    membership = Provider.objects.get(pk=provider_id).members.select_related("user").first()
    if membership is None:
        raise LookupError("the letter's provider has no staff user")
    return membership.user


def make_session(
    letter: GuaranteeLetter, *, actor: Any = None, line: int | str = 1, **data: Any
) -> Session:
    key = letter.lines[line - 1]["key"] if isinstance(line, int) else line
    values: dict[str, Any] = {
        "line_key": key,
        "date": LAST_MONTH + dt.timedelta(days=2),
        "start_time": dt.time(10, 0),
        **data,
    }
    if values.get("status", "held") == "held":
        values.setdefault("signed_by", "client")
    return services.session_record(
        actor=actor or _staff_of(letter.provider_id), letter=letter, data=values
    )
