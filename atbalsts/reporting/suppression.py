"""Small counts hidden: what the reporting policy decides (`report_policy.hides_small_counts`)
applied to a report in one place — `selectors.pilot_report_evaluated` calls it, so that every
output (the page, CSV, XLSX, PDF, the API, the command) shows the same figures
(docs/user-guide/parskati.md, "Mazi skaiti"). Not a read of its own, so not a selector."""

from __future__ import annotations

from dataclasses import replace

from .policies import is_small_count
from .selectors.evaluation import DomainOutcomes, OutcomesReport
from .selectors.needed import BandNeed
from .selectors.pilot import PilotReport, ServiceSpend


def _count(value: int | None) -> int | None:
    return None if is_small_count(value) else value


def _service(service: ServiceSpend) -> ServiceSpend:
    return replace(service, persons=_count(service.persons))


def _band(band: BandNeed) -> BandNeed:
    """A band of 1–2 clients: its average and maximum are those clients' own spending."""
    if not is_small_count(band.clients):
        return band
    return replace(band, clients=None, average=None, maximum=None)


def _domain(domain: DomainOutcomes) -> DomainOutcomes:
    return replace(
        domain,
        achieved=_count(domain.achieved),
        partly=_count(domain.partly),
        not_achieved=_count(domain.not_achieved),
    )


def _outcomes(outcomes: OutcomesReport) -> OutcomesReport:
    return replace(
        outcomes,
        domains=[_domain(d) for d in outcomes.domains],
        reviewed_clients=_count(outcomes.reviewed_clients),
        started_paid_work=_count(outcomes.started_paid_work),
        moved_to_live_on_own=_count(outcomes.moved_to_live_on_own),
        widened_support_circle=_count(outcomes.widened_support_circle),
    )


def hide_small_counts(report: PilotReport) -> PilotReport:
    """The report with every count of 1–2 persons as None: the clients (and with them the
    months received, which for so few are theirs), the people per service, a band's clients
    with its average and maximum, the goals per domain and outcome, the people reviewed and
    what changed for them. Money totals stay: they name nobody."""
    few = is_small_count(report.clients)
    return replace(
        report,
        clients=None if few else report.clients,
        client_months=None if few else report.client_months,
        services=[_service(s) for s in report.services],
        budget_needed=None
        if report.budget_needed is None
        else [_band(b) for b in report.budget_needed],
        outcomes=None if report.outcomes is None else _outcomes(report.outcomes),
        small_counts_hidden=True,
    )
