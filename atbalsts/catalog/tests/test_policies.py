"""Who sees and changes what in the catalogue (the rules in policies.py)."""

import pytest

from atbalsts.catalog import selectors
from atbalsts.catalog.models import Provider
from atbalsts.catalog.policies import municipal_price_policy, provider_policy, service_type_policy
from atbalsts.core.errors import NotPermitted
from atbalsts.core.policies import Action
from atbalsts.core.roles import Role

from .factories import make_municipal_price, make_provider


@pytest.fixture
def prices(head, make_user, balvi, tukums, service_type):
    for actor, municipality in ((head, balvi), (make_user(Role.HEAD, tukums), tukums)):
        make_municipal_price(
            actor=actor, municipality=municipality, service_type=service_type, unit_price="10.00"
        )


@pytest.mark.parametrize(
    ("role", "count"),
    [
        (Role.SOCIAL_WORKER, 1),
        (Role.ACCOUNTANT, 1),
        (Role.HEAD, 1),
        (Role.AUDITOR, 1),
        (Role.PROVIDER, 0),
        (Role.ANALYST, 0),
    ],
)
def test_municipal_prices_are_seen_within_the_municipality(make_user, balvi, prices, role, count):
    user = make_user(role, balvi if role != Role.ANALYST else None)
    assert selectors.municipal_price_list(user=user).count() == count


def test_admin_and_unbound_auditor_see_every_price(admin_user, make_user, prices):
    assert selectors.municipal_price_list(user=admin_user).count() == 2
    assert selectors.municipal_price_list(user=make_user(Role.AUDITOR, None)).count() == 2


def test_head_cannot_set_another_municipality_price(head, tukums, service_type):
    with pytest.raises(NotPermitted):
        make_municipal_price(
            actor=head, municipality=tukums, service_type=service_type, unit_price="1.00"
        )


def test_catalogue_readers(make_user, balvi):
    for role in Role:
        user = make_user(
            role, balvi if role in (Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT) else None
        )
        assert service_type_policy.can(user, Action.VIEW)
        assert service_type_policy.can(user, Action.CHANGE) == (role in (Role.HEAD, Role.ADMIN))


def test_provider_register_is_shared_for_reading_only(make_user, balvi, tukums, provider):
    tukums_worker = make_user(Role.SOCIAL_WORKER, tukums)
    assert provider in provider_policy.visible(tukums_worker, Provider.objects.all())
    assert not provider_policy.can(tukums_worker, Action.CHANGE, provider)
    assert not provider_policy.can(make_user(Role.HEAD, tukums), Action.CHANGE, provider)
    assert provider_policy.can(make_user(Role.HEAD, balvi), Action.CHANGE, provider)
    assert not provider_policy.visible(
        make_user(Role.ANALYST, None), Provider.objects.all()
    ).exists()


def test_provider_staff_without_membership_see_nothing(make_user, provider):
    staff = make_user(Role.PROVIDER, None)
    assert not provider_policy.visible(staff, Provider.objects.all()).exists()
    assert not provider_policy.can(staff, Action.VIEW, provider)


def test_inactive_user_sees_nothing(make_user, balvi, provider):
    user = make_user(Role.HEAD, balvi, is_active=False)
    assert not provider_policy.visible(user, Provider.objects.all()).exists()
    assert not service_type_policy.can(user, Action.VIEW)
    assert not municipal_price_policy.can(user, Action.VIEW)
    with pytest.raises(NotPermitted):
        make_provider(actor=user, municipality=balvi)
