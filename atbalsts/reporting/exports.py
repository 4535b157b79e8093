"""The pilot report as JSON, CSV, XLSX and PDF: the same figures in every format.

JSON is the reference: the API, the page's download and `manage.py ib_report` all give
`report_json()`. Money is a string with two decimals ("5458.70"), never a float.

CSV comes in two dialects (`CSV_DIALECTS`): `machine` (the default, for the API, the command
and other programs: ',' between cells, '.' before the cents, the English column names of
`CSV_HEADER`) and `excel` (the page's download, which Latvian Excel opens by a double click:
';' between cells, ',' before the cents, Latvian column names). Both are UTF-8 with a BOM.

A count hidden by the reporting policy (1–2 persons, for the ministry analyst) is `null` in
JSON, an empty cell in the machine CSV and "<3" (`HIDDEN`) where people read it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.dates import my, span
from atbalsts.core.pdf import render_pdf
from atbalsts.core.tabular import SheetOut, stream_csv, write_csv, write_xlsx

from .charts import bar_chart, column_chart
from .selectors import (
    EXTRACT_HEADER,
    BandNeed,
    OutcomesReport,
    PilotReport,
    report_municipalities,
    research_extract,
)

FORMATS = ("json", "csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
CSV_HEADER = ("service", "persons", "spent_eur")
CSV_TABLES = ("services", "outcomes", "budget_needed")
OUTCOMES_CSV_HEADER = ("indicator", "domain", "count")
BUDGET_NEEDED_CSV_HEADER = (
    "target_group",
    "band",
    "band_monthly_eur",
    "clients",
    "average_monthly_eur",
    "max_monthly_eur",
)
MONEY_FORMAT = "#,##0.00"
CSV_DIALECTS = ("machine", "excel")
HIDDEN = "<3"  # a count of 1–2 persons the reader may not see (reporting.policies)


def _shown(value: Any) -> Any:
    """A count as people read it: "<3" where it is hidden."""
    return HIDDEN if value is None else value


def _comma(value: Decimal | None) -> str:
    """Money for Latvian Excel: a decimal comma, no thousands separator (so it stays a number)."""
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def scope_label(report: PilotReport) -> str:
    if report.national:
        return _("Visa valsts")
    return ", ".join(m.name for m in report.municipalities)


def period_label(report: PilotReport) -> str:
    return span(report.date_from, report.date_to)


def filename(report: PilotReport, fmt: str) -> str:
    scope = "visa-valsts" if report.national else "-".join(m.code for m in report.municipalities)
    group = report.target_group or "visas-grupas"
    return (
        slugify(
            f"pilota-parskats-{scope}-{group}-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}"
        )
        + f".{fmt}"
    )


def export_filename(report: PilotReport, fmt: str, table: str = "services") -> str:
    """The download's name; a CSV of another table than the services says which."""
    name = filename(report, fmt)
    if fmt == "csv" and table != "services":
        name = name.replace("pilota-parskats", f"pilota-parskats-{table.replace('_', '-')}")
    return name


def export_response(
    *, actor: Actor, report: PilotReport, fmt: str, table: str, dialect: str = "machine"
) -> HttpResponse:
    """The report as a direct download (a municipality's: a national one is a job); audited."""
    content = report_export(actor=actor, report=report, fmt=fmt, table=table, dialect=dialect)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = export_filename(report, fmt, table)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def outcomes_json(outcomes: OutcomesReport | None) -> dict[str, Any] | None:
    if outcomes is None:
        return None
    return {
        "goals_by_domain": [
            {
                "domain": d.domain,
                "label": d.label,
                "achieved": d.achieved,
                "partly_achieved": d.partly,
                "not_achieved": d.not_achieved,
            }
            for d in outcomes.domains
        ],
        "reviewed_clients": outcomes.reviewed_clients,
        "started_paid_work": outcomes.started_paid_work,
        "moved_to_live_on_own": outcomes.moved_to_live_on_own,
        "widened_support_circle": outcomes.widened_support_circle,
    }


