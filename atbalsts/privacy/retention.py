"""The retention run: anonymise the personal data of closed cases past their period.

A client's case counts as closed on the latest of: the last change of the client record,
the last session, the end of the last case assignment and of the last plan version — for a
client whose status is "closed". Each record type of `registry.RECORD_TYPES` with fields to
anonymise is handled once its retention category's period (`registry.retention_years()`)
has passed since that day (rejected candidates: since the decision).

What it never touches: amounts, dates of sessions and invoices, target groups,
municipalities, the ledger and its roll-ups (so every report gives the same figures after
the run), the client's id (so the pseudonym stays the same) and the audit log (append-only).
Rows are changed with `QuerySet.update()`, so `updated_at` stays and a second run finds
nothing more to do. Files (evidence, conclusions' documents) are deleted once the run has
committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncYear

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.people.models import Client, ClientStatus
from atbalsts.people.pseudonyms import client_pseudonym

from .registry import ANON_NAME, RECORD_TYPES, RecordType, retention_years

RETENTION_EVENT = "privacy.retention_run"
_CHUNK = 500


@dataclass
class RetentionReport:
    on: dt.date
    dry_run: bool
    closed_clients: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # "app.Model[:category]" → rows

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _latest(model_label: str, client_path: str, date_field: str) -> Subquery:
    model = apps.get_model(model_label)
    return Subquery(
        model._default_manager.filter(**{client_path: OuterRef("pk")})
        .values(client_path)
        .annotate(last=Max(date_field))
        .values("last")[:1]
    )


def closed_on() -> dict[int, dt.date]:
    """Each closed client's id and the day the case counts as closed."""
    rows = (
        Client.objects.filter(status=ClientStatus.CLOSED)
        .annotate(
            last_session=_latest("delivery.Session", "client", "date"),
            last_assignment=_latest("people.CaseAssignment", "client", "end_date"),
            last_plan=_latest("plans.PlanVersion", "plan__client", "end"),
        )
        .values_list("pk", "updated_at", "last_session", "last_assignment", "last_plan")
    )
    out: dict[int, dt.date] = {}
    for pk, updated, *others in rows.iterator(chunk_size=2000):
        days = [updated.date(), *(d for d in others if d is not None)]
        out[pk] = max(days)
    return out


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _blank(f: models.Field[Any, Any]) -> object:
    if f.null and not f.empty_strings_allowed:  # a link (the client's register address)
        return None
    if isinstance(f, models.JSONField):
        default = f.get_default()
        return default if isinstance(default, list | dict) else {}
    return ""


def _pending(model: type[models.Model], rt: RecordType) -> Q:
    """Rows that still hold something the run replaces."""
    q = Q()
    for name, how in rt.anonymise.items():
        f = model._meta.get_field(name)
        if how == "blank":
            q |= ~Q(**{name: _blank(cast("models.Field[Any, Any]", f))})
        elif how == "name":
            q |= ~Q(**{name: ANON_NAME})
        elif how == "code":
            q |= ~Q(**{f"{name}__startswith": "ANON"})
    return q


def _values(model: type[models.Model], rt: RecordType) -> dict[str, Any]:
    """The replacements that are the same for every row."""
    values: dict[str, Any] = {}
    for name, how in rt.anonymise.items():
        f = cast("models.Field[Any, Any]", model._meta.get_field(name))
        if how == "blank":
            values[name] = _blank(f)
        elif how == "name":
            values[name] = ANON_NAME
        elif how == "year":
            values[name] = TruncYear(name, output_field=models.DateField())
    return values


def _rows(model: type[models.Model], rt: RecordType, ids: Iterable[int], cutoff: dt.date) -> Any:
    manager = model._default_manager
    if rt.basis != "closed":
        return [
            manager.filter(**{f"{rt.basis}__lt": cutoff}, **rt.only).filter(_pending(model, rt))
        ]
    return [
        manager.filter(**{f"{rt.client_path}__in": chunk}).filter(_pending(model, rt))
        for chunk in _chunks(sorted(ids))
    ]


def _delete_files_later(qs: QuerySet[Any], rt: RecordType, model: type[models.Model]) -> None:
    for name in rt.anonymise:
        f = model._meta.get_field(name)
        if not isinstance(f, models.FileField):
            continue
        names = [str(n) for n in qs.exclude(**{name: ""}).values_list(name, flat=True)]
        if names:
            transaction.on_commit(partial(_delete_files, f.storage, names))


def _delete_files(storage: Storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def _anonymise(qs: QuerySet[Any], rt: RecordType, model: type[models.Model]) -> int:
    _delete_files_later(qs, rt, model)
    per_row = {n: how for n, how in rt.anonymise.items() if how in ("pseudonym", "code")}
    if not per_row:
        return int(qs.update(**_values(model, rt)))
    done = 0
    for pk in list(qs.values_list("pk", flat=True)):
        values = _values(model, rt)
        for name, how in per_row.items():
            values[name] = client_pseudonym(pk) if how == "pseudonym" else f"ANON{pk:08d}"
        done += model._default_manager.filter(pk=pk).update(**values)
    return done


def _key(rt: RecordType) -> str:
    return rt.model if rt.basis == "closed" else f"{rt.model}:{rt.retention}"


@transaction.atomic
def retention_run(*, on: dt.date, dry_run: bool = False) -> RetentionReport:
    """Anonymise (or, with `dry_run`, count) what is past its period on `on`."""
    years = retention_years()
    closed = closed_on()
    report = RetentionReport(on=on, dry_run=dry_run, closed_clients=len(closed))
    for rt in RECORD_TYPES:
        if not rt.anonymise:
            continue
        model = apps.get_model(rt.model)
        cutoff = years_before(on, years[rt.retention])
        ids = [pk for pk, day in closed.items() if day < cutoff]
        count = 0
        for qs in _rows(model, rt, ids, cutoff):
            count += qs.count() if dry_run else _anonymise(qs, rt, model)
        report.counts[_key(rt)] = count
    if not dry_run and report.total:
        audit_record(
            actor=None,
            event_type=cast(AuditEventType, RETENTION_EVENT),
            subject_type="privacy.retention",
            extra_data={"on": on.isoformat(), "counts": report.counts},
        )
    return report
