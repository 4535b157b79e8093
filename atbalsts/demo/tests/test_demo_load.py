"""The demo loader runs once: a second run changes nothing; it builds a living municipality."""

import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from atbalsts.accounts.models import User
from atbalsts.billing.models import Invoice, InvoiceStatus
from atbalsts.billing.selectors import budget_ledger
from atbalsts.catalog.identifiers import normalise_iban
from atbalsts.catalog.models import Provider, ProviderMembership, RegisterKind
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.delivery.models import Session
from atbalsts.demo import balvi as pilot
from atbalsts.demo.world import company_number
from atbalsts.people.models import Client, Representative
from atbalsts.plans.models import GuaranteeLetter, PlanStatus, PlanVersion, SupportPlan


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            User,
            Client,
            Representative,
            Provider,
            SupportPlan,
            GuaranteeLetter,
            Session,
            Invoice,
            AuditEvent,
        )
    )


@pytest.mark.django_db
def test_demo_load_is_idempotent_and_builds_a_living_municipality():
    """One test on purpose: loading the demo takes seconds, so it is loaded once (twice)."""
    first, progress = io.StringIO(), io.StringIO()
    call_command("demo_load", stdout=first, stderr=progress)
    assert "Balvu individuālā budžeta pilotprojekts 2019–2021 importēts: 20 klienti" in (
        first.getvalue()
    )
    # the minute-long pilot import shows how far it is, ending at all of its rows
    steps = progress.getvalue().split("\r")[1:]
    assert len(steps) > 2
    done, total = steps[-1].split(": ")[1].split(" ")[0].split("/")
    assert done == total and int(total) > 1000
    counts = _counts()
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    assert _counts() == counts
    assert "Balvu pilotprojekts 2019–2021 jau ielādēts (20 klienti" in out.getvalue()

    # Balvi's 2019–2021 pilots (atbalsts/demo/tests/test_balvi_pilot.py checks their report)
    # live beside the living demo; what follows is about the living demo
    pilot_clients, pilot_providers = pilot.pilot_keys()
    assert Client.objects.filter(personal_code__in=pilot_clients).count() == 20
    living = Client.objects.exclude(personal_code__in=pilot_clients)

    # people, as before
    assert living.count() >= 30 and Representative.objects.exists()
    assert set(living.values_list("municipality__code", flat=True)) == {"balvi", "tukums"}

    # the provider staff login, linked to a Balvi provider, listed by the command
    staff = User.objects.get(username="sniedzejs")
    assert staff.role == Role.PROVIDER and staff.check_password("atbalsts-demo")
    membership = ProviderMembership.objects.get(user=staff)
    assert membership.provider.municipality.code == "balvi"
    assert "sniedzejs" in out.getvalue()

    # providers: valid numbers and accounts, verified registrations in the right register
    for code in ("balvi", "tukums"):
        providers = Provider.objects.filter(municipality__code=code).exclude(
            registration_number__in=pilot_providers
        )
        assert 4 <= providers.count() <= 6
        for provider in providers:
            number = provider.registration_number
            assert len(number) == 11 and number[0] in "45"
            assert normalise_iban(provider.iban) == provider.iban
            assert provider.tariffs.filter(valid_from="2025-01-01").exists()
            assert provider.locations.exists()
            for registration in provider.registrations.all():
                assert registration.verified_on and registration.verified_by_id
        registers = set(
            providers.values_list("registrations__register", flat=True).exclude(
                registrations__isnull=True
            )
        )
        assert registers == {
            RegisterKind.SOCIAL_SERVICE_PROVIDERS,
            RegisterKind.MEDICAL_PRACTITIONERS,
        }

    # the cycle: an active plan with letters, sessions and a paid invoice; money spent
    active = (
        PlanVersion.objects.filter(status=PlanStatus.ACTIVE)
        .exclude(plan__client__personal_code__in=pilot_clients)
        .select_related("plan__client")
    )
    balvi_clients = living.filter(municipality__code="balvi").count()
    assert 0.4 * balvi_clients <= active.count() <= 0.6 * balvi_clients
    paid_lines = Invoice.objects.filter(status=InvoiceStatus.PAID).values_list(
        "lines__client_id", flat=True
    )
    version = active.filter(plan__client_id__in=paid_lines).first()
    assert version is not None
    client = version.plan.client
    assert version.letters.exists() and client.sessions.exists()
    assert 2 <= version.lines.count() <= 4
    worker = User.objects.get(username="socdarbiniece")
    ledger = budget_ledger(user=worker, client=client, today=timezone.localdate())
    spent = sum(row.spent for entry in ledger.periods for row in entry.rows)
    assert spent > 0
    for entry in ledger.periods:
        row = entry.budget_row
        if row is not None and row.budget is not None:
            assert row.spent <= row.budget

    # invoices: different people at each step; the latest month waits for the accountant
    paid = Invoice.objects.filter(status=InvoiceStatus.PAID).exclude(
        provider__registration_number__in=pilot_providers
    )
    assert paid.exists()
    for invoice in paid:
        people = {invoice.submitted_by_id, invoice.confirmed_by_id, invoice.approved_by_id}
        assert len(people) == 3
    latest = Invoice.objects.order_by("-month").first()
    assert latest is not None and latest.status == InvoiceStatus.SUBMITTED
    assert (
        not Invoice.objects.filter(month__lt=latest.month)
        .exclude(status=InvoiceStatus.PAID)
        .exists()
    )

    # sessions stay inside their letters and end before this month
    first_of_month = timezone.localdate().replace(day=1)
    for session in Session.objects.select_related("letter")[:200]:
        assert session.letter.period_start <= session.date <= session.letter.period_end
        assert session.date < first_of_month


@pytest.mark.django_db
def test_demo_load_refuses_where_demo_data_is_not_allowed(settings):
    """Production sets DEMO_DATA_ALLOWED = False: the demo users' password is in the README."""
    settings.DEMO_DATA_ALLOWED = False
    counts = _counts()
    with pytest.raises(CommandError, match=r"DEMO_DATA_ALLOWED=False"):
        call_command("demo_load", stdout=io.StringIO(), stderr=io.StringIO())
    assert _counts() == counts


def test_company_numbers_pass_the_latvian_check():
    weights = (9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1)
    rng = random.Random(1)
    for prefix in ("40003", "40008", "40103", "50103"):
        number = company_number(rng, prefix)
        assert number.startswith(prefix) and len(number) == 11
        assert sum(w * int(d) for w, d in zip(weights, number, strict=True)) % 11 == 3
    # a real company number: only its check digit fits the first ten
    assert company_number(random.Random(0), "4000352160") == "40003521600"