def budget_needed_json(needed: list[BandNeed] | None) -> list[dict[str, Any]] | None:
    if needed is None:
        return None
    return [
        {
            "target_group": b.target_group,
            "band": b.band_code or None,
            "band_monthly_amount": _money(b.band_monthly),
            "clients": b.clients,
            "average_monthly_spent": _money(b.average),
            "max_monthly_spent": _money(b.maximum),
        }
        for b in needed
    ]


def report_json(report: PilotReport) -> dict[str, Any]:
    return {
        "report": "pilot",
        "national": report.national,
        "municipalities": [{"code": m.code, "name": m.name} for m in report.municipalities],
        "target_group": report.target_group,
        "date_from": report.date_from.isoformat(),
        "date_to": report.date_to.isoformat(),
        "total_spent": _money(report.total),
        "by_funding_source": [
            {"funding_source": s.funding_source, "label": s.label, "amount": _money(s.amount)}
            for s in report.by_source
        ],
        "clients": report.clients,
        "client_months": report.client_months,
        "average_per_person_month": _money(report.average_per_person_month),
        "average_months": _money(report.average_months),
        "services": [
            {
                "service_type": s.code,
                "service": s.name,
                "persons": s.persons,
                "spent": _money(s.amount),
            }
            for s in report.services
        ],
        "monthly": [
            {"month": f"{m.month:%Y-%m}", "amount": _money(m.amount)} for m in report.monthly
        ],
        "outcomes": outcomes_json(report.outcomes),
        "budget_needed": budget_needed_json(report.budget_needed),
        # Counts of 1–2 persons are null: the reporting policy hides them from this reader.
        "small_counts_hidden": report.small_counts_hidden,
    }


def _outcome_rows(outcomes: OutcomesReport | None) -> list[list[Any]]:
    if outcomes is None:
        return []
    rows: list[list[Any]] = []
    for d in outcomes.domains:
        rows += [
            ["goals_achieved", d.domain, d.achieved],
            ["goals_partly_achieved", d.domain, d.partly],
            ["goals_not_achieved", d.domain, d.not_achieved],
        ]
    return [
        *rows,
        ["reviewed_clients", "", outcomes.reviewed_clients],
        ["started_paid_work", "", outcomes.started_paid_work],
        ["moved_to_live_on_own", "", outcomes.moved_to_live_on_own],
        ["widened_support_circle", "", outcomes.widened_support_circle],
    ]


def report_csv(report: PilotReport, table: str = "services", dialect: str = "machine") -> bytes:
    """One table of the report, UTF-8 with a BOM so that Excel shows the Latvian letters:
    `services` (the columns of the published pilot tables), `outcomes` (indicator, domain,
    count) or `budget_needed` (per target group and band); in the `machine` or the `excel`
    dialect (the module's docstring)."""
    if dialect == "excel":
        return _excel_csv(report, table)
    if table == "outcomes":
        return write_csv(OUTCOMES_CSV_HEADER, _outcome_rows(report.outcomes))
    if table == "budget_needed":
        return write_csv(
            BUDGET_NEEDED_CSV_HEADER,
            [
                [
                    b.target_group,
                    b.band_code,
                    _money(b.band_monthly) or "",
                    b.clients,
                    _money(b.average),
                    _money(b.maximum),
                ]
                for b in report.budget_needed or []
            ],
        )
    return write_csv(CSV_HEADER, [[s.name, s.persons, _money(s.amount)] for s in report.services])


def _excel_csv(report: PilotReport, table: str) -> bytes:
    """A table for Latvian Excel: the same rows as the XLSX sheet of that table."""
    if table == "outcomes":
        header, rows = _outcomes_sheet(report.outcomes)
    elif table == "budget_needed":
        header, rows = _needed_sheet(report.budget_needed or [])
    else:
        header = [_("Pakalpojums"), _("Personas"), _("Izlietots, EUR")]
        rows = [[s.name, _shown(s.persons), s.amount] for s in report.services]
    cells = [[_comma(v) if isinstance(v, Decimal) else v for v in row] for row in rows]
    return write_csv(header, cells, delimiter=";")


