"""The bundle policy: who may import, for which municipality, and who may approve payment."""

import pytest

from atbalsts.bundle.policies import bundle_policy
from atbalsts.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.HEAD, True),
        (Role.SOCIAL_WORKER, False),
        (Role.ACCOUNTANT, False),
        (Role.AUDITOR, False),
        (Role.PROVIDER, False),
    ],
)
def test_only_the_head_may_import_for_their_municipality(make_user, balvi, tukums, role, allowed):
    user = make_user(role, balvi)
    assert bundle_policy.may_import(user, balvi) is allowed
    assert bundle_policy.may_import(user) is allowed
    assert bundle_policy.may_import(user, tukums) is False


def test_the_admin_may_import_for_any_municipality(admin_user, balvi, tukums):
    assert bundle_policy.may_import(admin_user)
    assert bundle_policy.may_import(admin_user, balvi)
    assert bundle_policy.may_import(admin_user, tukums)
