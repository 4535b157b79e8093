"""The bundle's sheets and columns (docs/user-guide/imports.md) and how one cell is read.

A bundle is one XLSX with a sheet per table, or a set of CSV files named after the tables
(uploaded together or in one .zip). The provider register's sheets are the catalogue
exchange's own (atbalsts.catalog.exchange), so a register exported there imports here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from atbalsts.catalog.models import LocationKind, ProviderKind, RegisterKind
from atbalsts.core.dates import month_start, parse_day
from atbalsts.core.money import CENT, parse_money
from atbalsts.delivery.models import SessionMode, SessionStatus, Signer
from atbalsts.people.models import (
    CircleRelation,
    ClientStatus,
    ConsentPurpose,
    DisabilityGroup,
    LegalCapacity,
    RepresentativeKind,
    TargetGroup,
)
from atbalsts.plans.models import (
    DecisionDomain,
    FundingSource,
    GoalTerm,
    QuantityBasis,
    SignMethod,
)

MAX_MONEY = Decimal("1000000.00")


class PlanState(models.TextChoices):
    """The state an imported plan is brought to: a draft, agreed (letters issued) or in force."""

    DRAFT = "draft", _("melnraksts")
    AGREED = "agreed", _("saskaņots")
    ACTIVE = "active", _("spēkā")


class InvoiceState(models.TextChoices):
    """How far an imported invoice is taken through the billing workflow."""

    SUBMITTED = "submitted", _("iesniegts")
    CONFIRMED = "confirmed", _("saturs apstiprināts")
    APPROVED = "approved", _("apmaksa apstiprināta")
    PAID = "paid", _("apmaksāts")


class CellError(Exception):
    def __init__(self, message: Any) -> None:
        self.message = str(message)
        super().__init__(self.message)


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).replace("\x00", "").strip()


def date(value: Any) -> dt.date | None:
    """DD.MM.YYYY or YYYY-MM-DD, or a spreadsheet date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    if raw == "":
        return None
    try:
        return parse_day(raw)
    except ValueError:
        raise CellError(_("Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD.")) from None


def time(value: Any) -> dt.time | None:
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    raw = text(value).replace(".", ":")
    if raw == "":
        return None
    try:
        parsed = dt.datetime.strptime(raw, "%H:%M")  # noqa: DTZ007 - a time of day
    except ValueError:
        raise CellError(_("Laikam jābūt formā SS:MM, piemēram, 09:30.")) from None
    return parsed.time()


def money(value: Any) -> Decimal | None:
    """'12,50', '12.50', '1 234,56' or a number cell; '12,5O' is refused."""
    if isinstance(value, bool):
        raise CellError(_("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."))
    # A number cell arrives as a float whose shortest repr is what the user typed (12.5);
    # parse_money then reads that text exactly, so no arithmetic happens in float.
    raw = repr(value) if isinstance(value, float) else text(value)
    if raw == "":
        return None
    try:
        amount = parse_money(raw).quantize(CENT)
    except ValueError:
        raise CellError(
            _("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata.")
        ) from None
    if amount < 0 or amount > MAX_MONEY:
        raise CellError(_("Summai jābūt no 0 līdz %(max)s.") % {"max": MAX_MONEY})
    return amount


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        raise CellError(_("Jābūt veselam skaitlim."))
    raw = text(value)
    if raw == "":
        return None
    if not raw.isdigit() or len(raw) > 6:
        raise CellError(_("Jābūt veselam pozitīvam skaitlim."))
    return int(raw)


def month(value: Any) -> dt.date | None:
    """A month as MM.YYYY, YYYY-MM, or any date in it; always its first day."""
    if isinstance(value, dt.datetime):
        return month_start(value.date())
    if isinstance(value, dt.date):
        return month_start(value)
    raw = text(value)
    if raw == "":
        return None
    for fmt in ("%m.%Y", "%Y-%m"):
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - its first day
        except ValueError:
            continue
    try:
        return month_start(parse_day(raw))
    except ValueError:
        raise CellError(_("Mēnesim jābūt formā MM.GGGG vai GGGG-MM.")) from None


def yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw == "":
        return None
    if raw in {"yes", "jā", "ja", "true", "1", "x"}:
        return True
    if raw in {"no", "nē", "ne", "false", "0"}:
        return False
    raise CellError(_("Jābūt „yes” vai „no”."))


