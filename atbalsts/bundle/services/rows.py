"""What every sheet's writer shares: the row, its errors, lookups read once per import."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from atbalsts.catalog import exchange
from atbalsts.catalog.models import Provider, ServiceType
from atbalsts.core.dates import month_end
from atbalsts.core.errors import DomainError
from atbalsts.people.models import Client, Municipality, SupportCircleMember
from atbalsts.plans.models import GuaranteeLetter, LetterStatus

from ..errors import RowError
from ..format import SHEETS
from ..models import ImportedKey

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

# History rows are remembered in ImportedKey by these natural keys, with a checksum of what
# was imported: the same rows again are skipped, changed ones refused — history is corrected
# in the system, where every version and every step of the workflow is kept.
HISTORY_KEYS: dict[str, Callable[[dict[str, Any]], str]] = {
    "assessments": lambda v: f"{v['client_personal_code']}|{v['assessed_on'].isoformat()}",
    "budgets": lambda v: f"{v['client_personal_code']}|{v['start'].isoformat()}",
    "sessions": lambda v: "|".join(
        str(v[c])
        for c in (
            "provider_registration_number",
            "client_personal_code",
            "date",
            "start_time",
            "service_type",
        )
    ),
    "invoices": lambda v: f"{v['provider_registration_number']}|{v['month'].isoformat()}",
}


@dataclass
class Row:
    sheet: str
    number: int
    raw: dict[str, Any]
    # parsed cells: a date, a Decimal, a list of goals… as the sheet's column reads it
    values: dict[str, Any]


@dataclass
class BundleReport:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rows: int = 0
    run_id: int | None = None

    def count(self, sheet: str, outcome: str, n: int = 1) -> None:
        bucket = self.counts.setdefault(sheet, {"created": 0, "updated": 0, "unchanged": 0})
        bucket[outcome] += n

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "counts": self.counts, "run": self.run_id}

    def in_sheet_order(self) -> None:
        self.counts = {name: self.counts[name] for name in SHEETS if name in self.counts}


class RowFailed(Exception):
    """A row the writer refuses itself (not a service): its messages by column."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors = {k: [str(m) for m in v] for k, v in errors.items()}
        super().__init__(str(self.errors))

    def on(self, row: Row) -> list[RowError]:
        return [RowError(row.sheet, row.number, c, m) for c, ms in self.errors.items() for m in ms]


def fail(column: str, message: object) -> RowFailed:
    return RowFailed({column: [str(message)]})


def row_data(row: Row, columns: Sequence[str], *, skip_empty: Sequence[str] = ()) -> dict[str, Any]:
    """The row's values for the service: only columns the sheet has; empty choices keep the
    service's default."""
    return {
        c: row.values[c]
        for c in columns
        if c in row.values and not (c in skip_empty and row.values[c] in (None, ""))
    }


def service_errors(row: Row, exc: DomainError, columns: Mapping[str, str]) -> list[RowError]:
    """A service's refusal, put on the row and (as near as can be said) the column."""
    known = {c.name for c in SHEETS[row.sheet]}
    result = []
    for name, messages in exc.field_errors.items():
        column = columns.get(name, name)
        if column not in known:
            head = name.split(".")[0]
            column = columns.get(head, head)
        if column not in known:
            column = "—"
        result += [RowError(row.sheet, row.number, column, m) for m in messages]
    return result


def checksum(values: list[dict[str, Any]]) -> str:
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def same_name(a: str, b: str) -> bool:
    """Whether two written names ("Vārds Uzvārds") are the same person's: spaces and case aside."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def provider_by_number(number: str, municipality: Municipality) -> Provider | None:
    """The provider registered under `number`; the municipality's own one if several are."""
    found = list(Provider.objects.filter(registration_number=number))
    own = [p for p in found if p.municipality_id == municipality.pk]
    candidates = own or found
    return candidates[0] if candidates else None


def issued_letters(provider: Provider, client: Client) -> list[GuaranteeLetter]:
    """The letters in force for the client to the provider, the latest first."""
    return list(
        GuaranteeLetter.objects.filter(
            provider=provider, version__plan__client=client, status=LetterStatus.ISSUED
        ).order_by("-issued_at", "-id")
    )


