"""One import run: check everything, write every sheet in order in one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.people.models import Municipality

from ..errors import BundleRejected, RowError
from ..format import SHEETS
from ..models import ImportRun, RunStatus
from ..policies import bundle_policy
from ..reader import Sheet, read_bundle
from . import assessment, billing, delivery, people, plans
from .catalog import CATALOG_SHEETS, catalog_row, count_catalog
from .causes import Causes
from .checks import Index, check_header, check_references, parse_row
from .rows import BundleReport, Context, Row, RowFailed, service_errors

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

# The order rows are written in: what a row refers to is written before it. Goals and plan
# lines go with their plan, invoice lines with their invoice.
ORDER = (
    "providers",
    "registrations",
    "locations",
    "tariffs",
    "clients",
    "representatives",
    "support_circle",
    "consents",
    "assessments",
    "budgets",
    "plans",
    "sessions",
    "invoices",
)
# The sheets whose rows are written one by one, each by one service call in a savepoint.
ROW_WRITERS: dict[str, Callable[[Context, Row], str]] = {
    "clients": people.client,
    "representatives": people.representative,
    "support_circle": people.circle_member,
    "consents": people.consent,
    "assessments": assessment.assessment,
    "budgets": assessment.budget,
}
# A service's field → the sheet's column, where their names differ.
SERVICE_COLUMNS: dict[str, dict[str, str]] = {
    "assessments": {"common_goals": "goals", "own_goals": "goals"},
    "budgets": {"assessment": "assessed_on", "end": "months"},
    "sessions": {"line_key": "service_type"},
    "consents": {"given_by_representative": "given_by"},
}
Progress = Callable[[int, int], None]


def bundle_checksum(files: Sequence[tuple[str, bytes]]) -> str:
    """What an ImportRun records of the files: their names and contents, hashed."""
    digest = hashlib.sha256()
    for name, content in files:
        digest.update(name.encode() + b"\0" + content)
    return digest.hexdigest()


def bundle_import(
    *,
    actor: Actor,
    municipality: Municipality,
    files: Sequence[tuple[str, bytes]],
    progress: Progress | None = None,
) -> BundleReport:
    """Import a bundle for `municipality`. Raises BundleRejected with every problem; then
    nothing at all has been written (only the ImportRun that records the attempt)."""
    bundle_policy.require_import(actor, municipality)
    run = ImportRun.objects.create(
        municipality=municipality,
        actor=actor,
        file_name=", ".join(name for name, _c in files)[:200],
        checksum=bundle_checksum(files),
        started=timezone.now(),
    )
    try:
        sheets, rows = _checked(municipality, files)
        report = _write(actor, municipality, files, progress, sheets, rows)
    except BundleRejected as exc:
        run.status = RunStatus.REJECTED
        run.errors = [r.as_dict() for r in exc.rows]  # with the rows that follow from each
        run.finished = timezone.now()
        run.save(update_fields=["status", "errors", "finished"])
        raise
    report.run_id = run.pk
    run.status = RunStatus.DONE
    run.counts = report.counts
    run.finished = timezone.now()
    run.save(update_fields=["status", "counts", "finished"])
    return report


def _checked(
    municipality: Municipality, files: Sequence[tuple[str, bytes]]
) -> tuple[dict[str, Sheet], dict[str, list[Row]]]:
    """The bundle's sheets and parsed rows; BundleRejected with every problem found before
    anything is written."""
    sheets = read_bundle(files)
    problems: list[RowError] = []
    for sheet in sheets.values():
        problems += check_header(sheet)
    if problems:
        raise BundleRejected(problems)
    rows: dict[str, list[Row]] = {}
    for name, sheet in sheets.items():
        for number, raw in sheet.rows:
            row, row_problems = parse_row(sheet, number, raw)
            rows.setdefault(name, []).append(row)
            problems += row_problems
    problems += check_references(rows, Index(municipality, rows))
    if problems:
        raise BundleRejected(_sorted(problems))
    return sheets, rows


def _write(
    actor: Actor,
    municipality: Municipality,
    files: Sequence[tuple[str, bytes]],
    progress: Progress | None,
    sheets: dict[str, Sheet],
    rows: dict[str, list[Row]],
) -> BundleReport:
    """Every row through its domain's services in one transaction: any problem in any row
    rolls all of them back, and the rejection lists every problem."""
    problems: list[RowError] = []
    report = BundleReport(rows=sum(len(r) for r in rows.values()))
    done = 0

    def step(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, report.rows)

    causes = Causes()  # a row refused only because of an earlier refusal counts under it
    with transaction.atomic():
        ctx = Context(actor, municipality, report)
        ctx.preload(rows)
        for name in ORDER:
            if name == "sessions":  # the whole sheet at once: the rules of one, checked in bulk
                problems += delivery.sessions(ctx, rows.get(name, []), causes.report)
                step(len(rows.get(name, [])))
                continue
            for row in rows.get(name, []):
                if name in CATALOG_SHEETS:
                    problems += causes.report(row, catalog_row(ctx, row, sheets[name].header))
                    step()
                elif name == "plans":
                    goals = _children(rows.get("goals", []), row)
                    lines = _children(rows.get("plan_lines", []), row)
                    found = _savepoint(row, partial(plans.plan, ctx, row, goals, lines))
                    problems += causes.report(row, found, lines)
                    step(1 + len(goals) + len(lines))
                elif name == "invoices":
                    lines = [
                        r
                        for r in rows.get("invoice_lines", [])
                        if r.values.get("provider_registration_number")
                        == row.values["provider_registration_number"]
                        and r.values.get("month") == row.values["month"]
                    ]
                    found = _savepoint(row, partial(billing.invoice, ctx, row, lines))
                    problems += causes.report(row, found, lines)
                    step(1 + len(lines))
                else:
                    problems += causes.report(row, _write_row(ctx, row))
                    step()
        count_catalog(ctx)
        if problems:
            raise BundleRejected(_sorted(problems))  # rolls back every row written above
        ctx.flush()
        report.in_sheet_order()
        audit_record(
            actor=actor,
            event_type=AuditEventType.BUNDLE_IMPORTED,
            subject_type="bundle.import",
            municipality_id=municipality.pk,
            extra_data={"files": [name for name, _c in files][:20], "counts": report.counts},
        )
    return report


def _write_row(ctx: Context, row: Row) -> list[RowError]:
    """One row by its sheet's writer in a savepoint, counted in the report if it is written."""
    try:
        with transaction.atomic():
            outcome = ROW_WRITERS[row.sheet](ctx, row)
    except RowFailed as exc:
        return exc.on(row)
    except (ValidationFailed, DomainError) as exc:
        return service_errors(row, exc, SERVICE_COLUMNS.get(row.sheet, {}))
    ctx.report.count(row.sheet, outcome)
    return []


def _children(rows: list[Row], plan: Row) -> list[Row]:
    key = (plan.values["client_personal_code"], plan.values["plan_ref"])
    return [
        r for r in rows if (r.values.get("client_personal_code"), r.values.get("plan_ref")) == key
    ]


def _savepoint(row: Row, work: Callable[[], list[RowError]]) -> list[RowError]:
    """Run `work` in a savepoint; problems it reports (or a refusal it raises) undo its writes."""
    try:
        with transaction.atomic():
            problems = work()
            if problems:
                raise BundleRejected(problems)
    except BundleRejected as exc:
        return exc.rows
    except RowFailed as exc:
        return exc.on(row)
    except DomainError as exc:
        return service_errors(row, exc, {})
    return []


def _sorted(problems: list[RowError]) -> list[RowError]:
    order = {name: i for i, name in enumerate(SHEETS)}
    return sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row))