def choice(choices: type[models.TextChoices]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        raw = text(value)
        if raw and raw not in choices.values:
            raise CellError(
                _("Nederīga vērtība „%(value)s”; atļautās: %(allowed)s.")
                % {"value": raw[:40], "allowed": ", ".join(choices.values)}
            )
        return raw

    return parse


def codes(value: Any) -> str:
    """A list of codes separated by ';' (service types of a registration)."""
    return ";".join(c.strip() for c in text(value).split(";") if c.strip())


def texts(value: Any) -> list[str]:
    """Texts separated by '|' (an assessment's goals): a goal may well contain a ';'."""
    return [t.strip() for t in text(value).split("|") if t.strip()]


def scores(value: Any) -> dict[str, int] | None:
    """Support-need intensity per life domain: 'home_living=2; employment=3'."""
    raw = text(value)
    if raw == "":
        return None
    result: dict[str, int] = {}
    for part in raw.split(";"):
        if not part.strip():
            continue
        domain, sep, intensity = part.partition("=")
        domain, intensity = domain.strip(), intensity.strip()
        if not sep or not domain or not intensity.isdigit() or len(intensity) > 1:
            raise CellError(
                _("Vērtējumiem jābūt formā „joma=intensitāte; …”, piemēram, employment=2.")
            )
        if domain in result:
            raise CellError(_("Joma „%(domain)s” ir divreiz.") % {"domain": domain[:40]})
        result[domain] = int(intensity)
    return result or None


def conclusions(value: Any) -> list[dict[str, str]]:
    """Specialists' conclusions: 'psychologist: text | physiotherapist: text'."""
    result = []
    for part in texts(value):
        role, sep, body = part.partition(":")
        if not sep or not body.strip():
            raise CellError(
                _("Atzinumiem jābūt formā „speciālists: teksts | …”, piemēram, psychologist: …")
            )
        result.append({"role": role.strip(), "text": body.strip()})
    return result


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[Any], Any]
    required: bool = False


def _c(name: str, parse: Callable[[Any], Any] = text, *, required: bool = False) -> Column:
    return Column(name, parse, required)


PROVIDER_KEY = (
    _c("provider_municipality", required=True),
    _c("provider_registration_number", required=True),
)
CLIENT_KEY = _c("client_personal_code", required=True)

