"""Plain words for the easy-to-read plan: a provider's name without its legal form ("SIA",
"biedrība" stay out of it), a service in everyday words instead of the catalogue's, and how
often it comes, with Latvian number agreement ("1 reizi", "2 reizes", "21 reizi")."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atbalsts.catalog.models import ServiceUnit
from atbalsts.core.plurals import plural_count

# Legal forms written before or after a Latvian company's or organisation's name.
LEGAL_FORMS = (
    "sabiedrība ar ierobežotu atbildību",
    "akciju sabiedrība",
    "individuālais komersants",
    "pašvaldības sabiedrība ar ierobežotu atbildību",
    "biedrība",
    "nodibinājums",
    "PSIA",
    "VSIA",
    "SIA",
    "AS",
    "IK",
    "ZS",
)
_FORM = "|".join(re.escape(form) for form in sorted(LEGAL_FORMS, key=len, reverse=True))
_LEADING = re.compile(rf"^\s*(?:{_FORM})\b[\s,]*", re.IGNORECASE)
_TRAILING = re.compile(rf"[\s,]*\b(?:{_FORM})\s*$", re.IGNORECASE)
_QUOTES = re.compile(r"[\"'„“”«»]")

# The national catalogue's services in everyday words (by the catalogue's Latvian name).
PLAIN_SERVICES = {
    "Atbalsta personas lēmumu pieņemšanā pakalpojums": "Palīgs, kas palīdz pieņemt lēmumus",
    "Asistenta pakalpojums": "Asistents",
    "Valsts apmaksātais asistents pašvaldībā": "Asistents",
    "Ģimenes asistenta pakalpojums": "Ģimenes asistents",
    "Aprūpes mājās pakalpojums": "Palīdzība mājās",
    "Atelpas brīža pakalpojums mājās": "Atelpas brīdis mājās",
    "Atelpas brīža pakalpojums institūcijā": "Atelpas brīdis ārpus mājām",
    "Dienas aprūpes centra pakalpojums": "Dienas centrs",
    "Specializētās darbnīcas pakalpojums": "Darbnīca",
    "Grupu mājas (dzīvokļa) pakalpojums": "Grupu dzīvoklis",
    "Individuālā atbalsta programma": "Palīdzība atrast un noturēt darbu",
    "Grupu nodarbība (personām)": "Nodarbības grupā",
    "Atbalsta grupas nodarbība (personām)": "Atbalsta grupa",
    "Atbalsta grupas nodarbība (dabiskajam atbalsta lokam)": "Atbalsta grupa maniem tuviniekiem",
    "Psihologa konsultācija (dabiskajam atbalsta lokam)": "Psihologs maniem tuviniekiem",
    "Fizioterapeita konsultācijas": "Fizioterapeits",
    "Fizioterapeita nodarbība": "Fizioterapeits",
    "Ergoterapeita nodarbība": "Ergoterapeits",
    "Logopēda nodarbība": "Logopēds",
}
_SUFFIX = re.compile(r"\s+(pakalpojums|pakalpojumi|konsultācija|konsultācijas)$", re.IGNORECASE)
_SUPPORT_CIRCLE = re.compile(r"\s*\(dabiskajam atbalsta lokam\)", re.IGNORECASE)
_FOR_PERSONS = re.compile(r"\s*\(personām\)", re.IGNORECASE)


def plain_provider(name: str) -> str:
    """The name people say: „SIA "Ķiršu dārzs"” → Ķiršu dārzs; "Biedrība Ābeļzieds" → Ābeļzieds."""
    plain = _QUOTES.sub("", name)
    for _round in range(2):  # "SIA X, biedrība" has one at each end
        plain = _TRAILING.sub("", _LEADING.sub("", plain))
    plain = " ".join(plain.split())
    return plain or " ".join(name.split())


def plain_service(name: str) -> str:
    """A service in everyday words: from the list above, or the catalogue's name without the
    official ending ("… pakalpojums") and its bracketed qualifiers."""
    known = PLAIN_SERVICES.get(name.strip())
    if known:
        return known
    plain = _FOR_PERSONS.sub("", name.strip())
    if _SUPPORT_CIRCLE.search(plain):
        plain = _SUPPORT_CIRCLE.sub("", plain) + " " + _("maniem tuviniekiem")
    shorter = _SUFFIX.sub("", plain)
    if shorter != plain and len(shorter.split()) >= 2:  # "Asistenta" alone says nothing
        plain = shorter
    return plain[:1].upper() + plain[1:]


def how_often(quantity: Decimal, unit: str, n: str, *, per_period: bool = False) -> str:
    """How much of a service comes a month (or in the whole period), the words agreeing with
    the number `n` shows."""
    count = plural_count(quantity)
    if unit == ServiceUnit.MONTH:
        return _("katru mēnesi")
    if unit == ServiceUnit.HOUR:
        words = ngettext("%(n)s stundu", "%(n)s stundas", count)
    elif unit == ServiceUnit.DAY:
        words = ngettext("%(n)s dienu", "%(n)s dienas", count)
    elif unit == ServiceUnit.KM:
        words = ngettext("%(n)s kilometru", "%(n)s kilometrus", count)
    elif unit == ServiceUnit.TRIP:
        words = ngettext("%(n)s braucienu", "%(n)s braucienus", count)
    elif unit == ServiceUnit.COURSE:
        words = ngettext("%(n)s kursu", "%(n)s kursus", count)
    else:
        words = ngettext("%(n)s reizi", "%(n)s reizes", count)
    when = _("visā plāna laikā") if per_period else _("mēnesī")
    return f"{words % {'n': n}} {when}"
