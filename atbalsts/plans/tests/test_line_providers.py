"""The plan line's provider list puts the municipality's providers registered for the chosen
service first, the others after them (issue 11, "work that takes fewer steps")."""

from typing import Any

import pytest
from django.urls import reverse

from atbalsts.catalog.models import ProviderRegistration
from atbalsts.catalog.tests.factories import make_provider
from atbalsts.plans.forms import LineForm

from .factories import make_plan

pytestmark = pytest.mark.django_db


def _groups(form: LineForm) -> list[tuple[str, list[str]]]:
    choices: Any = form.fields["provider"].choices  # type: ignore[attr-defined]
    return [
        (str(label), [name for _pk, name in options])
        for label, options in choices
        if isinstance(options, list)
    ]


def test_registered_providers_of_the_chosen_service_come_first(world: Any) -> None:
    make_provider(actor=world.head, municipality=world.municipality, name="Aprūpe SIA")
    version = make_plan(world)
    form = LineForm(data={"service_type": world.support_person.pk}, version=version)
    assert _groups(form) == [
        ("Reģistrēti šim pakalpojumam pašvaldībā", ["Biedrība Ūdensrožu māja"]),
        ("Citi sniedzēji", ["Aprūpe SIA", "SIA Ķiršu dārzs"]),
    ]
    edit = LineForm(initial={"service_type": world.support_person}, version=version)
    assert _groups(edit)[0][1] == ["Biedrība Ūdensrožu māja"]
    blank = LineForm(version=version)
    assert _groups(blank)[0][0] == "Reģistrēti pašvaldībā"
    # validation still takes any active provider
    other = LineForm(data={"service_type": world.support_person.pk}, version=version)
    assert other.fields["provider"].clean(str(world.other_provider.pk)) == world.other_provider


def test_a_service_nobody_is_registered_for_lists_providers_plainly(world: Any) -> None:
    version = make_plan(world)
    ProviderRegistration.objects.all().delete()
    form = LineForm(data={"service_type": world.assistant.pk}, version=version)
    assert _groups(form) == []


def test_choosing_a_service_regroups_the_provider_list_on_the_page(client: Any, world: Any) -> None:
    version = make_plan(world)
    client.force_login(world.worker)
    url = reverse("plans:line_create", args=[version.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="change from:#id_service_type"' in page
    page = client.get(url, {"service_type": world.support_person.pk}).content.decode()
    select = page[page.index('<select name="provider"') :]
    select = select[: select.index("</select>")]
    assert (
        select.index("Reģistrēti šim pakalpojumam pašvaldībā")
        < select.index("Biedrība Ūdensrožu māja")
        < select.index("Citi sniedzēji")
        < select.index("SIA Ķiršu dārzs")
    )


def test_a_provider_already_chosen_stays_chosen_when_the_list_regroups(
    client: Any, world: Any
) -> None:
    version = make_plan(world)
    client.force_login(world.worker)
    url = reverse("plans:line_create", args=[version.pk])
    chosen = world.provider.pk
    page = client.get(url, {"service_type": world.support_person.pk, "provider": chosen})
    select = page.content.decode()
    select = select[select.index('<select name="provider"') :]
    select = select[: select.index("</select>")]
    assert f'<option value="{chosen}" selected>' in select
