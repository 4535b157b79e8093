"""Two approvals racing for the last euros of a budget: exactly one passes (PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from atbalsts.billing import services
from atbalsts.billing.errors import BudgetOverspent
from atbalsts.billing.models import Invoice, InvoiceStatus, MonthlySpend
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import make_letters

from .factories import confirm, lower_budget, record_sessions, submit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_approvals_for_the_last_euros_cannot_both_pass(
    require_postgres, world, accountant, make_user, balvi
):
    letters = make_letters(world, lines=[{}, {"provider": world.other_provider}])
    record_sessions(letters[world.provider.pk], [3, 10])  # 2 × 20.00 = 40.00
    record_sessions(letters[world.other_provider.pk], [4, 11])  # 2 × 25.00 = 50.00
    first = confirm(world, submit(world))
    second = confirm(world, submit(world, actor=world.other_staff, provider=world.other_provider))
    lower_budget(world, monthly="10.00")  # 60.00 in the period: room for one of the two
    other_accountant = make_user(Role.ACCOUNTANT, balvi)
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def approve(actor, invoice):
        try:
            barrier.wait(timeout=10)
            services.invoice_approve(actor=actor, invoice=invoice)
            outcomes[invoice.pk] = "approved"
        except BudgetOverspent:
            outcomes[invoice.pk] = "refused"
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [
        threading.Thread(target=approve, args=(accountant, first)),
        threading.Thread(target=approve, args=(other_accountant, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["approved", "refused"]
    statuses = sorted(Invoice.objects.values_list("status", flat=True))
    assert statuses == [InvoiceStatus.APPROVED, InvoiceStatus.CONFIRMED]
    winner = Invoice.objects.get(status=InvoiceStatus.APPROVED)
    assert sum(s.amount for s in MonthlySpend.objects.all()) == winner.total
    assert winner.total <= Decimal("60.00")
    assert connection.vendor == "postgresql"