def letter_line(
    provider: Provider | None,
    client: Client,
    service_type: ServiceType,
    day: Any,
    *,
    month: bool = False,
    recipient: str = "",
    letters: Sequence[GuaranteeLetter] | None = None,
) -> tuple[GuaranteeLetter | None, dict[str, Any] | None]:
    """The issued letter to `provider` for the client, and its line for the service (for the
    support-circle member named `recipient`, or the client), in force on `day` (or, with
    month=True, at some time in the month starting on `day`)."""
    if provider is None:
        return None, None
    last = month_end(day) if month else day
    if letters is None:
        letters = issued_letters(provider, client)
    for letter in letters:
        if letter.period_start > last or letter.period_end < day:
            continue
        for line in letter.lines:
            if line.get("service_type_id") != service_type.pk:
                continue
            if not same_name(line.get("recipient") or "", recipient):
                continue
            if line["start"] <= last.isoformat() and line["end"] >= day.isoformat():
                return letter, dict(line)
    return None, None


class Context:
    """One import's writing: who imports, what the rows refer to (read once per import) and
    the history rows imported before."""

    def __init__(
        self,
        actor: Actor,
        municipality: Municipality,
        report: BundleReport,
    ) -> None:
        self.actor = actor
        self.municipality = municipality
        self.report = report
        self.lookups = exchange.Lookups()
        self.catalog_result = exchange.ImportResult()
        self.clients: dict[str, Client] = {}
        self._providers: dict[str, Provider | None] = {}
        self._types: dict[str, ServiceType] = {}
        self.letters: dict[tuple[int, int], list[GuaranteeLetter]] = {}
        self.members: dict[int, list[SupportCircleMember]] = {}
        # sheet → key → checksum of the bundle's history rows imported before (`preload`)
        self._keys: dict[str, dict[str, str]] = {}
        self._new_keys: list[ImportedKey] = []

    def client_of(self, code: str) -> Client:
        if code not in self.clients:
            self.clients[code] = Client.objects.select_related("municipality").get(
                personal_code=code
            )
        return self.clients[code]

    def provider_of(self, number: str) -> Provider | None:
        if number not in self._providers:
            self._providers[number] = provider_by_number(number, self.municipality)
        return self._providers[number]

    def service_type_of(self, code: str) -> ServiceType:
        if code not in self._types:
            self._types[code] = ServiceType.objects.get(code=code)
        return self._types[code]

    def letters_of(self, provider: Provider | None, client: Client) -> list[GuaranteeLetter]:
        """The letters in force (read once: the plans, which issue letters, come first)."""
        if provider is None:
            return []
        key = (provider.pk, client.pk)
        if key not in self.letters:
            self.letters[key] = issued_letters(provider, client)
        return self.letters[key]

    def member_of(self, client: Client, name: str, column: str = "recipient") -> int | None:
        """The id of the client's support-circle member called `name` (None for no name)."""
        if not name.strip():
            return None
        if client.pk not in self.members:
            self.members[client.pk] = list(SupportCircleMember.objects.filter(client=client))
        for member in self.members[client.pk]:
            if same_name(str(member), name):
                return member.pk
        raise fail(
            column,
            _("Klientam nav atbalsta loka dalībnieka „%(name)s” (lapa „support_circle”).")
            % {"name": name[:80]},
        )

    # history that must not change: remembered by natural key and checksum
    def known(self, sheet: str, key: str, checksum: str, column: str) -> bool:
        """True if the row was imported before, identical; raises if it differs."""
        if sheet in self._keys:
            known = self._keys[sheet].get(key)
        else:
            known = (
                ImportedKey.objects.filter(municipality=self.municipality, sheet=sheet, key=key)
                .values_list("checksum", flat=True)
                .first()
            )
        if known is None:
            return False
        if known != checksum:
            raise fail(
                column,
                _(
                    "Šis ieraksts jau ir importēts ar citiem datiem; importētu vēsturi labo "
                    "sistēmā, nevis importējot vēlreiz."
                ),
            )
        return True

    def preload(self, rows: dict[str, list[Row]]) -> None:
        """Read the earlier imports of this bundle's history rows at once (in batches), not
        one query per row."""
        for sheet, key_of in HISTORY_KEYS.items():
            keys = [key_of(row.values) for row in rows.get(sheet, [])]
            found: dict[str, str] = {}
            for i in range(0, len(keys), 500):
                found.update(
                    ImportedKey.objects.filter(
                        municipality=self.municipality, sheet=sheet, key__in=keys[i : i + 500]
                    ).values_list("key", "checksum")
                )
            self._keys[sheet] = found

    def remember(self, sheet: str, key: str, checksum: str, object_id: int) -> None:
        """Written together at the end (any failed row rolls the whole import back)."""
        self._keys.setdefault(sheet, {})[key] = checksum
        self._new_keys.append(
            ImportedKey(
                municipality=self.municipality,
                sheet=sheet,
                key=key,
                object_id=object_id,
                checksum=checksum,
            )
        )

    def flush(self) -> None:
        ImportedKey.objects.bulk_create(self._new_keys, batch_size=500)
        self._new_keys = []