def _outcomes_sheet(outcomes: OutcomesReport | None) -> tuple[list[str], list[list[Any]]]:
    header = [_("Dzīves joma"), _("Sasniegti"), _("Daļēji sasniegti"), _("Nav sasniegti")]
    if outcomes is None:
        return header, []
    o = outcomes
    return header, [
        [d.label, _shown(d.achieved), _shown(d.partly), _shown(d.not_achieved)] for d in o.domains
    ] + [
        [],
        [_("Pārskatīti klienti"), _shown(o.reviewed_clients)],
        [_("Sāka algotu darbu"), _shown(o.started_paid_work)],
        [_("Sāka dzīvot patstāvīgi"), _shown(o.moved_to_live_on_own)],
        [_("Paplašināja atbalsta loku"), _shown(o.widened_support_circle)],
    ]


def _needed_sheet(needed: list[BandNeed]) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Mērķa grupa"),
        _("Budžeta grupa"),
        _("Grupas budžets mēnesī, EUR"),
        _("Klienti"),
        _("Vidēji izlietots mēnesī, EUR"),
        _("Maksimāli izlietots mēnesī, EUR"),
    ]
    return header, [
        [
            b.target_group_label,
            b.band_code or _("bez indikatīvā budžeta"),
            b.band_monthly,
            _shown(b.clients),
            _shown(b.average) if b.clients is None else b.average,
            _shown(b.maximum) if b.clients is None else b.maximum,
        ]
        for b in needed
    ]


