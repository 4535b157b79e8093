"""Lists of names sort in Latvian order (core.collation) on SQLite and on PostgreSQL."""

import random
from typing import Any

import pytest
from django.db import connection

from atbalsts.catalog.selectors import ProviderFilters, provider_list
from atbalsts.catalog.tests.factories import make_provider
from atbalsts.core.collation import latvian, latvian_key
from atbalsts.people.models import Client
from atbalsts.people.selectors import ClientFilters, client_list
from atbalsts.people.tests.factories import make_client

NAMES = ["Čakste", "Cālītis", "Zariņš", "Šteins", "Ābele", "Avotiņa"]
IN_ORDER = ["Ābele", "Avotiņa", "Cālītis", "Čakste", "Šteins", "Zariņš"]
# ICU's Latvian order (PostgreSQL's "lv-x-icu" gives exactly this): č, ģ, ķ, ļ, ņ, š, ž are
# letters after c, g, k, l, n, s, z; ā, ē, ī, ū and y only decide between otherwise equal
# words; small letters before capitals.
ICU_ORDER = [
    "Abele",
    "Ābele",
    "Ābols",
    "Avotiņa",
    "avots",
    "Cālītis",
    "Celms",
    "Cīrulis",
    "Čakste",
    "Gulbis",
    "Ģipsis",
    "Hāzners",
    "Yaunzems",
    "Ivanovs",
    "Jansons",
    "Kalns",
    "Ķeniņš",
    "Lācis",
    "Ļaudis",
    "Nams",
    "Ņikiforovs",
    "Sproģis",
    "Šteins",
    "Zariņš",
    "Zvaigzne",
    "Žagata",
]


def test_the_python_key_is_latvian_order() -> None:
    assert sorted(NAMES, key=latvian_key) == IN_ORDER
    shuffled = ICU_ORDER[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=latvian_key) == ICU_ORDER
    assert sorted(["abc", "Abc", "abč"], key=latvian_key) == ["abc", "Abc", "abč"]


@pytest.mark.django_db
def test_client_list_is_in_latvian_order(social_worker: Any, balvi: Any) -> None:
    for name in NAMES:
        make_client(actor=social_worker, municipality=balvi, last_name=name, first_name="Anna")
    ids = Client.objects.filter(last_name__in=NAMES).values("pk")

    def names(sort: str) -> list[str]:
        qs = client_list(user=social_worker, filters=ClientFilters(sort=sort))
        return [c.last_name for c in qs.filter(pk__in=ids)]

    assert names("name") == IN_ORDER
    assert names("-name") == IN_ORDER[::-1]
    assert names("municipality") == IN_ORDER


@pytest.mark.django_db
def test_provider_list_is_in_latvian_order(head: Any, balvi: Any) -> None:
    made = [make_provider(actor=head, municipality=balvi, name=f"{n} SIA") for n in NAMES]
    qs = provider_list(user=head, filters=ProviderFilters(sort="name"))
    assert [p.name for p in qs.filter(pk__in=[p.pk for p in made])] == [
        f"{n} SIA" for n in IN_ORDER
    ]
    qs = provider_list(user=head, filters=ProviderFilters(sort="-name"))
    assert [p.name for p in qs.filter(pk__in=[p.pk for p in made])] == [
        f"{n} SIA" for n in IN_ORDER[::-1]
    ]


@pytest.mark.django_db
def test_the_database_orders_as_the_python_key(social_worker: Any, balvi: Any) -> None:
    """On PostgreSQL this is ICU's order; on SQLite our collation: both the same."""
    for name in ICU_ORDER:
        make_client(actor=social_worker, municipality=balvi, last_name=name)
    qs = Client.objects.filter(last_name__in=ICU_ORDER).order_by(latvian("last_name"), "pk")
    assert [c.last_name for c in qs] == ICU_ORDER


@pytest.mark.django_db
def test_the_case_worker_choice_is_in_latvian_order(make_user: Any, balvi: Any) -> None:
    from atbalsts.core.roles import Role
    from atbalsts.people.forms import CaseAssignmentForm

    for name in ("Zariņa", "Čīma", "Cīrule", "Ābola"):
        make_user(Role.SOCIAL_WORKER, balvi, last_name=name)
    client = make_client(
        actor=make_user(Role.SOCIAL_WORKER, balvi, last_name="Žube"), municipality=balvi
    )
    field: Any = CaseAssignmentForm(client=client).fields["social_worker"]
    choices = field.queryset
    assert [u.last_name for u in choices] == ["Ābola", "Cīrule", "Čīma", "Zariņa", "Žube"]


def test_postgresql_has_the_icu_collation(require_postgres: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'lv-x-icu'")
        assert cursor.fetchone() is not None


@pytest.mark.django_db
def test_municipalities_are_in_latvian_order() -> None:
    from atbalsts.people.models import Municipality

    names = list(Municipality.objects.values_list("name", flat=True))
    assert names == sorted(names, key=latvian_key)
    assert names[0] == "Ādažu novads"
    assert names.index("Ķekavas novads") == names.index("Kuldīgas novads") + 1


@pytest.mark.django_db
def test_users_are_in_latvian_order_by_default(make_user: Any, balvi: Any) -> None:
    from django.contrib.auth import get_user_model

    from atbalsts.core.roles import Role

    for name in NAMES:
        make_user(Role.HEAD, balvi, last_name=name)
    users = get_user_model().objects.filter(last_name__in=NAMES)
    assert [u.last_name for u in users] == IN_ORDER
