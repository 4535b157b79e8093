"""Writes to support plans: drafts, goals, lines, agreement, activation, new versions,
extension and guarantee letters. Each checks permission, enforces the rules, and audits in
the same transaction. Every change of a draft passes the revision it was read at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.assessment.dates import add_months
from atbalsts.assessment.models import domains_for
from atbalsts.catalog.errors import TariffNotValidOnDate
from atbalsts.catalog.models import Provider, ServiceType, Tariff
from atbalsts.catalog.selectors import PriceSource, price_on
from atbalsts.catalog.services import provider_choice_check
from atbalsts.core.audit import AuditEventType, audit_record, diff, snapshot
from atbalsts.core.dates import dmy, recorded_at
from atbalsts.core.errors import Conflict, DomainError, ValidationFailed
from atbalsts.core.money import MONEY_MAX_DIGITS, parse_money, round_money
from atbalsts.core.policies import Action
from atbalsts.core.validation import add_error, raise_if_errors, refuse_unknown
from atbalsts.people.models import (
    Client,
    LegalCapacity,
    Representative,
    SupportCircleMember,
    TargetGroup,
)

from .errors import (
    BudgetExceeded,
    DraftExists,
    NoBudgetPeriod,
    NoPriceForBudget,
    NotBudgetFundable,
    PlanExists,
    PlanNotAgreed,
    PlanNotDraft,
    PlanWrongStatus,
)
from .models import (
    GUARANTEED_SOURCES,
    DecisionDomain,
    FundingSource,
    Goal,
    GoalOutcome,
    GoalTerm,
    GuaranteeLetter,
    LetterCounter,
    LetterStatus,
    PlanLine,
    PlanReview,
    PlanStatus,
    PlanVersion,
    SignMethod,
    SupportPlan,
)
from .policies import plan_policy
from .selectors import (
    PeriodFit,
    budget_problem_text,
    extension_calculate,
    max_monthly_quantity,
    social_worker_of,
    version_budget_fit,
    version_lines,
)
from .spread import line_total, month_starts, months_between, whole_months_end

MAX_PLAN_MONTHS = 36
MAX_SESSION_MINUTES = 24 * 60
MAX_PRIORITY = 99

VERSION_FIELDS = ("start", "end", "notes")
OUTCOME_FIELDS = ("outcome", "outcome_reviewed_on", "outcome_note")
GOAL_FIELDS = ("term", "domain", "decision_domain", "text", "progress_measure", "position")
LINE_FIELDS = (
    "service_type",
    "provider",
    "quantity",
    "start",
    "months",
    "end",
    "session_minutes",
    "funding_source",
    "goal",
    "priority",
    "recipient",
    "decision_domain",
    "override_reason",
)
LINE_AUDIT_FIELDS = (
    "service_type",
    "provider",
    "unit_price",
    "quantity",
    "start",
    "months",
    "end",
    "session_minutes",
    "funding_source",
    "goal",
    "priority",
    "recipient",
    "decision_domain",
    "override_reason",
    "total",
)


# --- helpers ---------------------------------------------------------------------------------


def _text(
    value: Any, name: str, errors: dict[str, list[str]], *, limit: int, required: bool
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        add_error(errors, name, _("Jābūt tekstam."))
        return ""
    value = value.strip()
    if required and not value:
        add_error(errors, name, _("Obligāts lauks."))
    if len(value) > limit:
        add_error(errors, name, _("Ne vairāk kā %(n)s zīmes.") % {"n": limit})
    return value


def _date(value: Any, name: str, errors: dict[str, list[str]], *, required: bool = True) -> Any:
    if value in (None, ""):
        if required:
            add_error(errors, name, _("Obligāts lauks."))
        return None
    if isinstance(value, dt.datetime):
        add_error(errors, name, _("Datumam jābūt formā GGGG-MM-DD."))
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    add_error(errors, name, _("Datumam jābūt formā GGGG-MM-DD."))
    return None


def _int(
    value: Any, name: str, errors: dict[str, list[str]], *, low: int, high: int, required: bool
) -> int | None:
    if value in (None, ""):
        if required:
            add_error(errors, name, _("Obligāts lauks."))
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        add_error(errors, name, _("Jābūt veselam skaitlim."))
        return None
    try:
        number = int(value)
    except ValueError:
        add_error(errors, name, _("Jābūt veselam skaitlim."))
        return None
    if not low <= number <= high:
        add_error(errors, name, _("Jābūt no %(low)s līdz %(high)s.") % {"low": low, "high": high})
        return None
    return number


def _choice(
    value: Any, name: str, errors: dict[str, list[str]], choices: Any, *, required: bool
) -> str:
    if value in (None, ""):
        if required:
            add_error(errors, name, _("Obligāts lauks."))
        return ""
    if value not in choices.values:
        add_error(errors, name, _("Nederīga vērtība."))
        return ""
    return str(value)


def _instance(
    model: type[models.Model], value: Any, name: str, errors: dict[str, list[str]], **lookup: Any
) -> Any:
    """A model instance given as itself or its id, found among `lookup`; errors if not."""
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, models.Model) else value
    if isinstance(pk, bool) or not isinstance(pk, int | str):
        add_error(errors, name, _("Nederīga vērtība."))
        return None
    try:
        return model._default_manager.get(pk=pk, **lookup)
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        add_error(errors, name, _("Nav atrasts."))
        return None


def _lock_draft(version: PlanVersion, revision: Any) -> PlanVersion:
    """The version, locked, if it is still a draft at the revision the caller read."""
    locked = (
        PlanVersion.objects.select_for_update()
        .select_related("plan", "plan__client", "plan__client__municipality")
        .get(pk=version.pk)
    )
    if locked.status != PlanStatus.DRAFT:
        raise PlanNotDraft()
    if isinstance(revision, bool) or not isinstance(revision, int | str):
        raise ValidationFailed({"revision": [_("Nav norādīta redakcija.")]})
    try:
        stale = int(revision) != locked.revision
    except ValueError as exc:
        raise ValidationFailed({"revision": [_("Nav norādīta redakcija.")]}) from exc
    if stale:
        raise Conflict()
    return locked


def _bump(version: PlanVersion) -> None:
    version.revision += 1
    version.save(update_fields=["revision", "updated_at"])


def _audit(
    actor: Any,
    event: AuditEventType,
    subject: models.Model,
    client: Client,
    extra: Mapping[str, Any],
) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        subject=subject,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data=dict(extra),
    )


def _validate_period(start: Any, end: Any, errors: dict[str, list[str]]) -> None:
    if start and end:
        if end < start:
            add_error(errors, "end", _("Beigu datums nevar būt pirms sākuma datuma."))
        elif months_between(start, end) > MAX_PLAN_MONTHS:
            add_error(
                errors,
                "end",
                _("Plāns nevar būt garāks par %(n)s mēnešiem.") % {"n": MAX_PLAN_MONTHS},
            )


# --- plans and drafts ------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor: Any, client: Client, start: Any, end: Any, notes: str = ""
) -> PlanVersion:
    """A new plan for the client, with its first version as a draft."""
    plan_policy.require(actor, Action.CREATE, client)
    Client.objects.select_for_update().filter(pk=client.pk).first()
    errors: dict[str, list[str]] = {}
    start = _date(start, "start", errors)
    end = _date(end, "end", errors)
    notes = _text(notes, "notes", errors, limit=5000, required=False)
    _validate_period(start, end, errors)
    raise_if_errors(errors)
    open_versions = PlanVersion.objects.filter(plan__client=client).exclude(
        status__in=[PlanStatus.CLOSED, PlanStatus.SUPERSEDED]
    )
    if open_versions.exists():
        raise PlanExists()
    plan = SupportPlan.objects.create(client=client, created_by=actor)
    version = PlanVersion.objects.create(
        plan=plan, number=1, start=start, end=end, notes=notes, created_by=actor
    )
    _audit(
        actor,
        AuditEventType.PLAN_CREATED,
        version,
        client,
        {"plan": plan.pk, "start": start.isoformat(), "end": end.isoformat()},
    )
    return version


@transaction.atomic
def version_update(
    *, actor: Any, version: PlanVersion, revision: Any, data: Mapping[str, Any]
) -> PlanVersion:
    """Change a draft's period or notes; its lines must stay inside the period."""
    plan_policy.require(actor, Action.CHANGE, version)
    version = _lock_draft(version, revision)
    refuse_unknown(data, VERSION_FIELDS)
    errors: dict[str, list[str]] = {}
    before = snapshot(version, VERSION_FIELDS)
    start = _date(data.get("start", version.start), "start", errors)
    end = _date(data.get("end", version.end), "end", errors)
    notes = _text(data.get("notes", version.notes), "notes", errors, limit=5000, required=False)
    _validate_period(start, end, errors)
    raise_if_errors(errors)
    outside = version.lines.filter(models.Q(start__lt=start) | models.Q(end__gt=end))
    if outside.exists():
        raise DomainError(
            _("Dažas plāna rindas ir ārpus jaunā perioda; vispirms mainiet tās."), field="end"
        )
    version.start, version.end, version.notes = start, end, notes
    version.save(update_fields=["start", "end", "notes", "updated_at"])
    _bump(version)
    changes = diff(before, snapshot(version, VERSION_FIELDS))
    _audit(actor, AuditEventType.PLAN_CHANGED, version, version.plan.client, {"changes": changes})
    return version


