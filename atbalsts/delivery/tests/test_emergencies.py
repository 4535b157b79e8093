"""Emergency situations: declared and ended by the head, dated, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.delivery import selectors, services
from atbalsts.delivery.models import EmergencySituation

DAY = dt.date(2026, 3, 16)


def declare(actor: Any, municipality: Any, **data: Any) -> EmergencySituation:
    values = {"start": DAY, "reason": "Covid-19", **data}
    return services.emergency_declare(actor=actor, municipality=municipality, data=values)


def test_head_declares_and_ends_an_emergency(head: Any, balvi: Any) -> None:
    emergency = declare(head, balvi)
    assert selectors.emergency_on(municipality_id=balvi.pk, day=DAY + dt.timedelta(days=300))
    services.emergency_end(actor=head, emergency=emergency, end=DAY + dt.timedelta(days=60))
    assert selectors.emergency_on(municipality_id=balvi.pk, day=DAY + dt.timedelta(days=60))
    assert not selectors.emergency_on(municipality_id=balvi.pk, day=DAY + dt.timedelta(days=61))
    assert not selectors.emergency_on(municipality_id=balvi.pk, day=DAY - dt.timedelta(days=1))
    types = list(AuditEvent.objects.values_list("event_type", flat=True).order_by("id"))
    assert types[-2:] == [
        AuditEventType.DELIVERY_EMERGENCY_DECLARED,
        AuditEventType.DELIVERY_EMERGENCY_ENDED,
    ]


def test_emergency_of_one_municipality_does_not_cover_another(
    head: Any, balvi: Any, tukums: Any
) -> None:
    declare(head, balvi)
    assert selectors.emergency_on(municipality_id=tukums.pk, day=DAY) is None


def test_overlapping_emergencies_are_refused(head: Any, balvi: Any) -> None:
    declare(head, balvi, end=DAY + dt.timedelta(days=10))
    with pytest.raises(ValidationFailed) as exc:
        declare(head, balvi, start=DAY + dt.timedelta(days=5))
    assert exc.value.field_errors == {
        "start": ["Šajā laikā pašvaldībā jau ir izsludināta ārkārtas situācija."]
    }
    assert declare(head, balvi, start=DAY + dt.timedelta(days=11))


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"reason": ""}, {"reason": ["Obligāts lauks."]}),
        ({"start": "16.03.2026"}, {"start": ["Datumam jābūt formā GGGG-MM-DD."]}),
        (
            {"end": DAY - dt.timedelta(days=1)},
            {"end": ["Beigu datums nevar būt pirms sākuma datuma."]},
        ),
    ],
)
def test_bad_input_is_refused(head: Any, balvi: Any, data: Any, errors: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        declare(head, balvi, **data)
    assert exc.value.field_errors == errors
    assert not EmergencySituation.objects.exists()


def test_end_before_start_is_refused(head: Any, balvi: Any) -> None:
    emergency = declare(head, balvi)
    with pytest.raises(ValidationFailed) as exc:
        services.emergency_end(actor=head, emergency=emergency, end=DAY - dt.timedelta(days=1))
    assert exc.value.field_errors == {"end": ["Beigu datums nevar būt pirms sākuma datuma."]}


def test_only_the_head_of_the_municipality_declares(
    make_user: Any, balvi: Any, tukums: Any, head: Any
) -> None:
    for actor in (
        make_user(Role.SOCIAL_WORKER, balvi),
        make_user(Role.ACCOUNTANT, balvi),
        make_user(Role.HEAD, tukums),
        make_user(Role.AUDITOR, balvi),
    ):
        with pytest.raises(NotPermitted):
            declare(actor, balvi)
    emergency = declare(head, balvi)
    with pytest.raises(NotPermitted):
        services.emergency_end(
            actor=make_user(Role.SOCIAL_WORKER, balvi), emergency=emergency, end=DAY
        )
