"""What the page "Mani fona darbi" calls each kind of job and each phase, in Latvian.
A kind missing here is shown by its code."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KIND_LABELS: dict[str, str | Promise] = {
    "bundle.import": _("Datu komplekta imports"),
    "delivery.import": _("Nodarbību imports"),
    "delivery.sheets": _("Apmeklējuma lapas"),
    "plans.letters": _("Garantijas vēstules"),
    "reporting.pilot_export": _("Pilotprojekta pārskata eksports"),
    "reporting.extract": _("Pseidonimizēts izvilkums pētniecībai"),
    "billing.ledger_rebuild": _("Budžeta izlietojuma pārrēķins"),
    "registers.import": _("Reģistra izraksta imports"),
    "addresses.import": _("Adrešu reģistra imports"),
}

PHASE_LABELS: dict[str, str | Promise] = {
    "checking": _("pārbauda"),
    "writing": _("saglabā"),
    "reading": _("lasa datus"),
    "rendering": _("veido failu"),
    "rebuilding": _("pārrēķina"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def phase_label(phase: str) -> str:
    return str(PHASE_LABELS.get(phase, phase))
