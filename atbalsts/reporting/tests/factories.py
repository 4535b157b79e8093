"""Rows of the monthly spend ledger for report tests.

Invoice approval is the only writer of `billing.MonthlySpend` in the product; report tests
write the rows directly so that every figure can be computed by hand.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from atbalsts.billing.models import MonthlySpend
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
    return MonthlySpend.objects.create(
        municipality_id=client.municipality_id,
        target_group=client.target_group,
        client=client,
        recipient_id=recipient.pk if recipient else 0,
        service_type=service_type,
        funding_source=funding_source,
        month=month.replace(day=1),
        amount=Decimal(amount),
        units=overrides.pop("units", Decimal("1.00")),
        sessions=overrides.pop("sessions", 1),
        **overrides,
    )
