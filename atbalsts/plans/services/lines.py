"""Plan lines of a draft: their shape and dates, the money rules (tariff, registration,
what the individual budget may pay) and the budget check every change passes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atbalsts.catalog.errors import TariffNotValidOnDate
from atbalsts.catalog.models import Provider, ServiceType, Tariff
from atbalsts.catalog.selectors import PriceSource, price_on
from atbalsts.catalog.services import provider_choice_check
from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_for_client, diff, snapshot
from atbalsts.core.dates import dmy, recorded_at
from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.core.money import MONEY_MAX_DIGITS, format_money, round_money
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    choice_field,
    date_field,
    decimal_field,
    int_field,
    raise_if_errors,
    refuse_unknown,
    text_field,
)
from atbalsts.people.models import SupportCircleMember, TargetGroup

from ..errors import BudgetExceeded, NoBudgetPeriod, NoPriceForBudget, NotBudgetFundable
from ..models import FundingSource, Goal, PlanLine, PlanVersion, QuantityBasis
from ..policies import plan_policy
from ..selectors import PeriodFit, budget_problem_text, max_monthly_quantity, version_budget_fit
from ..spread import line_total, months_between, whole_months_end
from .drafts import MAX_PLAN_MONTHS, bump_revision, lock_draft
from .inputs import decision_domain_field, exact_decimal, instance_field, reported

MAX_SESSION_MINUTES = 24 * 60
MAX_PRIORITY = 99

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
    "agreed_unit_price",
    "agreed_price_reason",
    "quantity_basis",
)
# What a line's audit events record: its fields with the price and total it was given.
LINE_AUDIT_FIELDS = (*LINE_FIELDS[:2], "unit_price", *LINE_FIELDS[2:], "list_price", "total")
MAX_AGREED_PRICE = Decimal("100000.00")
APPROVER_NAME_MAX = 150
AGREED = "agreed"  # the price_source of a line priced at the price agreed for the person


def _quantity(value: object, errors: dict[str, list[str]], *, periods: int = 1) -> Decimal | None:
    if value in (None, ""):
        add_error(errors, "quantity", _("Obligāts lauks."))
        return None
    quantity = exact_decimal(value)
    if quantity is None or not quantity.is_finite() or quantity != round_money(quantity):
        add_error(
            errors,
            "quantity",
            _("Daudzumam jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
        )
        return None
    if quantity <= 0:
        add_error(errors, "quantity", _("Daudzumam mēnesī jābūt lielākam par nulli."))
        return None
    ceiling = max_monthly_quantity() * periods
    if quantity > ceiling:
        add_error(
            errors,
            "quantity",
            _("Daudzums %(q)s mēnesī ir neticami liels; augstākais pieļaujamais ir %(max)s.")
            % {"q": quantity, "max": ceiling}
            if periods == 1
            else _("Daudzums %(q)s periodā ir neticami liels; augstākais pieļaujamais ir %(max)s.")
            % {"q": quantity, "max": ceiling},
        )
        return None
    return quantity


def _clean_line(version: PlanVersion, line: PlanLine, data: Mapping[str, object]) -> None:
    """Shape and dates of a line; the money rules follow in `_price_line`."""
    refuse_unknown(data, LINE_FIELDS)
    errors: dict[str, list[str]] = {}
    client = version.plan.client

    def value(name: str) -> object:
        if name in data:
            return data[name]
        return getattr(line, name, None) if line.pk else None

    service_type = instance_field(ServiceType, value("service_type"), "service_type", errors)
    if service_type is None and "service_type" not in errors:
        add_error(errors, "service_type", _("Obligāts lauks."))
    provider = instance_field(Provider, value("provider"), "provider", errors)
    if provider is None and "provider" not in errors:
        add_error(errors, "provider", _("Obligāts lauks."))
    basis = choice_field(value("quantity_basis"), "quantity_basis", errors, QuantityBasis)
    basis = basis or QuantityBasis.MONTH
    # A quantity over the whole period may be up to the monthly ceiling times the months.
    periods = MAX_PLAN_MONTHS if basis == QuantityBasis.PERIOD else 1
    quantity = _quantity(value("quantity"), errors, periods=periods)
    start = date_field(value("start"), "start", errors)
    # A new end without months re-counts the months from the dates.
    raw_months = None if "end" in data and "months" not in data else value("months")
    months = int_field(raw_months, "months", errors, low=1, high=MAX_PLAN_MONTHS)
    end = date_field(data.get("end"), "end", errors, required=False) if "end" in data else None
    if months is None and end is None and "months" not in errors:
        add_error(errors, "months", _("Norādiet mēnešu skaitu vai beigu datumu."))
    minutes = int_field(
        value("session_minutes"), "session_minutes", errors, low=1, high=MAX_SESSION_MINUTES
    )
    funding = choice_field(
        value("funding_source"), "funding_source", errors, FundingSource, required=True
    )
    goal = instance_field(Goal, value("goal"), "goal", errors, version=version)
    priority = int_field(value("priority"), "priority", errors, low=1, high=MAX_PRIORITY)
    recipient = instance_field(
        SupportCircleMember, value("recipient"), "recipient", errors, client=client
    )
    decision = decision_domain_field(value("decision_domain"), client.target_group, errors)
    reason = text_field(value("override_reason"), "override_reason", errors, limit=500)
    agreed = decimal_field(
        value("agreed_unit_price"), "agreed_unit_price", errors, high=MAX_AGREED_PRICE
    )
    agreed_reason = text_field(
        value("agreed_price_reason"),
        "agreed_price_reason",
        errors,
        limit=500,
        required=agreed is not None,
    )
    if start and end and end < start:
        add_error(errors, "end", _("Beigu datums nevar būt pirms sākuma datuma."))
    raise_if_errors(errors)
    start = reported(start, "start")
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
    months = reported(months, "months")
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
    service_type = reported(service_type, "service_type")
    if client.target_group not in service_type.target_groups:
        add_error(
            errors,
            "service_type",
            _("Pakalpojums „%(service)s” nav paredzēts mērķa grupai «%(group)s».")
            % {"service": service_type.name_lv, "group": TargetGroup(client.target_group).label},
        )
    raise_if_errors(errors)
    line.service_type = service_type
    line.provider = reported(provider, "provider")
    line.quantity = reported(quantity, "quantity")
    line.start, line.months, line.end = start, months, end
    line.session_minutes = minutes
    line.funding_source = funding
    line.goal = goal
    line.priority = priority or line.priority or 1
    line.recipient = recipient
    line.decision_domain = decision
    line.override_reason = reason
    line.agreed_unit_price = agreed
    line.agreed_price_reason = agreed_reason if agreed is not None else ""
    line.quantity_basis = basis


def _price_line(actor: Actor, version: PlanVersion, line: PlanLine) -> None:
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
    line.list_price = price.unit_price if price is not None else None
    if line.agreed_unit_price is not None:
        line.unit_price = line.agreed_unit_price
        line.price_source = AGREED
    else:
        line.unit_price = line.list_price
        line.price_source = price.source if price is not None else ""
    if line.session_minutes is None and price is not None:
        line.session_minutes = price.session_minutes
    months = 1 if line.per_period else line.months
    line.total = line_total(line.unit_price, line.quantity, months)
    if len(str(int(line.total))) > MONEY_MAX_DIGITS - 2:
        raise ValidationFailed({"quantity": [_("Summa ir pārāk liela.")]})


def _keep_price_approval(line: PlanLine, before: tuple[object, ...]) -> None:
    """An approval holds for the price it approved, compared with the list price of the
    service and provider it was given for: a change of any of them asks for a new one."""
    if not line.price_needs_approval or _price_terms(line) != before:
        line.price_approved_by = None
        line.price_approved_by_name = ""
        line.price_approved_at = None


def _price_terms(line: PlanLine) -> tuple[object, ...]:
    return (
        line.agreed_unit_price,
        line.list_price,
        line.service_type_id,
        line.provider_id,
    )


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
    *, actor: Actor, version: PlanVersion, revision: object, data: Mapping[str, object]
) -> PlanLine:
    plan_policy.require(actor, Action.CHANGE, version)
    version = lock_draft(version, revision)
    line = PlanLine(version=version, priority=version.lines.count() + 1)
    _clean_line(version, line, data)
    _price_line(actor, version, line)
    _keep_price_approval(line, ())
    before = version_budget_fit(version)
    line.save()
    _check_budget(version, before)
    bump_revision(version)
    audit_for_client(
        actor,
        AuditEventType.PLAN_LINE_ADDED,
        line,
        version.plan.client,
        {"version": version.pk, **snapshot(line, LINE_AUDIT_FIELDS)},
    )
    return line


@transaction.atomic
def line_update(
    *, actor: Actor, line: PlanLine, revision: object, data: Mapping[str, object]
) -> PlanLine:
    plan_policy.require(actor, Action.CHANGE, line.version)
    version = lock_draft(line.version, revision)
    line = PlanLine.objects.select_related("service_type", "provider").get(pk=line.pk)
    line.version = version
    before_values = snapshot(line, LINE_AUDIT_FIELDS)
    before = version_budget_fit(version)
    terms = _price_terms(line)
    _clean_line(version, line, data)
    _price_line(actor, version, line)
    _keep_price_approval(line, terms)
    line.save()
    _check_budget(version, before)
    bump_revision(version)
    audit_for_client(
        actor,
        AuditEventType.PLAN_LINE_CHANGED,
        line,
        version.plan.client,
        {"version": version.pk, "changes": diff(before_values, snapshot(line, LINE_AUDIT_FIELDS))},
    )
    return line


@transaction.atomic
def line_remove(*, actor: Actor, line: PlanLine, revision: object) -> None:
    plan_policy.require(actor, Action.CHANGE, line.version)
    version = lock_draft(line.version, revision)
    audit_for_client(
        actor,
        AuditEventType.PLAN_LINE_REMOVED,
        line,
        version.plan.client,
        {"version": version.pk, **snapshot(line, LINE_AUDIT_FIELDS)},
    )
    line.delete()
    bump_revision(version)


@transaction.atomic
def line_price_approve(
    *,
    actor: Actor,
    line: PlanLine,
    revision: object,
    approved_by: object = "",
    on: dt.date | None = None,
) -> PlanLine:
    """The head approves a draft line's agreed price above the list price; until then the
    version cannot be agreed and no letter carries the price. An import of history names
    who approved it then (`approved_by`, as the old records name the head) and the day
    (`on`); the approval is then recorded by `actor`, the head who imports it."""
    plan_policy.require(actor, Action.DECIDE, line.version)
    version = lock_draft(line.version, revision)
    line = PlanLine.objects.select_related("service_type", "provider").get(pk=line.pk)
    if not line.price_needs_approval:
        raise DomainError(
            _("Šīs rindas cena nav augstāka par tarifu; apstiprinājums nav vajadzīgs."),
            field="agreed_unit_price",
        )
    errors: dict[str, list[str]] = {}
    name = text_field(approved_by, "price_approved_by", errors, limit=APPROVER_NAME_MAX)
    raise_if_errors(errors)
    line.price_approved_by = actor
    line.price_approved_by_name = name
    line.price_approved_at = recorded_at(on, field="price_approved_on")
    line.save(update_fields=["price_approved_by", "price_approved_by_name", "price_approved_at"])
    bump_revision(version)
    audit_for_client(
        actor,
        AuditEventType.PLAN_LINE_CHANGED,
        line,
        version.plan.client,
        {
            "version": version.pk,
            "price_approved": {
                "agreed_unit_price": str(line.agreed_unit_price),
                "list_price": str(line.list_price) if line.list_price is not None else None,
                "historic_approver": name,
            },
        },
    )
    return line


def unapproved_price_text(line: PlanLine) -> str:
    """Why a line's agreed price stops the version: it waits for the head's approval."""
    return str(
        _(
            "Pakalpojumam „%(service)s” norunātā cena %(price)s ir augstāka par tarifu "
            "%(list)s; to vispirms apstiprina sociālā dienesta vadītājs."
        )
        % {
            "service": line.service_type.name_lv,
            "price": format_money(line.agreed_unit_price or Decimal("0.00")),
            "list": format_money(line.list_price)
            if line.list_price is not None
            else pgettext_lazy("price", "nav noteikts"),
        }
    )