SHEETS: dict[str, tuple[Column, ...]] = {
    "providers": (
        _c("municipality", required=True),
        _c("registration_number", required=True),
        _c("kind", choice(ProviderKind), required=True),
        _c("name", required=True),
        _c("contact_person"),
        _c("phone"),
        _c("email"),
        _c("address"),
        _c("seat_municipality"),
        _c("iban"),
        _c("active", yes_no),
        _c("notes"),
    ),
    "registrations": (
        *PROVIDER_KEY,
        _c("register", choice(RegisterKind), required=True),
        _c("number", required=True),
        _c("service_types", codes, required=True),
        _c("valid_from", date, required=True),
        _c("valid_to", date),
        _c("verified_on", date),
    ),
    "locations": (
        *PROVIDER_KEY,
        _c("kind", choice(LocationKind), required=True),
        _c("municipality"),
        _c("address"),
        _c("active", yes_no),
    ),
    "tariffs": (
        *PROVIDER_KEY,
        _c("service_type", required=True),
        _c("location_kind", choice(LocationKind)),
        _c("location_municipality"),
        _c("location_address"),
        _c("unit_price", money, required=True),
        _c("session_minutes", integer),
        _c("remote_allowed", yes_no),
        _c("valid_from", date, required=True),
        _c("valid_to", date),
    ),
    "clients": (
        _c("personal_code", required=True),
        _c("first_name", required=True),
        _c("last_name", required=True),
        _c("target_group", choice(TargetGroup), required=True),
        _c("start_date", date, required=True),
        _c("municipality"),
        _c("date_of_birth", date),
        _c("status", choice(ClientStatus)),
        _c("disability_group", choice(DisabilityGroup)),
        _c("disability_valid_until", date),
        _c("legal_capacity", choice(LegalCapacity)),
        _c("address"),
        _c("phone"),
        _c("email"),
        _c("languages"),
        _c("notes"),
    ),
    "representatives": (
        CLIENT_KEY,
        _c("kind", choice(RepresentativeKind), required=True),
        _c("first_name", required=True),
        _c("last_name", required=True),
        _c("valid_from", date, required=True),
        _c("personal_code"),
        _c("authority"),
        _c("valid_to", date),
        _c("phone"),
        _c("email"),
    ),
    "support_circle": (
        CLIENT_KEY,
        _c("first_name", required=True),
        _c("relation", choice(CircleRelation), required=True),
        _c("last_name"),
        _c("phone"),
        _c("notes"),
    ),
    "consents": (
        CLIENT_KEY,
        _c("purpose", choice(ConsentPurpose), required=True),
        _c("given_on", date, required=True),
        _c("recipient"),
        _c("given_by"),
        _c("revoked_on", date),
        _c("revoke_reason"),
        _c("notes"),
    ),
    "assessments": (
        CLIENT_KEY,
        _c("assessed_on", date, required=True),
        _c("scores", scores, required=True),
        _c("goals", texts, required=True),
        _c("conclusions", conclusions),
        _c("anamnesis"),
        _c("family_description"),
        _c("completed_on", date),
    ),
    "budgets": (
        CLIENT_KEY,
        _c("start", date, required=True),
        _c("months", integer, required=True),
        _c("assessed_on", date),
        _c("band"),
        _c("monthly_amount", money),
        _c("granted_amount", money),
        _c("decided_by"),
        _c("decided_on", date),
        _c("decision"),
        _c("overrun_amount", money),
        _c("overrun_approved_by"),
        _c("overrun_approved_on", date),
        _c("overrun_reason"),
    ),
    "plans": (
        CLIENT_KEY,
        _c("plan_ref", required=True),
        _c("start", date, required=True),
        _c("end", date, required=True),
        _c("status", choice(PlanState)),
        _c("signed_on", date),
        _c("sign_method", choice(SignMethod)),
        _c("signer"),
        _c("agreed_on", date),
        _c("notes"),
    ),
    "goals": (
        CLIENT_KEY,
        _c("plan_ref", required=True),
        _c("goal_ref", required=True),
        _c("term", choice(GoalTerm), required=True),
        _c("domain", required=True),
        _c("text", required=True),
        _c("decision_domain", choice(DecisionDomain)),
        _c("progress_measure"),
    ),
    "plan_lines": (
        CLIENT_KEY,
        _c("plan_ref", required=True),
        _c("service_type", required=True),
        _c("provider_registration_number", required=True),
        _c("quantity", money, required=True),
        _c("start", date, required=True),
        _c("months", integer, required=True),
        _c("funding_source", choice(FundingSource), required=True),
        _c("session_minutes", integer),
        _c("goal_ref"),
        _c("priority", integer),
        _c("override_reason"),
        _c("recipient"),
        _c("quantity_basis", choice(QuantityBasis)),
        _c("agreed_unit_price", money),
        _c("agreed_price_reason"),
        _c("price_approved_by"),
        _c("price_approved_on", date),
    ),
    "sessions": (
        CLIENT_KEY,
        _c("provider_registration_number", required=True),
        _c("service_type", required=True),
        _c("date", date, required=True),
        _c("start_time", time, required=True),
        _c("duration_minutes", integer),
        _c("status", choice(SessionStatus)),
        _c("mode", choice(SessionMode)),
        _c("signed_by", choice(Signer)),
        _c("signer_note"),
        _c("km", money),
        _c("ticket_amount", money),
        _c("unit_price", money),
        _c("evidence_protocol"),
        _c("goals_worked_on"),
        _c("techniques"),
        _c("recipient"),
    ),
    "invoices": (
        _c("provider_registration_number", required=True),
        _c("month", month, required=True),
        _c("number", required=True),
        _c("status", choice(InvoiceState)),
        _c("submitted_on", date),
        _c("confirmed_on", date),
        _c("approved_by"),
        _c("approved_on", date),
        _c("paid_on", date),
        _c("payment_reference"),
    ),
    "invoice_lines": (
        _c("provider_registration_number", required=True),
        _c("month", month, required=True),
        CLIENT_KEY,
        _c("service_type", required=True),
        _c("quantity", money, required=True),
        _c("unit_price", money, required=True),
        _c("amount", money),
        _c("recipient"),
    ),
}
