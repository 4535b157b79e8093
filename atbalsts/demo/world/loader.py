"""The whole living demo: providers in Balvi and Tukums, the cycle for half of Balvi's clients."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from atbalsts.catalog.models import Provider
from atbalsts.delivery import services as delivery_services
from atbalsts.delivery.models import NoShowRule
from atbalsts.people.models import Municipality

from .catalog import ensure_providers, ensure_staff
from .dates import tariffs_from
from .history import Log, ensure_cases, ensure_invoices

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

NO_SHOW_SHARE = "50.00"  # the head's rule: a no-show without notice pays half the price


@transaction.atomic
def build(
    *, users: dict[str, Actor], log: Log, seed: int = 2025, today: dt.date | None = None
) -> None:
    """Providers in Balvi and Tukums; the whole cycle for about half of Balvi's clients.
    `today` (by default the local date) decides every date of the demo."""
    today = today or timezone.localdate()
    head, admin = users["vaditaja"], users["admins"]
    for code, actor in (("balvi", head), ("tukums", admin)):
        municipality = Municipality.objects.get(code=code)
        before = Provider.objects.filter(municipality=municipality).count()
        providers = ensure_providers(actor=actor, municipality=municipality, today=today, seed=seed)
        if Provider.objects.filter(municipality=municipality).count() != before:
            log(f"{municipality}: {len(providers)} pakalpojumu sniedzēji ar tarifiem")
        if code != "balvi":
            continue
        staff = ensure_staff(actor=actor, providers=providers)
        if not NoShowRule.objects.filter(municipality=municipality).exists():
            delivery_services.no_show_rule_create(
                actor=head,
                municipality=municipality,
                data={"share_percent": NO_SHOW_SHARE, "valid_from": tariffs_from(today)},
            )
        worker = users["socdarbiniece"]
        ensure_cases(
            municipality=municipality,
            worker=worker,
            providers=providers,
            staff=staff,
            today=today,
            seed=seed,
            log=log,
        )
        ensure_invoices(
            municipality=municipality,
            providers=providers,
            staff=staff,
            worker=worker,
            accountant=users["gramatvede"],
            today=today,
            log=log,
        )
