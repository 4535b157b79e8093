"""Who signed the attendance sheet is always the user's choice: the form suggests no one, a
session that did not take place has no signer, a remote one is confirmed by the person or
signed for them by the social worker with a note (issue 11, "records that must not be
wrong" 1)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from atbalsts.core.errors import ValidationFailed
from atbalsts.delivery import services
from atbalsts.delivery.models import Session

from .factories import DeliveryWorld, make_letter, make_session
from .test_views import form_data

NOT_HELD = "Nodarbība nenotika (persona neieradās vai tā atcelta)"


def test_the_session_form_chooses_no_signer(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    client.force_login(world.staff)
    page = client.get(reverse("delivery:session_create", args=[letters["ours"].pk]))
    select = re.search(r'<select name="signed_by".*?</select>', page.content.decode(), re.S)
    assert select is not None
    assert "selected" not in select.group(0).replace('<option value="" selected>', "")


def test_a_form_sent_without_choosing_a_signer_is_refused(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    client.force_login(world.staff)
    url = reverse("delivery:session_create", args=[letters["ours"].pk])
    data = form_data(letters["ours"])
    del data["signed_by"]
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Norādiet, kas parakstīja apmeklējumu." in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.parametrize("status", ["no_show_notice", "no_show_no_notice", "cancelled"])
def test_a_session_not_held_has_no_signer(world: DeliveryWorld, status: str) -> None:
    letter = make_letter(world)
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, status=status, signed_by="client")
    assert NOT_HELD in exc.value.field_errors["signed_by"][0]
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, status=status, signer_note="Zvanīju")
    assert exc.value.field_errors == {
        "signer_note": ["Nodarbībai, kas nenotika, piezīmi par parakstu neraksta."]
    }
    assert not Session.objects.exists()
    session = make_session(letter, status=status)
    assert session.signed_by == ""


def test_a_no_show_form_with_a_signer_is_refused(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    client.force_login(world.staff)
    url = reverse("delivery:session_create", args=[letters["ours"].pk])
    response = client.post(url, form_data(letters["ours"], status="no_show_no_notice"))
    assert response.status_code == 400
    assert NOT_HELD in response.content.decode()
    assert not Session.objects.exists()


def test_correcting_a_session_into_a_no_show_drops_its_signer(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    session = make_session(letter)
    assert session.signed_by == "client"
    session = services.session_update(
        actor=world.staff, session=session, data={"status": "no_show_notice"}
    )
    assert session.signed_by == ""
    with pytest.raises(ValidationFailed) as exc:
        services.session_update(
            actor=world.staff,
            session=session,
            data={"status": "no_show_notice", "signed_by": "client"},
        )
    assert "signed_by" in exc.value.field_errors


def test_a_remote_session_is_confirmed_by_the_person_or_signed_by_the_social_worker(
    world: DeliveryWorld, letters: Any
) -> None:
    ours = letters["ours"]
    with pytest.raises(ValidationFailed) as exc:
        make_session(ours, line=2, mode="remote", signed_by="")
    assert exc.value.field_errors == {"signed_by": ["Norādiet, kas parakstīja apmeklējumu."]}
    with pytest.raises(ValidationFailed) as exc:
        make_session(ours, line=2, mode="remote", signed_by="social_worker", signer_note="x")
    assert "signed_by" in exc.value.field_errors  # the provider does not sign for the person
    with pytest.raises(ValidationFailed) as exc:
        make_session(ours, line=2, mode="remote", actor=world.worker, signed_by="social_worker")
    assert "signer_note" in exc.value.field_errors
    assert not Session.objects.exists()
    confirmed = make_session(ours, line=2, mode="remote")
    assert confirmed.signed_by == "client"
    signed = make_session(
        ours,
        line=2,
        mode="remote",
        actor=world.worker,
        signed_by="social_worker",
        signer_note="Sazinājos ar personu pa tālruni; nodarbība notika.",
        start_time="14:00",
    )
    assert signed.signed_by == "social_worker"
