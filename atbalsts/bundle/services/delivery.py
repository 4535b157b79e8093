"""The sessions sheet: sessions recorded against the guarantee letters the imported plans issued."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils.translation import gettext_lazy as _

from atbalsts.core.dates import dmy
from atbalsts.delivery import services as delivery_services

from .rows import HISTORY_KEYS, Context, Row, checksum, fail, letter_line


def session(ctx: Context, row: Row) -> str:
    values = row.values
    key = HISTORY_KEYS["sessions"](values)
    digest = checksum([values])
    if ctx.known("sessions", key, digest, "date"):
        return "unchanged"
    client = ctx.client_of(values["client_personal_code"])
    provider = ctx.provider_of(values["provider_registration_number"])
    service_type = ctx.service_type_of(values["service_type"])
    recipient = ctx.member_of(client, values.get("recipient", ""))
    letter, line = letter_line(
        provider,
        client,
        service_type,
        values["date"],
        recipient=values.get("recipient", ""),
        letters=ctx.letters_of(provider, client),
    )
    if letter is None or line is None:
        raise fail(
            "service_type",
            _(
                "Klientam %(day)s nav šī sniedzēja garantijas vēstules pakalpojumam "
                "„%(service)s”: plānam ar šo pakalpojumu jābūt saskaņotam."
            )
            % {"day": dmy(values["date"]), "service": service_type.name_lv},
        )
    price = values.get("unit_price")
    if price is not None and str(price) != str(line.get("unit_price")):
        raise fail(
            "unit_price",
            _("Cena %(price)s nesakrīt ar garantijas vēstules cenu %(letter)s.")
            % {"price": price, "letter": line.get("unit_price") or "—"},
        )
    data: dict[str, Any] = {"line_key": line["key"]}
    if recipient is not None:
        data["recipient"] = recipient
    for column in (
        "date", "start_time", "duration_minutes", "status", "mode", "signed_by",
        "signer_note", "km", "ticket_amount", "evidence_protocol", "goals_worked_on",
        "techniques",
    ):  # fmt: skip
        if values.get(column) not in (None, ""):
            data[column] = values[column]
    import_key = hashlib.sha256(f"bundle|{ctx.municipality.pk}|{key}".encode()).hexdigest()
    recorded = delivery_services.session_record(
        actor=ctx.actor, letter=letter, data=data, import_key=import_key
    )
    ctx.remember("sessions", key, digest, recorded.pk)
    return "created"