# --- goals -----------------------------------------------------------------------------------


def _clean_goal(version: PlanVersion, goal: Goal, data: Mapping[str, Any]) -> None:
    refuse_unknown(data, GOAL_FIELDS)
    errors: dict[str, list[str]] = {}
    client = version.plan.client
    goal.term = _choice(data.get("term", goal.term), "term", errors, GoalTerm, required=True)
    domain = data.get("domain", goal.domain)
    allowed = [d.value for d in domains_for(client.target_group)]
    if domain in (None, ""):
        add_error(errors, "domain", _("Obligāts lauks."))
    elif domain not in allowed:
        add_error(errors, "domain", _("Šī dzīves joma neattiecas uz klienta mērķa grupu."))
    else:
        goal.domain = domain
    decision = _choice(
        data.get("decision_domain", goal.decision_domain),
        "decision_domain",
        errors,
        DecisionDomain,
        required=False,
    )
    if decision and client.target_group == TargetGroup.CHILD_FT:
        add_error(
            errors,
            "decision_domain",
            _("Lēmumu pieņemšanas jomas attiecas tikai uz pieaugušajiem."),
        )
    goal.decision_domain = decision
    goal.text = _text(data.get("text", goal.text), "text", errors, limit=2000, required=True)
    goal.progress_measure = _text(
        data.get("progress_measure", goal.progress_measure),
        "progress_measure",
        errors,
        limit=2000,
        required=False,
    )
    position = _int(
        data.get("position", goal.position), "position", errors, low=1, high=999, required=False
    )
    goal.position = position or goal.position or 1
    raise_if_errors(errors)


@transaction.atomic
def goal_add(*, actor: Any, version: PlanVersion, revision: Any, data: Mapping[str, Any]) -> Goal:
    plan_policy.require(actor, Action.CHANGE, version)
    version = _lock_draft(version, revision)
    goal = Goal(version=version, position=version.goals.count() + 1)
    _clean_goal(version, goal, data)
    goal.save()
    _bump(version)
    _audit(
        actor,
        AuditEventType.PLAN_GOAL_ADDED,
        goal,
        version.plan.client,
        {"version": version.pk, "term": goal.term, "domain": goal.domain},
    )
    return goal


