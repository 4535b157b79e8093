"""Cancellations: a session planned under a letter line that did not take place because the
provider, the person (or family) or the social service cancelled it, and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.catalog.models import ServiceType, ServiceUnit
from atbalsts.core.audit import AuditEventType, audit_for_client
from atbalsts.core.dates import dmy
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.money import round_money
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    choice_field,
    date_field,
    raise_if_errors,
    refuse_unknown,
    text_field,
    time_field,
)
from atbalsts.plans.models import GuaranteeLetter, LetterStatus
from atbalsts.plans.selectors import letter_unit_price

from .. import selectors
from ..errors import NoLetter
from ..models import Cancellation, CancelledBy, CancelReason, Session, SessionStatus
from ..policies import delivery_policy
from .sessions import session_update

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

CANCELLATION_FIELDS = ("line_key", "date", "start_time", "cancelled_by", "reason", "note")


def _units_not_given(unit: str, line: Mapping[str, Any]) -> Decimal:
    """One planned session's units: its length in hours for an hourly service, else one
    (a kilometre trip that did not happen has no kilometres to count)."""
    if unit == ServiceUnit.HOUR:
        minutes = line.get("session_minutes") or 60
        return round_money(Decimal(minutes) / 60)
    if unit == ServiceUnit.KM:
        return Decimal("0")
    return Decimal("1")


def _read(data: Mapping[str, object], errors: dict[str, list[str]]) -> dict[str, Any]:
    cancelled_by = choice_field(
        data.get("cancelled_by"), "cancelled_by", errors, CancelledBy, required=True
    )
    reason = choice_field(data.get("reason"), "reason", errors, CancelReason, required=True)
    note = text_field(data.get("note"), "note", errors, limit=500)
    if reason == CancelReason.OTHER and not note and "note" not in errors:
        add_error(errors, "note", _("Citam iemeslam ierakstiet paskaidrojumu."))
    if reason == CancelReason.PROVIDER_ILLNESS and cancelled_by and cancelled_by != "provider":
        add_error(
            errors,
            "cancelled_by",
            _("Sniedzēja slimības dēļ nodarbību atceļ sniedzējs."),
        )
    return {"cancelled_by": cancelled_by, "reason": reason, "note": note}


def _audit(actor: Actor, cancellation: Cancellation) -> None:
    audit_for_client(
        actor,
        AuditEventType.DELIVERY_CANCELLATION_RECORDED,
        cancellation,
        cancellation.client,
        {
            "letter": cancellation.letter.number,
            "line_key": str(cancellation.line_key),
            "date": cancellation.date.isoformat(),
            "cancelled_by": cancellation.cancelled_by,
            "reason": cancellation.reason,
            "session": cancellation.session_id,
            "units": str(cancellation.units),
        },
    )


@transaction.atomic
def cancellation_record(
    *, actor: Actor, letter: GuaranteeLetter, data: Mapping[str, object]
) -> Cancellation:
    """Record that a session planned under a letter line (`data["line_key"]`) on a day was
    cancelled, by whom and why. Nothing is paid for it; the reports count it as not given."""
    refuse_unknown(data, CANCELLATION_FIELDS)
    letter = GuaranteeLetter.objects.select_related("version__plan__client").get(pk=letter.pk)
    if not delivery_policy.can(actor, Action.CREATE, letter):
        raise NotPermitted()
    if letter.status != LetterStatus.ISSUED:
        raise NoLetter(field="letter")
    errors: dict[str, list[str]] = {}
    line: dict[str, Any] | None = None
    if data.get("line_key") in (None, ""):
        add_error(errors, "line_key", _("Izvēlieties pakalpojumu no garantijas vēstules."))
    else:
        try:
            line = selectors.letter_line(letter, data["line_key"])
        except NoLetter:
            add_error(
                errors,
                "line_key",
                _("Garantijas vēstulē %(number)s nav šāda pakalpojuma.")
                % {"number": letter.number},
            )
    day = date_field(data.get("date"), "date", errors)
    start_time = time_field(data.get("start_time"), "start_time", errors)
    fields = _read(data, errors)
    raise_if_errors(errors)
    if line is None or day is None:  # pragma: no cover - reported above
        raise ValidationFailed({"date": [_("Obligāts lauks.")]})
    _check_in_period(letter, line, day)
    twins = Cancellation.objects.filter(
        letter=letter, line_key=line["key"], date=day, start_time=start_time
    )
    if twins.exists():
        raise ValidationFailed(
            {"date": [_("Šī nodarbība %(day)s jau ir reģistrēta kā atcelta.") % {"day": dmy(day)}]}
        )
    service_type = ServiceType.objects.get(pk=line["service_type_id"])
    units = _units_not_given(str(service_type.unit), line)
    price = letter_unit_price(line) or Decimal("0.00")
    cancellation = Cancellation.objects.create(
        client=selectors.letter_client(letter),
        letter=letter,
        line_key=line["key"],
        provider_id=letter.provider_id,
        service_type=service_type,
        date=day,
        start_time=start_time,
        units=units,
        amount=round_money(units * price),
        recorded_by=actor,
        **fields,
    )
    _audit(actor, cancellation)
    return cancellation


@transaction.atomic
def session_cancel(*, actor: Actor, session: Session, data: Mapping[str, object]) -> Cancellation:
    """Cancel a recorded session (one recorded ahead, or recorded by mistake as held): it
    becomes a cancelled session, earning nothing, and the cancellation says who and why."""
    refuse_unknown(data, ("cancelled_by", "reason", "note"))
    delivery_policy.require(actor, Action.CHANGE, session)
    if Cancellation.objects.filter(session_id=session.pk).exists():
        raise ValidationFailed({"session": [_("Šī nodarbība jau ir atcelta.")]})
    errors: dict[str, list[str]] = {}
    fields = _read(data, errors)
    raise_if_errors(errors)
    session = session_update(
        actor=actor,
        session=session,
        data={"status": SessionStatus.CANCELLED, "signed_by": "", "signer_note": ""},
    )
    line = selectors.letter_line(session.letter, session.line_key)
    units = _units_not_given(str(session.service_type.unit), line)
    price = letter_unit_price(line) or Decimal("0.00")
    cancellation = Cancellation.objects.create(
        client=session.client,
        letter=session.letter,
        line_key=session.line_key,
        provider_id=session.provider_id,
        service_type=session.service_type,
        date=session.date,
        start_time=session.start_time,
        units=units,
        amount=round_money(units * price),
        session=session,
        recorded_by=actor,
        **fields,
    )
    _audit(actor, cancellation)
    return cancellation


def _check_in_period(letter: GuaranteeLetter, line: Mapping[str, Any], day: dt.date) -> None:
    start = max(dt.date.fromisoformat(line["start"]), letter.period_start)
    end = min(dt.date.fromisoformat(line["end"]), letter.period_end)
    if not start <= day <= end:
        raise ValidationFailed(
            {
                "date": [
                    _(
                        "Datums %(day)s ir ārpus garantijas vēstules %(number)s perioda šim "
                        "pakalpojumam (%(start)s–%(end)s)."
                    )
                    % {
                        "day": dmy(day),
                        "number": letter.number,
                        "start": dmy(start),
                        "end": dmy(end),
                    }
                ]
            }
        )
