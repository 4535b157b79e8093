"""Matching an extract's entries to our providers: by registration number (the register's
own number recorded on the registration, else the provider's company number); the name is a
hint, a different name is shown, not refused. Each registration the importer keeps gets its
status and lapse date from the extract."""

from __future__ import annotations

import datetime as dt
from typing import Any

from atbalsts.catalog.models import Provider, ProviderKind, ProviderRegistration
from atbalsts.catalog.policies import provider_policy
from atbalsts.catalog.services import registration_update
from atbalsts.core.actors import Actor

from ..extract import Entry, folded
from ..models import CheckStatus, EntryStatus, RegisterImport, RegisterSource, RegistrationCheck

# legal forms are left out when names are compared: „SIA Vārpa” is „Vārpa, SIA”
_FORMS = ("sia", "biedriba", "nodibinajums", "as", "ik", "pa", "pasvaldibas aģentūra")
_SLOT = {  # the order of a report's provider lines: what needs action first
    "lapsed": 0, "not_found": 1, "name": 2, "reinstated": 3, "active": 4,
}  # fmt: skip


def names_match(ours: str, theirs: str) -> bool:
    """Do two names of one subject agree, legal form, quotes, case and diacritics aside?"""

    def words(name: str) -> list[str]:
        return [w for w in folded(name).replace(",", " ").split() if w not in _FORMS]

    a, b = " ".join(words(ours)), " ".join(words(theirs))
    return bool(a and b) and (a == b or a in b or b in a)


def _by_regcode(found: dict[str, Entry], wanted: set[str]) -> dict[str, Entry]:
    if not wanted:
        return {}
    return {e.regcode: e for e in found.values() if e.regcode in wanted}


def _line(provider: Provider, entry: Entry | None, **more: Any) -> dict[str, Any]:
    return {
        "provider": provider.pk,
        "provider_name": provider.name,
        "in_register": entry.name if entry else "",
        "number": entry.number if entry else "",
        "name_differs": bool(entry) and not names_match(provider.name, entry.name if entry else ""),
        "lapsed_on": entry.lapsed_on.isoformat() if entry and entry.lapsed_on else None,
        **more,
    }


def apply_to_providers(
    *, actor: Actor | None, source: str, record: RegisterImport, found: dict[str, Entry]
) -> list[dict[str, Any]]:
    """The report's lines about the importer's providers (none for the system)."""
    if actor is None:
        return []
    kept = provider_policy.changeable(actor, Provider.objects.filter(active=True))
    if source == RegisterSource.ENTERPRISES:
        lines = _enterprises(kept, found)
    else:
        lines = _registrations(actor, source, record, kept, found)
    lines.sort(key=lambda line: (_SLOT[line["outcome"]], line["provider_name"]))
    return lines


def _enterprises(kept: Any, found: dict[str, Entry]) -> list[dict[str, Any]]:
    """The Enterprise Register: is each legal-entity provider still registered, and under
    which name? (It holds no service registration to change.)"""
    providers = list(kept.filter(kind=ProviderKind.LEGAL))
    index = _by_regcode(found, {p.registration_number for p in providers})
    lines = []
    for provider in providers:
        entry = index.get(provider.registration_number) or found.get(provider.registration_number)
        if entry is None:
            lines.append(_line(provider, None, outcome="not_found"))
            continue
        line = _line(provider, entry, outcome=_outcome(entry))
        if line["outcome"] == "active" and line["name_differs"]:
            line["outcome"] = "name"
        lines.append(line)
    return lines


def _outcome(entry: Entry) -> str:
    return "lapsed" if entry.status == EntryStatus.LAPSED else "active"


def _registrations(
    actor: Actor, source: str, record: RegisterImport, kept: Any, found: dict[str, Entry]
) -> list[dict[str, Any]]:
    registrations = list(
        ProviderRegistration.objects.filter(register=source, provider__in=kept)
        .select_related("provider", "register_check")
        .order_by("pk")
    )
    index = _by_regcode(found, {r.provider.registration_number for r in registrations})
    lines = []
    for registration in registrations:
        provider = registration.provider
        entry = found.get(registration.number.upper().replace(" ", "")) or index.get(
            provider.registration_number
        )
        check = getattr(registration, "register_check", None)
        if entry is None:
            RegistrationCheck.objects.update_or_create(
                registration=registration,
                defaults={
                    "status": CheckStatus.NOT_FOUND,
                    "lapsed_on": None,
                    "name_in_register": "",
                    "name_differs": False,
                    "checked_import": record,
                },
            )
            lines.append(_line(provider, None, outcome="not_found", registration=registration.pk))
            continue
        before = registration.valid_to
        after = _valid_to(registration, entry, check)
        if after != before:
            registration_update(actor=actor, registration=registration, data={"valid_to": after})
        line = _line(
            provider,
            entry,
            outcome=_outcome(entry),
            registration=registration.pk,
            registration_number=registration.number,
            changed=after != before,
            valid_to_before=before.isoformat() if before else None,
            valid_to_after=after.isoformat() if after else None,
        )
        if line["outcome"] == "active" and before is not None and after is None:
            line["outcome"] = "reinstated"
        elif line["outcome"] == "active" and line["name_differs"]:
            line["outcome"] = "name"
        RegistrationCheck.objects.update_or_create(
            registration=registration,
            defaults={
                "status": CheckStatus.LAPSED
                if entry.status == EntryStatus.LAPSED
                else CheckStatus.ACTIVE,
                "lapsed_on": entry.lapsed_on,
                "name_in_register": entry.name,
                "name_differs": line["name_differs"],
                "checked_import": record,
            },
        )
        lines.append(line)
    return lines


def _valid_to(
    registration: ProviderRegistration, entry: Entry, check: RegistrationCheck | None
) -> dt.date | None:
    """The registration's last valid day as the extract says: the day before it lapses.
    An entry valid again clears an end that an earlier extract had set (not one a person
    wrote)."""
    if entry.lapsed_on is not None:
        return max(entry.lapsed_on - dt.timedelta(days=1), registration.valid_from)
    set_by_extract = (
        check is not None
        and check.lapsed_on is not None
        and registration.valid_to
        == max(check.lapsed_on - dt.timedelta(days=1), registration.valid_from)
    )
    return None if set_by_extract else registration.valid_to
