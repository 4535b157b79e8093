"""The pages of cancellations and of the remote-quality decision (issue 16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from atbalsts.core.roles import Role
from atbalsts.delivery.models import Cancellation, RemoteQualityDecision, SessionStatus

from .factories import LAST_MONTH, make_letter, make_session

DAY = LAST_MONTH + dt.timedelta(days=2)


def test_provider_records_a_cancellation_on_the_page(world: Any, client: Any, head: Any) -> None:
    letter = make_letter(world)
    client.force_login(world.staff)
    url = reverse("delivery:cancellation_create", args=[letter.pk])
    assert client.get(url).status_code == 200
    data = {
        "line_key": letter.lines[0]["key"],
        "date": DAY.isoformat(),
        "start_time": "",
        "cancelled_by": "person",
        "reason": "other",
        "note": "",
    }
    page = client.post(url, data)
    assert page.status_code == 400
    assert "Citam iemeslam ierakstiet paskaidrojumu." in page.content.decode()
    page = client.post(url, {**data, "note": "Ģimene pārcēlās"})
    assert page.status_code == 302 and page.url == reverse("delivery:cancellations")
    assert Cancellation.objects.get().note == "Ģimene pārcēlās"
    client.force_login(head)
    html = client.get(reverse("delivery:cancellations")).content.decode()
    assert world.provider.name in html and "Ģimene pārcēlās" in html
    other = client.get(reverse("delivery:cancellations"), {"provider": world.other_provider.pk})
    assert "Ģimene pārcēlās" not in other.content.decode()
    client.force_login(world.other_staff)
    assert client.get(url).status_code == 404


def test_analyst_has_no_cancellations_page(client: Any, make_user: Any) -> None:
    client.force_login(make_user(Role.ANALYST, None))
    assert client.get(reverse("delivery:cancellations")).status_code == 403


def test_a_recorded_session_is_cancelled_on_its_page(world: Any, client: Any) -> None:
    session = make_session(make_letter(world))
    client.force_login(world.worker)
    url = reverse("delivery:session_cancel", args=[session.pk])
    page = client.post(url, {"cancelled_by": "provider", "reason": "provider_illness"})
    assert page.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED


def test_social_worker_records_the_remote_quality_decision(world: Any, client: Any) -> None:
    make_letter(world)
    url = reverse("delivery:remote_quality", args=[world.client.pk])
    client.force_login(world.worker)
    assert client.get(url).status_code == 200
    page = client.post(
        url,
        {
            "service_type": world.support_person.pk,
            "keeps_quality": "true",
            "note": "Video zvans ar ģimenes palīdzību izdodas.",
            "decided_on": "",
        },
    )
    assert page.status_code == 302
    decision = RemoteQualityDecision.objects.get()
    assert decision.keeps_quality and decision.decided_by == world.worker
    assert "Video zvans" in client.get(url).content.decode()
    client.force_login(world.staff)
    assert client.get(url).status_code in (403, 404)


def test_social_worker_pauses_a_line_and_the_letter_shows_it(world: Any, client: Any) -> None:
    letter = make_letter(world)
    plan_id = letter.version.plan_id
    client.force_login(world.worker)
    url = reverse("plans:pauses", args=[plan_id])
    assert client.get(url).status_code == 200
    data = {
        "line_key": letter.lines[0]["key"],
        "start": LAST_MONTH.isoformat(),
        "end": (LAST_MONTH + dt.timedelta(days=9)).isoformat(),
        "reason": "hospital",
        "note": "",
    }
    assert client.post(url, {**data, "end": "nav"}).status_code == 400
    assert client.post(url, data).status_code == 302
    html = client.get(reverse("plans:letter_detail", args=[letter.pk])).content.decode()
    assert "pārtraukts" in html and "ārstēšanās slimnīcā" in html
    pause = letter.version.plan.pauses.get()
    new_end = LAST_MONTH + dt.timedelta(days=4)
    page = client.post(reverse("plans:pause_end", args=[pause.pk]), {"end": new_end.isoformat()})
    assert page.status_code == 302
    pause.refresh_from_db()
    assert pause.end == new_end
    client.force_login(world.staff)
    assert client.get(url).status_code == 404


def test_the_letter_page_asks_for_a_contract_and_takes_the_choice(world: Any, client: Any) -> None:
    from atbalsts.catalog.services.contracts import contract_create
    from atbalsts.plans.pause_models import LetterContract

    from .factories import END, START

    def contract(number: str) -> Any:
        return contract_create(
            actor=world.head,
            municipality=world.municipality,
            provider=world.provider,
            data={
                "number": number,
                "valid_from": START,
                "valid_to": END,
                "services": [{"service_type": world.support_person.pk, "unit_price": "20.00"}],
            },
        )

    contract("L-1")
    second = contract("L-2")
    letter = make_letter(world)
    client.force_login(world.worker)
    url = reverse("plans:letter_detail", args=[letter.pk])
    html = client.get(url).content.decode()
    assert "Vēstulei nav norādīts līgums, kuram tā pakļaujas." in html and "Nr. L-2" in html
    page = client.post(reverse("plans:letter_contract", args=[letter.pk]), {"contract": second.pk})
    assert page.status_code == 302
    assert LetterContract.objects.get(letter=letter).contract == second
    assert "Vēstulei nav norādīts līgums" not in client.get(url).content.decode()


def test_the_client_page_links_the_remote_decision_and_counts_cancellations(
    world: Any, client: Any
) -> None:
    from atbalsts.delivery.services.cancellations import cancellation_record

    letter = make_letter(world)
    cancellation_record(
        actor=world.worker,
        letter=letter,
        data={
            "line_key": letter.lines[0]["key"],
            "date": DAY,
            "cancelled_by": "person",
            "reason": "person_illness",
        },
    )
    client.force_login(world.worker)
    html = client.get(reverse("people:client_detail", args=[world.client.pk])).content.decode()
    assert reverse("delivery:remote_quality", args=[world.client.pk]) in html
    assert "1 atcelta nodarbība" in html
