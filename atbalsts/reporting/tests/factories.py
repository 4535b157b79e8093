"""Rows of the monthly spend ledger for report tests.

Invoice approval writes the ledger and the report roll-ups through `billing.ledger.add_spend`;
report tests call it directly so that every figure can be computed by hand.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from atbalsts.billing.ledger import add_spend
from atbalsts.billing.models import (
    CLIENT_MONTH_AMOUNTS,
    ClientMonths,
    MonthlySpend,
    ServiceMonths,
    SpendSummary,
)
from atbalsts.catalog.models import ServiceType
from atbalsts.people.models import Client, SupportCircleMember
from atbalsts.plans.models import FundingSource


def service(name_lv: str) -> ServiceType:
    """A service type of the catalogue seeded by the catalog's migration."""
    return ServiceType.objects.get(name_lv=name_lv)


def make_spend(
    *,
    client: Client,
    service_type: ServiceType,
    month: dt.date,
    amount: Decimal | str,
    recipient: SupportCircleMember | None = None,
    funding_source: str = FundingSource.INDIVIDUAL_BUDGET,
    **overrides: Any,
) -> MonthlySpend:
    month = month.replace(day=1)
    recipient_id = recipient.pk if recipient else 0
    municipality_id = overrides.pop("municipality_id", client.municipality_id)
    add_spend(
        municipality_id=municipality_id,
        target_group=overrides.pop("target_group", client.target_group),
        client_id=client.pk,
        recipient_id=recipient_id,
        service_type_id=service_type.pk,
        funding_source=funding_source,
        month=month,
        amount=Decimal(amount),
        units=overrides.pop("units", Decimal("1.00")),
        sessions=overrides.pop("sessions", 1),
    )
    if overrides:
        raise TypeError(f"unknown fields: {sorted(overrides)}")
    return MonthlySpend.objects.get(
        municipality_id=municipality_id,
        client=client,
        recipient_id=recipient_id,
        service_type=service_type,
        funding_source=funding_source,
        month=month,
    )


def rollup_contents() -> dict[str, set[tuple[Any, ...]]]:
    """The report roll-ups' rows without their ids, to compare two ways of filling them."""
    return {
        "spend": set(
            SpendSummary.objects.values_list(
                "municipality_id",
                "target_group",
                "service_type_id",
                "funding_source",
                "month",
                "amount",
                "units",
                "sessions",
            )
        ),
        "service": set(
            ServiceMonths.objects.values_list(
                "municipality_id", "target_group", "service_type_id", "person", "year", "months"
            )
        ),
        "client": set(
            ClientMonths.objects.values_list(
                "municipality_id",
                "target_group",
                "client_id",
                "year",
                "months",
                *CLIENT_MONTH_AMOUNTS,
            )
        ),
    }


def drawn_clients(head: Any, balvi: Any) -> list[Any]:
    """The clients the property tests draw ledger rows for: two children and an adult in
    Balvi, and a child whom the drawn rows may also bill from Tukums (a client who moves)."""
    from atbalsts.people.tests.factories import make_client

    from .conftest import JAN

    return [
        make_client(actor=head, municipality=balvi, child=child, start_date=JAN)
        for child in (True, True, False, True)
    ]