@transaction.atomic
def goal_update(*, actor: Any, goal: Goal, revision: Any, data: Mapping[str, Any]) -> Goal:
    plan_policy.require(actor, Action.CHANGE, goal.version)
    version = _lock_draft(goal.version, revision)
    goal = Goal.objects.get(pk=goal.pk)
    goal.version = version
    before = snapshot(goal, GOAL_FIELDS)
    _clean_goal(version, goal, data)
    goal.save()
    _bump(version)
    _audit(
        actor,
        AuditEventType.PLAN_GOAL_CHANGED,
        goal,
        version.plan.client,
        {"version": version.pk, "changes": diff(before, snapshot(goal, GOAL_FIELDS))},
    )
    return goal


@transaction.atomic
def goal_remove(*, actor: Any, goal: Goal, revision: Any) -> None:
    plan_policy.require(actor, Action.CHANGE, goal.version)
    version = _lock_draft(goal.version, revision)
    _audit(
        actor,
        AuditEventType.PLAN_GOAL_REMOVED,
        goal,
        version.plan.client,
        {"version": version.pk, "text": goal.text[:200]},
    )
    goal.delete()
    _bump(version)


# --- plan lines ------------------------------------------------------------------------------


def _quantity(value: Any, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        add_error(errors, "quantity", _("Obligāts lauks."))
        return None
    if isinstance(value, float | bool):
        add_error(
            errors,
            "quantity",
            _("Daudzumam jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
        )
        return None
    try:
        quantity = parse_money(value) if isinstance(value, str) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        add_error(
            errors,
            "quantity",
            _("Daudzumam jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
        )
        return None
    if not quantity.is_finite() or quantity != round_money(quantity):
        add_error(
            errors,
            "quantity",
            _("Daudzumam jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
        )
        return None
    if quantity <= 0:
        add_error(errors, "quantity", _("Daudzumam mēnesī jābūt lielākam par nulli."))
        return None
    ceiling = max_monthly_quantity()
    if quantity > ceiling:
        add_error(
            errors,
            "quantity",
            _("Daudzums %(q)s mēnesī ir neticami liels; augstākais pieļaujamais ir %(max)s.")
            % {"q": quantity, "max": ceiling},
        )
        return None
    return quantity


def _clean_line(version: PlanVersion, line: PlanLine, data: Mapping[str, Any]) -> None:
    """Shape and dates of a line; the money rules follow in `_price_line`."""
    refuse_unknown(data, LINE_FIELDS)
    errors: dict[str, list[str]] = {}
    client = version.plan.client

    def value(name: str) -> Any:
        if name in data:
            return data[name]
        return getattr(line, name, None) if line.pk else None

    service_type = _instance(ServiceType, value("service_type"), "service_type", errors)
    if service_type is None and "service_type" not in errors:
        add_error(errors, "service_type", _("Obligāts lauks."))
    provider = _instance(Provider, value("provider"), "provider", errors)
    if provider is None and "provider" not in errors:
        add_error(errors, "provider", _("Obligāts lauks."))
    quantity = _quantity(value("quantity"), errors)
    start = _date(value("start"), "start", errors)
    # A new end without months re-counts the months from the dates.
    raw_months = None if "end" in data and "months" not in data else value("months")
    months = _int(raw_months, "months", errors, low=1, high=MAX_PLAN_MONTHS, required=False)
    end = _date(data.get("end"), "end", errors, required=False) if "end" in data else None
    if months is None and end is None and "months" not in errors:
        add_error(errors, "months", _("Norādiet mēnešu skaitu vai beigu datumu."))
    minutes = _int(
        value("session_minutes"),
        "session_minutes",
        errors,
        low=1,
        high=MAX_SESSION_MINUTES,
        required=False,
    )
    funding = _choice(
        value("funding_source"), "funding_source", errors, FundingSource, required=True
    )
    goal = _instance(Goal, value("goal"), "goal", errors, version=version)
    priority = _int(value("priority"), "priority", errors, low=1, high=MAX_PRIORITY, required=False)
    recipient = _instance(
        SupportCircleMember, value("recipient"), "recipient", errors, client=client
    )
    decision = _choice(
        value("decision_domain"), "decision_domain", errors, DecisionDomain, required=False
    )
    if decision and client.target_group == TargetGroup.CHILD_FT:
        add_error(
            errors,
            "decision_domain",
            _("Lēmumu pieņemšanas jomas attiecas tikai uz pieaugušajiem."),
        )
    reason = _text(value("override_reason"), "override_reason", errors, limit=500, required=False)
    if start and end and end < start:
        add_error(errors, "end", _("Beigu datums nevar būt pirms sākuma datuma."))
    raise_if_errors(errors)
    if end is not None:
        counted = months_between(start, end)
        if (months is not None and counted != months) or whole_months_end(start, counted) != end:
            add_error(
                errors,
                "end",
                _(
                    "Rinda aptver veselus mēnešus: no %(start)s ar %(months)s mēnešiem tā "
                    "beidzas %(end)s."
                )
                % {
                    "start": dmy(start),
                    "months": months or counted,
                    "end": dmy(whole_months_end(start, months or counted)),
                },
            )
        months = counted
    if months is None or start is None:  # pragma: no cover - reported above
        raise ValidationFailed({"months": [_("Norādiet mēnešu skaitu vai beigu datumu.")]})
    end = whole_months_end(start, months)
    if start < version.start or end > version.end:
        add_error(
            errors,
            "start" if start < version.start else "months",
            _("Rindai (%(start)s–%(end)s) jābūt plāna periodā %(pstart)s–%(pend)s.")
            % {
                "start": dmy(start),
                "end": dmy(end),
                "pstart": dmy(version.start),
                "pend": dmy(version.end),
            },
        )
    if service_type is not None and client.target_group not in service_type.target_groups:
        add_error(
            errors,
            "service_type",
            _("Pakalpojums „%(service)s” nav paredzēts mērķa grupai «%(group)s».")
            % {"service": service_type.name_lv, "group": TargetGroup(client.target_group).label},
        )
    raise_if_errors(errors)
    line.service_type = service_type
    line.provider = provider
    line.quantity = quantity  # type: ignore[assignment]
    line.start, line.months, line.end = start, months, end
    line.session_minutes = minutes
    line.funding_source = funding
    line.goal = goal
    line.priority = priority or line.priority or 1
    line.recipient = recipient
    line.decision_domain = decision
    line.override_reason = reason


def _price_line(actor: Any, version: PlanVersion, line: PlanLine) -> None:
    """The money rules: what may come from the individual budget, the tariff valid at the
    start for the whole line, the provider's registration; then the total."""
    service_type = line.service_type
    client = version.plan.client
    budget = line.funding_source == FundingSource.INDIVIDUAL_BUDGET
    if budget and not service_type.ib_fundable:
        raise NotBudgetFundable(
            _(
                "„%(service)s” nekad netiek apmaksāts no individuālā budžeta (to apmaksā valsts). "
                "Izvēlieties citu finansējuma avotu."
            )
            % {"service": service_type.name_lv},
            field="funding_source",
        )
    provider_tariffs = Tariff.objects.filter(provider=line.provider, service_type=service_type)
    try:
        price = price_on(
            provider=line.provider,
            service_type=service_type,
            day=line.start,
            municipality=client.municipality,
        )
    except TariffNotValidOnDate:
        if budget:
            raise NoPriceForBudget(
                _(
                    "Pakalpojumam „%(service)s” %(day)s nav noteiktas cenas, tāpēc no "
                    "individuālā budžeta to apmaksāt nevar (ja vien tam nav DI vienības "
                    "izmaksu). Izvēlieties citu finansējuma avotu."
                )
                % {"service": service_type.name_lv, "day": dmy(line.start)},
                field="funding_source",
            ) from None
        price = None
    if price is not None and price.source != PriceSource.TARIFF and provider_tariffs.exists():
        # The provider has its own prices for this service, but none on these dates.
        raise TariffNotValidOnDate(
            _("Sniedzēja „%(provider)s” tarifs pakalpojumam „%(service)s” %(day)s nav spēkā.")
            % {
                "provider": line.provider.name,
                "service": service_type.name_lv,
                "day": dmy(line.start),
            },
            field="start",
        )
    if price is not None and price.tariff_id is not None:
        tariff = Tariff.objects.get(pk=price.tariff_id)
        if tariff.valid_to is not None and tariff.valid_to < line.end:
            raise TariffNotValidOnDate(
                _(
                    "Sniedzēja tarifs ir spēkā tikai līdz %(valid_to)s, bet rinda turpinās līdz "
                    "%(end)s. Sadaliet rindu divās daļās pa tarifu periodiem."
                )
                % {"valid_to": dmy(tariff.valid_to), "end": dmy(line.end)},
                field="months",
            )
        line.tariff = tariff
    else:
        line.tariff = None
    choice = provider_choice_check(
        actor=actor,
        provider=line.provider,
        service_type=service_type,
        day=line.start,
        override_reason=line.override_reason,
    )
    line.registration_status = choice.status
    if not choice.overridden:
        line.override_reason = ""
    line.unit_price = price.unit_price if price is not None else None
    line.price_source = price.source if price is not None else ""
    if line.session_minutes is None and price is not None:
        line.session_minutes = price.session_minutes
    line.total = line_total(line.unit_price, line.quantity, line.months)
    if len(str(int(line.total))) > MONEY_MAX_DIGITS - 2:
        raise ValidationFailed({"quantity": [_("Summa ir pārāk liela.")]})


def _check_budget(version: PlanVersion, before: list[PeriodFit]) -> None:
    """Refuse a change that leaves a period over its budget with more planned than before;
    a change that lowers an overrun is always allowed."""
    previous = {fit.period.key: fit.planned for fit in before}
    for fit in version_budget_fit(version):
        if fit.fits or fit.planned <= previous.get(fit.period.key, Decimal("0.00")):
            continue
        error = NoBudgetPeriod if fit.period.key is None else BudgetExceeded
        raise error(budget_problem_text(fit), field="funding_source")


@transaction.atomic
def line_add(
    *, actor: Any, version: PlanVersion, revision: Any, data: Mapping[str, Any]
) -> PlanLine:
    plan_policy.require(actor, Action.CHANGE, version)
    version = _lock_draft(version, revision)
    line = PlanLine(version=version, priority=version.lines.count() + 1)
    _clean_line(version, line, data)
    _price_line(actor, version, line)
    before = version_budget_fit(version)
    line.save()
    _check_budget(version, before)
    _bump(version)
    _audit(
        actor,
        AuditEventType.PLAN_LINE_ADDED,
        line,
        version.plan.client,
        {"version": version.pk, **snapshot(line, LINE_AUDIT_FIELDS)},
    )
    return line


@transaction.atomic
def line_update(*, actor: Any, line: PlanLine, revision: Any, data: Mapping[str, Any]) -> PlanLine:
    plan_policy.require(actor, Action.CHANGE, line.version)
    version = _lock_draft(line.version, revision)
    line = PlanLine.objects.select_related("service_type", "provider").get(pk=line.pk)
    line.version = version
    before_values = snapshot(line, LINE_AUDIT_FIELDS)
    before = version_budget_fit(version)
    _clean_line(version, line, data)
    _price_line(actor, version, line)
    line.save()
    _check_budget(version, before)
    _bump(version)
    _audit(
        actor,
        AuditEventType.PLAN_LINE_CHANGED,
        line,
        version.plan.client,
        {"version": version.pk, "changes": diff(before_values, snapshot(line, LINE_AUDIT_FIELDS))},
    )
    return line


@transaction.atomic
def line_remove(*, actor: Any, line: PlanLine, revision: Any) -> None:
    plan_policy.require(actor, Action.CHANGE, line.version)
    version = _lock_draft(line.version, revision)
    _audit(
        actor,
        AuditEventType.PLAN_LINE_REMOVED,
        line,
        version.plan.client,
        {"version": version.pk, **snapshot(line, LINE_AUDIT_FIELDS)},
    )
    line.delete()
    _bump(version)


# --- the head's approval of an overrun ---------------------------------------------------------


@transaction.atomic
def overrun_approve(
    *, actor: Any, version: PlanVersion, revision: Any, allowance: Any, reason: str
) -> PlanVersion:
    """Allow the draft's individual-budget part to pass each period's budget by `allowance`."""
    plan_policy.require(actor, Action.DECIDE, version)
    version = _lock_draft(version, revision)
    errors: dict[str, list[str]] = {}
    amount: Decimal | None = None
    if isinstance(allowance, float | bool) or allowance in (None, ""):
        add_error(
            errors,
            "allowance",
            _("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
        )
    else:
        try:
            amount = (
                parse_money(allowance) if isinstance(allowance, str) else Decimal(str(allowance))
            )
        except (InvalidOperation, ValueError):
            add_error(
                errors,
                "allowance",
                _("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
            )
        else:
            if not amount.is_finite() or amount != round_money(amount) or amount < 0:
                add_error(
                    errors,
                    "allowance",
                    _("Summai jābūt nenegatīvai, ar ne vairāk kā diviem cipariem aiz komata."),
                )
                amount = None
            elif amount > Decimal("100000.00"):
                add_error(errors, "allowance", _("Summa ir pārāk liela."))
                amount = None
    reason = _text(reason, "reason", errors, limit=1000, required=bool(amount))
    raise_if_errors(errors)
    if amount is None:  # pragma: no cover - reported above
        raise ValidationFailed({"allowance": [_("Obligāts lauks.")]})
    version.overrun_allowance = amount
    version.overrun_reason = reason
    version.overrun_approved_by = actor if amount else None
    version.overrun_approved_at = timezone.now() if amount else None
    version.save(
        update_fields=[
            "overrun_allowance",
            "overrun_reason",
            "overrun_approved_by",
            "overrun_approved_at",
            "updated_at",
        ]
    )
    _bump(version)
    _audit(
        actor,
        AuditEventType.PLAN_OVERRUN_APPROVED,
        version,
        version.plan.client,
        {"allowance": str(amount), "reason": reason},
    )
    return version


# --- agreement, activation, closing --------------------------------------------------------------


def _check_signer(
    client: Client, representative: Any, signed_on: Any, errors: dict[str, list[str]]
) -> Representative | None:
    signer = _instance(
        Representative, representative, "signed_by_representative", errors, client=client
    )
    if signer is not None and signed_on and not signer.is_valid_on(signed_on):
        add_error(
            errors,
            "signed_by_representative",
            _("Pārstāvja pilnvaras %(day)s nav spēkā.") % {"day": dmy(signed_on)},
        )
    if (
        signer is None
        and "signed_by_representative" not in errors
        and (
            client.target_group == TargetGroup.CHILD_FT
            or client.legal_capacity in (LegalCapacity.MINOR, LegalCapacity.LIMITED)
        )
    ):
        add_error(
            errors,
            "signed_by_representative",
            _("Klienta vārdā plānu paraksta vecāks, aizbildnis vai likumiskais pārstāvis."),
        )
    return signer


@transaction.atomic
def version_agree(
    *,
    actor: Any,
    version: PlanVersion,
    revision: Any,
    signed_on: Any,
    sign_method: Any,
    signed_by_representative: Any = None,
    on: dt.date | None = None,
) -> PlanVersion:
    """Record that the person (or their representative) agreed to and signed the draft; issue
    the guarantee letters. `on` is the day the agreement is recorded (default now; an import
    of history names a past day, not before the signature)."""
    plan_policy.require(actor, Action.CHANGE, version)
    version = _lock_draft(version, revision)
    client = version.plan.client
    errors: dict[str, list[str]] = {}
    signed_on = _date(signed_on, "signed_on", errors)
    if signed_on and signed_on > timezone.localdate():
        add_error(errors, "signed_on", _("Parakstīšanas datums nevar būt nākotnē."))
    method = _choice(sign_method, "sign_method", errors, SignMethod, required=True)
    signer = _check_signer(client, signed_by_representative, signed_on, errors)
    raise_if_errors(errors)
    if not version.goals.exists():
        raise DomainError(_("Plānā nav neviena mērķa; pievienojiet mērķus."), field="goals")
    if not version.lines.exists():
        raise DomainError(_("Plānā nav neviena pakalpojuma; pievienojiet tos."), field="lines")
    problems = [budget_problem_text(f) for f in version_budget_fit(version) if not f.fits]
    if problems:
        raise BudgetExceeded(" ".join(problems), field="lines")
    version.status = PlanStatus.AGREED
    version.signed_on = signed_on
    version.sign_method = method
    version.signed_by_representative = signer
    version.agreed_at = recorded_at(on, field="agreed_on", not_before=signed_on)
    version.agreed_by = actor
    version.revision += 1
    version.save()
    _audit(
        actor,
        AuditEventType.PLAN_AGREED,
        version,
        client,
        {
            "signed_on": signed_on.isoformat(),
            "sign_method": method,
            "signed_by_representative": signer.pk if signer else None,
        },
    )
    letters_issue(actor=actor, version=version, on=on)
    return version


@transaction.atomic
def version_activate(*, actor: Any, version: PlanVersion, on: dt.date | None = None) -> PlanVersion:
    """Put an agreed version in force; the version it replaces is superseded. `on`: the day
    it is recorded (default now; not before the agreement)."""
    plan_policy.require(actor, Action.CHANGE, version)
    version = (
        PlanVersion.objects.select_for_update()
        .select_related("plan", "plan__client")
        .get(pk=version.pk)
    )
    if version.status == PlanStatus.DRAFT or not version.is_signed:
        raise PlanNotAgreed()
    if version.status != PlanStatus.AGREED:
        raise PlanWrongStatus(
            _("Ieviest var tikai saskaņotu versiju; šī ir «%(status)s».")
            % {"status": version.get_status_display()}
        )
    client = version.plan.client
    for old in (
        PlanVersion.objects.select_for_update()
        .filter(plan=version.plan, status__in=[PlanStatus.ACTIVE, PlanStatus.AGREED])
        .exclude(pk=version.pk)
    ):
        old.status = PlanStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        _audit(actor, AuditEventType.PLAN_SUPERSEDED, old, client, {"by": version.pk})
    version.status = PlanStatus.ACTIVE
    version.activated_at = recorded_at(on, field="activated_on", not_before=version.agreed_at)
    version.save(update_fields=["status", "activated_at", "updated_at"])
    _audit(actor, AuditEventType.PLAN_ACTIVATED, version, client, {"number": version.number})
    return version


@transaction.atomic
def version_close(*, actor: Any, version: PlanVersion, reason: str) -> PlanVersion:
    plan_policy.require(actor, Action.CHANGE, version)
    version = (
        PlanVersion.objects.select_for_update().select_related("plan__client").get(pk=version.pk)
    )
    if version.status != PlanStatus.ACTIVE:
        raise PlanWrongStatus(_("Slēgt var tikai spēkā esošu plānu."))
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, limit=500, required=True)
    raise_if_errors(errors)
    version.status = PlanStatus.CLOSED
    version.closed_at = timezone.now()
    version.close_reason = reason
    version.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
    _audit(actor, AuditEventType.PLAN_CLOSED, version, version.plan.client, {"reason": reason})
    return version


# --- new versions and extension ------------------------------------------------------------------


def _copy(actor: Any, source: PlanVersion, **changes: Any) -> PlanVersion:
    if source.status not in (PlanStatus.ACTIVE, PlanStatus.AGREED):
        raise PlanWrongStatus(_("Jaunu versiju veido no spēkā esošas vai saskaņotas versijas."))
    if source.plan.versions.filter(status=PlanStatus.DRAFT).exists():
        raise DraftExists()
    number = (source.plan.versions.aggregate(n=models.Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=source.plan,
        number=number,
        supersedes=source,
        start=source.start,
        end=changes.get("end", source.end),
        notes=source.notes,
        extension=changes.get("extension", source.extension),
        created_by=actor,
    )
    goals: dict[Any, Goal] = {}
    for goal in source.goals.all():
        goals[goal.pk] = Goal.objects.create(
            version=version,
            key=goal.key,
            position=goal.position,
            term=goal.term,
            domain=goal.domain,
            decision_domain=goal.decision_domain,
            text=goal.text,
            progress_measure=goal.progress_measure,
        )
    for line in source.lines.all():
        line.pk = None
        line.id = None
        line.version = version
        line.goal = goals.get(line.goal_id) if line.goal_id else None
        line._state.adding = True
        line.save()
    return version


@transaction.atomic
def version_new(*, actor: Any, version: PlanVersion) -> PlanVersion:
    """A new draft from the version in force (or the agreed one), with its goals and lines."""
    plan_policy.require(actor, Action.CHANGE, version)
    SupportPlan.objects.select_for_update().filter(pk=version.plan_id).first()
    source = PlanVersion.objects.select_related("plan__client").get(pk=version.pk)
    draft = _copy(actor, source)
    _audit(
        actor,
        AuditEventType.PLAN_VERSION_CREATED,
        draft,
        source.plan.client,
        {"from": source.pk, "number": draft.number},
    )
    return draft


@transaction.atomic
def version_extend(
    *, actor: Any, version: PlanVersion, end: Any, from_date: Any = None
) -> PlanVersion:
    """A new draft with a longer period and the same total individual budget: what remains
    after the months before `from_date` is spread evenly over the months left, the rounding
    remainder in the last month."""
    plan_policy.require(actor, Action.CHANGE, version)
    SupportPlan.objects.select_for_update().filter(pk=version.plan_id).first()
    source = PlanVersion.objects.select_related("plan__client").get(pk=version.pk)
    if source.status != PlanStatus.ACTIVE:
        raise PlanWrongStatus(_("Pagarināt var tikai spēkā esošu plānu."))
    errors: dict[str, list[str]] = {}
    new_end = _date(end, "end", errors)
    starts = month_starts(source.start, months_between(source.start, source.end))[1:]
    if from_date in (None, ""):
        today = timezone.localdate()
        from_day = next((d for d in starts if d >= today), starts[-1] if starts else None)
    else:
        from_day = _date(from_date, "from_date", errors)
    raise_if_errors(errors)
    if new_end <= source.end:
        add_error(
            errors,
            "end",
            _("Jaunajām beigām jābūt vēlākām par %(end)s.") % {"end": dmy(source.end)},
        )
    elif months_between(source.start, new_end) > MAX_PLAN_MONTHS:
        add_error(
            errors, "end", _("Plāns nevar būt garāks par %(n)s mēnešiem.") % {"n": MAX_PLAN_MONTHS}
        )
    if from_day is None or from_day not in starts:
        add_error(
            errors,
            "from_date",
            _(
                "Pārdales sākumam jābūt kāda plāna mēneša pirmajai dienai starp %(start)s "
                "un %(end)s."
            )
            % {"start": dmy(add_months(source.start, 1)), "end": dmy(source.end)},
        )
    raise_if_errors(errors)
    if from_day is None:  # pragma: no cover - reported above
        raise ValidationFailed({"from_date": [_("Obligāts lauks.")]})
    extension = extension_calculate(source, new_end=new_end, from_date=from_day)
    if extension.remaining < 0:
        raise BudgetExceeded(
            _("Līdz %(day)s jau plānots vairāk nekā viss budžets; pārdalīt nav ko.")
            % {"day": dmy(from_day)},
            field="from_date",
        )
    draft = _copy(actor, source, end=new_end, extension=extension.as_json())
    _audit(
        actor,
        AuditEventType.PLAN_EXTENDED,
        draft,
        source.plan.client,
        {"from": source.pk, **extension.as_json()},
    )
    return draft


# --- guarantee letters ---------------------------------------------------------------------------


def _next_letter_number(municipality: Any, year: int) -> tuple[int, str]:
    """The next number of the municipality's year, taken under a row lock so that two letters
    issued at the same moment never share one."""
    counters = LetterCounter.objects.select_for_update()
    counter = counters.filter(municipality=municipality, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                LetterCounter.objects.create(municipality=municipality, year=year)
        except IntegrityError:
            pass  # someone created it first; lock theirs
        counter = counters.get(municipality=municipality, year=year)
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    sequence = counter.last_sequence
    return sequence, f"GV-{municipality.code.upper()}-{year}-{sequence:04d}"


def _letter_line(line: PlanLine) -> dict[str, Any]:
    return {
        "key": str(line.key),
        "service_type_id": line.service_type_id,
        "service": line.service_type.name_lv,
        "unit": str(line.service_type.get_unit_display()),
        "quantity": str(line.quantity),
        "unit_price": str(line.unit_price) if line.unit_price is not None else None,
        "months": line.months,
        "start": line.start.isoformat(),
        "end": line.end.isoformat(),
        "session_minutes": line.session_minutes,
        "funding_source": line.funding_source,
        "funding_source_label": str(line.get_funding_source_display()),
        "recipient": str(line.recipient) if line.recipient else "",
        "total": str(line.total),
    }


def _client_identity(client: Client) -> dict[str, Any]:
    # The provider needs to know whom to serve: the name and date of birth are enough; the
    # personal code is not put in a letter (data minimisation).
    return {"name": client.full_name, "date_of_birth": client.date_of_birth.isoformat()}


def _contact(user: Any) -> dict[str, str]:
    return {
        "name": user.get_full_name() or user.username,
        "phone": getattr(user, "phone", "") or "",
        "email": user.email or "",
    }


def letters_issue(
    *, actor: Any, version: PlanVersion, on: dt.date | None = None
) -> list[GuaranteeLetter]:
    """One numbered letter per provider of an agreed version's guaranteed lines; letters of
    earlier versions of the plan are marked replaced. Called inside `version_agree`."""
    plan_policy.require(actor, Action.CHANGE, version)
    if version.status not in (PlanStatus.AGREED, PlanStatus.ACTIVE):
        raise PlanNotAgreed()
    client = version.plan.client
    now = recorded_at(on, field="issued_on")
    day = timezone.localdate(now)
    year = day.year  # letters are numbered in the year they are issued
    worker = social_worker_of(client, day) or actor
    by_provider: dict[int, list[PlanLine]] = {}
    for line in version_lines(version):
        if line.funding_source in GUARANTEED_SOURCES:
            by_provider.setdefault(line.provider_id, []).append(line)
    old_letters = {
        letter.provider_id: letter
        for letter in GuaranteeLetter.objects.select_for_update()
        .filter(version__plan=version.plan, status=LetterStatus.ISSUED)
        .exclude(version=version)
    }
    issued = []
    for lines in by_provider.values():
        provider = lines[0].provider
        sequence, number = _next_letter_number(client.municipality, year)
        letter = GuaranteeLetter.objects.create(
            number=number,
            municipality=client.municipality,
            year=year,
            sequence=sequence,
            version=version,
            provider=provider,
            issued_at=now,
            issued_by=actor,
            period_start=min(line.start for line in lines),
            period_end=max(line.end for line in lines),
            lines=[_letter_line(line) for line in lines],
            client_identity=_client_identity(client),
            social_worker_contact=_contact(worker),
            total=sum((line.total for line in lines), Decimal("0.00")),
            budget_total=sum((line.total for line in lines if line.is_budget), Decimal("0.00")),
        )
        _audit(
            actor,
            AuditEventType.LETTER_ISSUED,
            letter,
            client,
            {
                "number": number,
                "provider": provider.pk,
                "version": version.pk,
                "total": str(letter.total),
            },
        )
        issued.append(letter)
        old = old_letters.pop(provider.pk, None)
        if old is not None:
            _replace(actor, old, letter, now, client)
    for old in old_letters.values():
        _replace(actor, old, None, now, client)
    return issued


def _replace(
    actor: Any, old: GuaranteeLetter, new: GuaranteeLetter | None, now: dt.datetime, client: Client
) -> None:
    old.status = LetterStatus.REPLACED
    old.replaced_by = new
    old.replaced_at = now
    old.save(update_fields=["status", "replaced_by", "replaced_at", "updated_at"])
    _audit(
        actor,
        AuditEventType.LETTER_REPLACED,
        old,
        client,
        {"number": old.number, "replaced_by": new.number if new else None},
    )


# --- review: goals' outcomes and what changed in the person's life ----------------------------

REVIEWABLE = frozenset({PlanStatus.ACTIVE, PlanStatus.SUPERSEDED, PlanStatus.CLOSED})


def _reviewed_on(value: Any, errors: dict[str, list[str]], name: str = "reviewed_on") -> Any:
    day = _date(value, name, errors)
    if day and day > timezone.localdate():
        add_error(errors, name, _("Pārskatīšanas datums nevar būt nākotnē."))
        return None
    return day


@transaction.atomic
def goal_outcome_record(
    *, actor: Any, goal: Goal, outcome: Any, reviewed_on: Any, note: Any = ""
) -> Goal:
    """The outcome of a goal as judged at review (achieved, partly, not achieved), on a version
    that was in force (active, superseded or closed); a draft has no outcomes yet."""
    goal = Goal.objects.select_related("version__plan__client").get(pk=goal.pk)
    version = goal.version
    plan_policy.require(actor, Action.CHANGE, version)
    if version.status not in REVIEWABLE:
        raise PlanWrongStatus(
            _(
                "Mērķa rezultātu var ierakstīt tikai plānam, kas ir bijis spēkā; "
                "šī versija ir «%(status)s»."
            )
            % {"status": version.get_status_display()}
        )
    errors: dict[str, list[str]] = {}
    before = snapshot(goal, OUTCOME_FIELDS)
    goal.outcome = _choice(outcome, "outcome", errors, GoalOutcome, required=True)
    goal.outcome_reviewed_on = _reviewed_on(reviewed_on, errors)
    goal.outcome_note = _text(note, "note", errors, limit=2000, required=False)
    raise_if_errors(errors)
    goal.outcome_recorded_by = actor
    goal.save(update_fields=[*OUTCOME_FIELDS, "outcome_recorded_by"])
    _audit(
        actor,
        AuditEventType.PLAN_GOAL_OUTCOME_RECORDED,
        goal,
        version.plan.client,
        {"version": version.pk, "changes": diff(before, snapshot(goal, OUTCOME_FIELDS))},
    )
    return goal


@transaction.atomic
def plan_review_record(
    *,
    actor: Any,
    plan: SupportPlan,
    reviewed_on: Any,
    started_paid_work: Any = False,
    moved_to_live_on_own: Any = False,
    widened_support_circle: Any = False,
    note: Any = "",
    outcomes: Mapping[Any, Mapping[str, Any]] | None = None,
) -> PlanReview:
    """A review of the plan, of its version in force (or the last one that was), with what
    changed in the person's life; `outcomes` ({goal id: {"outcome", "note"}}) records the
    goals' outcomes on the same date in the same transaction."""
    plan_policy.require(actor, Action.CHANGE, plan)
    SupportPlan.objects.select_for_update().filter(pk=plan.pk).first()
    version = (
        plan.versions.filter(status__in=REVIEWABLE)
        .select_related("plan__client")
        .order_by("-number")
        .first()
    )
    if version is None:
        raise PlanWrongStatus(_("Pārskatīt var tikai plānu, kas ir bijis spēkā."))
    errors: dict[str, list[str]] = {}
    day = _reviewed_on(reviewed_on, errors)
    flags = {}
    for name, value in (
        ("started_paid_work", started_paid_work),
        ("moved_to_live_on_own", moved_to_live_on_own),
        ("widened_support_circle", widened_support_circle),
    ):
        if not isinstance(value, bool):
            add_error(errors, name, _("Jābūt jā vai nē."))
        flags[name] = bool(value)
    note = _text(note, "note", errors, limit=5000, required=False)
    goals = {str(g.pk): g for g in version.goals.all()}
    for goal_id in outcomes or {}:
        if str(goal_id) not in goals:
            add_error(
                errors, "outcomes", _("Mērķis %(id)s nav šajā plāna versijā.") % {"id": goal_id}
            )
    raise_if_errors(errors)
    review = PlanReview.objects.create(
        plan=plan, version=version, reviewed_on=day, note=note, recorded_by=actor, **flags
    )
    _audit(
        actor,
        AuditEventType.PLAN_REVIEW_RECORDED,
        review,
        version.plan.client,
        {"version": version.pk, "reviewed_on": day.isoformat(), **flags},
    )
    for goal_id, values in (outcomes or {}).items():
        try:
            goal_outcome_record(
                actor=actor,
                goal=goals[str(goal_id)],
                outcome=values.get("outcome"),
                reviewed_on=day,
                note=values.get("note", ""),
            )
        except ValidationFailed as exc:
            names = {"outcome": f"goal_{goal_id}", "note": f"goal_{goal_id}_note"}
            raise ValidationFailed(
                {names.get(name, name): m for name, m in exc.errors.items()}
            ) from exc
    return review


def plan_view_record(*, actor: Any, version: PlanVersion, what: str = "plan") -> None:
    """Reading a plan's goals (the person's own words about their life) is an audit event."""
    client = version.plan.client
    _audit(actor, AuditEventType.PLAN_VIEWED, version, client, {"what": what})


def letter_download_record(*, actor: Any, letter: GuaranteeLetter) -> None:
    """A letter names the person: downloading it is an audit event."""
    _audit(
        actor,
        AuditEventType.LETTER_DOWNLOADED,
        letter,
        letter.version.plan.client,
        {"number": letter.number},
    )
