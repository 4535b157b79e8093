"""The whole country's report exports and research extracts as background jobs.

A national user's export (every municipality: 1–2 s of queries before the file is even drawn)
and extract (up to a million rows) run in the worker: the request checks the parameters and
the permission, records a Job and answers at once; the worker computes the report (or streams
the extract's rows) as the user who asked, writes the file into the job's output
(jobs.outputs) and the user downloads it from "Mani fona darbi" or `GET /api/jobs/{id}/file`.
A municipality's own export and extract stay direct downloads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from atbalsts.core.collation import latvian
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.policies import Action
from atbalsts.jobs.models import Job
from atbalsts.jobs.outputs import output_write
from atbalsts.jobs.services import JobFailed, JobProgress, job_create
from atbalsts.jobs.tasks import REPORT_EXPORT, REPORT_EXTRACT
from atbalsts.people.models import Municipality

from . import exports, selectors
from .policies import report_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor, Viewer

READING = "reading"  # the report's figures, or the extract's rows
RENDERING = "rendering"  # drawing the file
EXTRACT_PROGRESS_EVERY = 1000  # rows between two progress writes of an extract


def runs_in_background(user: Viewer) -> bool:
    """Whether the user's exports and extracts are jobs: those of national users (every
    municipality); a municipality's own stay direct downloads."""
    return report_policy.is_national(user)


def _params_out(params: dict[str, Any]) -> dict[str, Any]:
    """A form's report_params() as JSON for the job (ids and ISO dates)."""
    municipalities = params["municipalities"]
    return {
        "municipalities": [m.pk for m in municipalities] if municipalities else None,
        "target_group": params["target_group"],
        "date_from": params["date_from"].isoformat(),
        "date_to": params["date_to"].isoformat(),
    }


def _params_in(data: dict[str, Any]) -> dict[str, Any]:
    ids = data.get("municipalities")
    municipalities = (
        list(Municipality.objects.filter(pk__in=ids).order_by(latvian("name"))) if ids else []
    )
    if ids and len(municipalities) != len(set(ids)):
        raise JobFailed(_("Kāda no pārskata pašvaldībām vairs nav atrodama."))
    return {
        "municipalities": municipalities or None,
        "target_group": data.get("target_group"),
        "date_from": dt.date.fromisoformat(data["date_from"]),
        "date_to": dt.date.fromisoformat(data["date_to"]),
    }


def _title(params: dict[str, Any]) -> str:
    names = [m.name for m in params["municipalities"] or ()]
    scope = ", ".join(names) if names else _("Visa valsts")
    return f"{scope}, {params['date_from']:%d.%m.%Y}–{params['date_to']:%d.%m.%Y}"


def _actor(job: Job) -> Actor:
    """The user who started the job, if still active: the work reads in their scope."""
    actor = get_user_model().objects.filter(pk=job.actor_id or 0, is_active=True).first()
    if actor is None:
        raise JobFailed(str(NotPermitted.default_message))
    return actor


# --- the pilot report's export --------------------------------------------------------------


def export_check(fmt: str, table: str) -> None:
    """ValidationFailed naming the field for an unknown format or CSV table."""
    if fmt not in exports.FORMATS:
        raise ValidationFailed({"format": [_("Nezināms formāts; atļautie: json, csv, xlsx, pdf.")]})
    if table not in exports.CSV_TABLES:
        raise ValidationFailed(
            {"table": [_("Nezināma tabula; atļautās: services, outcomes, budget_needed.")]}
        )


def export_start(
    *,
    actor: Actor,
    params: dict[str, Any],
    fmt: str,
    table: str = "services",
    dialect: str = "machine",
) -> Job:
    """Queue the export of the report for `params` (a PilotReportForm's report_params()) in
    `fmt` (a CSV in `dialect`); NotPermitted where the user may not read that scope."""
    export_check(fmt, table)
    if dialect not in exports.CSV_DIALECTS:
        raise ValidationFailed({"dialect": [_("Nezināms CSV veids; atļautie: machine, excel.")]})
    report_policy.require_municipalities(actor, params["municipalities"])
    title = f"{fmt.upper()}{'' if fmt != 'csv' or table == 'services' else ' ' + table}"
    return job_create(
        actor=actor,
        kind=REPORT_EXPORT,
        title=f"{title}: {_title(params)}",
        params={**_params_out(params), "format": fmt, "table": table, "dialect": dialect},
    )


def export_work(job: Job, progress: JobProgress) -> dict[str, Any]:
    actor = _actor(job)
    params = _params_in(job.params)
    fmt, table = str(job.params.get("format")), str(job.params.get("table", "services"))
    dialect = str(job.params.get("dialect", "machine"))
    progress.phase(READING)
    progress(0, 2)
    try:
        with transaction.atomic():
            report = selectors.pilot_report_evaluated(user=actor, **params)
            progress.phase(RENDERING)
            progress(1, 2)
            content = exports.report_export(
                actor=actor, report=report, fmt=fmt, table=table, dialect=dialect
            )
    except NotPermitted as exc:
        raise JobFailed(str(exc.message)) from exc
    output_write(job, exports.export_filename(report, fmt, table), content)
    progress(2, 2)
    return {"format": fmt, "table": table, "bytes": len(content)}


# --- the research extract -------------------------------------------------------------------


def extract_start(*, actor: Actor, params: dict[str, Any], via: str) -> Job:
    """Queue the pseudonymised extract for `params` (a ResearchExtractForm's report_params());
    NotPermitted where the user may not read that scope."""
    report_policy.require(actor, Action.VIEW)
    report_policy.require_municipalities(actor, params["municipalities"])
    return job_create(
        actor=actor,
        kind=REPORT_EXTRACT,
        title=_title(params),
        params={**_params_out(params), "via": via},
    )


def _counted(rows: Iterator[tuple[str, ...]], progress: JobProgress) -> Iterator[tuple[str, ...]]:
    done = -1  # the header is not a row
    for row in rows:
        yield row
        done += 1
        if done and done % EXTRACT_PROGRESS_EVERY == 0:
            progress(done, 0)
    progress(max(done, 0), max(done, 0))


def extract_work(job: Job, progress: JobProgress) -> dict[str, Any]:
    """The rows are read with an iterator and written to the job's file a line at a time:
    memory stays flat however long the extract."""
    actor = _actor(job)
    params = _params_in(job.params)
    progress.phase(READING)
    try:
        with transaction.atomic():
            rows = selectors.research_extract(user=actor, **params)
            named = selectors.report_municipalities(
                user=actor, municipalities=params["municipalities"]
            )
            exports.extract_record(
                actor=actor,
                municipalities=named,
                target_group=params["target_group"],
                date_from=params["date_from"],
                date_to=params["date_to"],
                via=str(job.params.get("via", "web")),
            )
            name = exports.extract_filename(
                municipalities=named, date_from=params["date_from"], date_to=params["date_to"]
            )
            output_write(job, name, exports.extract_csv_chunks(_counted(rows, progress)))
    except NotPermitted as exc:
        raise JobFailed(str(exc.message)) from exc
    return {"rows": job.done}
