"""The billing policy, role by role: who sees which invoices and who may do what."""

import pytest

from atbalsts.billing.models import Invoice
from atbalsts.billing.policies import BillingAction as A
from atbalsts.billing.policies import billing_policy
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import make_letter

from .factories import record_sessions, submit

pytestmark = pytest.mark.django_db

ALL = [A.VIEW, A.SUBMIT, A.CONFIRM, A.APPROVE, A.PAY, A.REJECT]  # actions on one invoice


@pytest.fixture
def invoice(world):
    letter = make_letter(world)
    record_sessions(letter, [3])
    return submit(world)


@pytest.mark.parametrize(
    ("role", "home", "allowed"),
    [
        (Role.SOCIAL_WORKER, True, {A.VIEW, A.CONFIRM, A.REJECT}),
        (Role.HEAD, True, {A.VIEW, A.CONFIRM, A.REJECT}),
        (Role.ACCOUNTANT, True, {A.VIEW, A.APPROVE, A.PAY, A.REJECT}),
        (Role.AUDITOR, True, {A.VIEW}),
        (Role.ADMIN, False, {A.VIEW}),
        (Role.ANALYST, False, set()),
        (Role.SOCIAL_WORKER, False, set()),  # another municipality
        (Role.ACCOUNTANT, False, set()),
    ],
)
def test_municipal_roles_on_an_invoice(make_user, balvi, tukums, invoice, role, home, allowed):
    municipality = balvi if home else (None if role in (Role.ADMIN, Role.ANALYST) else tukums)
    user = make_user(role, municipality)
    assert {a for a in ALL if billing_policy.can(user, a, invoice)} == allowed
    visible = billing_policy.visible(user, Invoice.objects.all())
    assert list(visible) == ([invoice] if A.VIEW in allowed else [])


def test_creating_actions_take_the_municipality(make_user, balvi, tukums):
    worker, accountant = make_user(Role.SOCIAL_WORKER, balvi), make_user(Role.ACCOUNTANT, balvi)
    assert billing_policy.can(worker, A.ENTER_PAPER, balvi)
    assert not billing_policy.can(worker, A.ENTER_PAPER, tukums)
    assert not billing_policy.can(accountant, A.ENTER_PAPER, balvi)
    assert billing_policy.can(accountant, A.EXPORT, balvi)
    assert not billing_policy.can(accountant, A.EXPORT, tukums)


def test_provider_staff_see_and_submit_only_their_own(world, invoice):
    assert billing_policy.can(world.staff, A.VIEW, invoice)
    assert billing_policy.can(world.staff, A.SUBMIT, world.provider)
    assert not billing_policy.can(world.staff, A.SUBMIT, world.other_provider)
    for action in (A.CONFIRM, A.APPROVE, A.PAY, A.REJECT, A.EXPORT, A.VIEW_LEDGER):
        assert not billing_policy.can(world.staff, action, invoice)
    assert not billing_policy.can(world.other_staff, A.VIEW, invoice)
    assert list(billing_policy.visible(world.other_staff, Invoice.objects.all())) == []
    assert list(billing_policy.visible(world.staff, Invoice.objects.all())) == [invoice]


def test_provider_staff_without_an_organisation_see_nothing(make_user, invoice):
    user = make_user(Role.PROVIDER, None)
    assert not billing_policy.can(user, A.VIEW)
    assert list(billing_policy.visible(user, Invoice.objects.all())) == []
