"""Users of every role, bound to a municipality where the role needs one."""

import factory

from atbalsts.accounts.models import User
from atbalsts.core.roles import Role

PASSWORD = "parole-testam-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.SOCIAL_WORKER
    municipality = None
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


# The roles by short name, for the permission matrices; the first four are bound to one
# municipality, the others see every municipality.
SW, HEAD, ACC, PROV, AN, AUD, ADM = (
    Role.SOCIAL_WORKER,
    Role.HEAD,
    Role.ACCOUNTANT,
    Role.PROVIDER,
    Role.ANALYST,
    Role.AUDITOR,
    Role.ADMIN,
)
MUNICIPAL = (SW, HEAD, ACC, PROV)


def user_in_role(role: Role, municipality: object) -> User:
    """A user of `role`: of `municipality` for a municipal role, of none for a national one."""
    user: User = UserFactory(role=role, municipality=municipality if role in MUNICIPAL else None)
    return user