def _sheet(sheets: list[SheetOut], title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheets.append(SheetOut(title, header, rows, widths={"A": 60}))


def report_xlsx(report: PilotReport) -> bytes:
    sheets: list[SheetOut] = []
    _sheet(
        sheets,
        _("Kopsavilkums"),
        [_("Rādītājs"), _("Vērtība")],
        [
            [_("Pašvaldības"), scope_label(report)],
            [_("Mērķa grupa"), report.target_group_label or _("visas")],
            [_("Periods"), period_label(report)],
            [_("Kopā izlietots, EUR"), report.total],
            [_("Klientu skaits"), _shown(report.clients)],
            [_("Saņemto mēnešu summa"), _shown(report.client_months)],
            [_("Vidēji uz personu mēnesī, EUR"), report.average_per_person_month],
            [_("Vidējais mēnešu skaits"), report.average_months],
        ],
    )
    _sheet(
        sheets,
        _("Pakalpojumi"),
        [_("Pakalpojums"), _("Personas"), _("Izlietots, EUR")],
        [[s.name, _shown(s.persons), s.amount] for s in report.services],
    )
    _sheet(
        sheets,
        _("Finansējuma avoti"),
        [_("Finansējuma avots"), _("Izlietots, EUR")],
        [[s.label, s.amount] for s in report.by_source],
    )
    _sheet(
        sheets,
        _("Pa mēnešiem"),
        [_("Mēnesis"), _("Izlietots, EUR")],
        [[my(m.month), m.amount] for m in report.monthly],
    )
    if report.outcomes is not None:
        _sheet(sheets, _("Mērķu rezultāti"), *_outcomes_sheet(report.outcomes))
    if report.budget_needed is not None:
        _sheet(sheets, _("Vajadzīgais budžets"), *_needed_sheet(report.budget_needed))
    return write_xlsx(sheets, decimal_format=MONEY_FORMAT)


@dataclass(frozen=True)
class Charts:
    services: str
    sources: str
    months: str


def report_charts(report: PilotReport) -> Charts:
    return Charts(
        services=bar_chart(
            [(s.name, s.amount) for s in report.services],
            title=_("Izlietotais pa pakalpojumiem"),
        ),
        sources=bar_chart(
            [(s.label, s.amount) for s in report.by_source],
            title=_("Izlietotais pa finansējuma avotiem"),
        ),
        months=column_chart(
            [(f"{m.month:%m.%Y}", m.amount) for m in report.monthly],
            title=_("Izlietotais pa mēnešiem"),
        ),
    )


def report_context(report: PilotReport) -> dict[str, Any]:
    return {
        "report": report,
        "scope": scope_label(report),
        "period": period_label(report),
        "charts": report_charts(report),
    }


def report_pdf(report: PilotReport) -> bytes:
    return render_pdf("reporting/pilot_report_pdf.html", report_context(report))


def report_export(
    *,
    actor: Actor,
    report: PilotReport,
    fmt: str,
    table: str = "services",
    dialect: str = "machine",
) -> bytes:
    """The report as a file in `fmt` (one of FORMATS; for CSV, one of CSV_TABLES and one of
    CSV_DIALECTS); the download is recorded in the audit trail (who took which aggregate,
    when)."""
    if fmt == "json":
        content = json.dumps(report_json(report), ensure_ascii=False, indent=2).encode("utf-8")
    elif fmt == "csv":
        content = report_csv(report, table, dialect)
    elif fmt == "xlsx":
        content = report_xlsx(report)
    elif fmt == "pdf":
        content = report_pdf(report)
    else:
        raise ValueError(fmt)
    audit_record(
        actor=actor,
        event_type=AuditEventType.REPORT_EXPORTED,
        subject_type="reporting.pilot_report",
        municipality_id=report.municipalities[0].pk if len(report.municipalities) == 1 else None,
        extra_data={
            "format": fmt,
            **({"table": table, "dialect": dialect} if fmt == "csv" else {}),
            "municipalities": [m.code for m in report.municipalities] or ["all"],
            "target_group": report.target_group,
            "date_from": report.date_from.isoformat(),
            "date_to": report.date_to.isoformat(),
        },
    )
    return content


# --- the pseudonymised extract for research ------------------------------------------------------


def extract_filename(*, municipalities: list[Any], date_from: Any, date_to: Any) -> str:
    scope = "-".join(m.code for m in municipalities) or "visa-valsts"
    return slugify(f"izvilkums-{scope}-{date_from:%Y%m%d}-{date_to:%Y%m%d}") + ".csv"


def extract_csv_chunks(rows: Iterator[tuple[str, ...]]) -> Iterator[bytes]:
    """The extract's rows as CSV bytes, one line at a time, UTF-8 with a BOM first."""
    return stream_csv(rows)


def extract_record(
    *,
    actor: Actor,
    municipalities: list[Any],
    target_group: str | None,
    date_from: Any,
    date_to: Any,
    via: str,
) -> None:
    """Taking the pseudonymised extract is an audit event (who, which scope, when)."""
    audit_record(
        actor=actor,
        event_type=AuditEventType.REPORT_EXTRACT_EXPORTED,
        subject_type="reporting.research_extract",
        municipality_id=municipalities[0].pk if len(municipalities) == 1 else None,
        extra_data={
            "via": via,
            "columns": list(EXTRACT_HEADER),
            "municipalities": [m.code for m in municipalities] or ["all"],
            "target_group": target_group,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
        },
    )


def extract_download(*, actor: Actor, params: dict[str, Any], via: str) -> StreamingHttpResponse:
    """The extract for `params` (a ResearchExtractForm's `report_params()`) as a streamed CSV
    download, its taking recorded in the audit log first: the page and the API give the same
    file. NotPermitted where the user may not read the scope asked for."""
    rows = research_extract(user=actor, **params)
    named = report_municipalities(user=actor, municipalities=params["municipalities"])
    extract_record(
        actor=actor,
        municipalities=named,
        target_group=params["target_group"],
        date_from=params["date_from"],
        date_to=params["date_to"],
        via=via,
    )
    response = StreamingHttpResponse(extract_csv_chunks(rows), content_type=CONTENT_TYPES["csv"])
    name = extract_filename(
        municipalities=named, date_from=params["date_from"], date_to=params["date_to"]
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
