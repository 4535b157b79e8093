"""Allocation rules: points per domain and intensity, bands of points with a monthly amount;
dated, one per target group and scope at a time, and unchangeable once a budget used them."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.dates import dmy
from atbalsts.core.money import round_money
from atbalsts.core.policies import Action
from atbalsts.core.validation import add_error, raise_if_errors
from atbalsts.people.models import Municipality, TargetGroup

from ..models import INTENSITIES, AllocationBand, AllocationRule, domains_for
from ..policies import rule_policy
from .errors import RuleInUse, RuleOverlap
from .inputs import monthly_amount_field

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

RULE_FIELDS = ("target_group", "name", "valid_from", "valid_to", "points", "bands")
MAX_POINTS = 1000


def _clean_points(value: object, target_group: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        add_error(errors, "points", _("Punktiem jābūt tabulai: katrai jomai pieci skaitļi."))
        return {}
    domains = domains_for(target_group)
    allowed = {d.value for d in domains}
    for name in sorted(set(value) - allowed):
        add_error(errors, f"points.{name}", _("Joma neattiecas uz šo mērķa grupu."))
    points: dict[str, list[int]] = {}
    for domain in domains:
        row = value.get(domain.value)
        field = f"points.{domain.value}"
        if row is None:
            add_error(
                errors, field, _("Norādiet punktus jomai «%(domain)s».") % {"domain": domain.label}
            )
            continue
        if (
            not isinstance(row, list | tuple)
            or len(row) != len(INTENSITIES)
            or not all(
                isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= MAX_POINTS for p in row
            )
        ):
            add_error(
                errors,
                field,
                _("Katrai intensitātei 0–4 jānorāda vesels punktu skaits no 0 līdz %(max)s.")
                % {"max": MAX_POINTS},
            )
            continue
        if any(b < a for a, b in itertools.pairwise(row)):
            add_error(errors, field, _("Lielākai atbalsta vajadzībai nevar būt mazāk punktu."))
            continue
        points[domain.value] = list(row)
    return points


def _clean_bands(value: object, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple) or not value:
        add_error(errors, "bands", _("Norādiet vismaz vienu budžeta grupu."))
        return []
    bands: list[dict[str, Any]] = []
    codes: set[str] = set()
    minimums: set[int] = set()
    for index, item in enumerate(value):
        prefix = f"bands.{index}"
        if not isinstance(item, Mapping):
            add_error(errors, prefix, _("Nederīga grupa."))
            continue
        minimum = item.get("min_points")
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
            add_error(errors, f"{prefix}.min_points", _("Punktiem jābūt veselam skaitlim no 0."))
            minimum = None
        elif minimum in minimums:
            add_error(errors, f"{prefix}.min_points", _("Divām grupām nevar būt vienāds sākums."))
        else:
            minimums.add(minimum)
        raw_code = item.get("code")
        code = raw_code.strip() if isinstance(raw_code, str) else ""
        if not code or len(code) > 20:
            add_error(errors, f"{prefix}.code", _("Grupas apzīmējumam jābūt 1–20 zīmēm."))
        elif code in codes:
            add_error(errors, f"{prefix}.code", _("Grupu apzīmējumi nedrīkst atkārtoties."))
        codes.add(code)
        amount = monthly_amount_field(
            item.get("monthly_amount"), f"{prefix}.monthly_amount", errors
        )
        bands.append({"min_points": minimum, "code": code, "monthly_amount": amount})
    if not errors:
        if 0 not in minimums:
            add_error(
                errors, "bands", _("Vienai grupai jāsākas no 0 punktiem, lai katram būtu grupa.")
            )
        ordered = sorted(bands, key=lambda b: b["min_points"])
        if any(b["monthly_amount"] < a["monthly_amount"] for a, b in itertools.pairwise(ordered)):
            add_error(errors, "bands", _("Grupai ar vairāk punktiem nevar būt mazāka summa."))
    return bands


def _validate_rule(rule: AllocationRule, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    errors: dict[str, list[str]] = {}
    for name in sorted(set(data) - set(RULE_FIELDS)):
        add_error(errors, name, _("Nezināms lauks."))
    target_group = data.get("target_group", rule.target_group)
    if target_group not in TargetGroup.values:
        add_error(errors, "target_group", _("Izvēlieties mērķa grupu."))
        raise_if_errors(errors)
    rule.target_group = target_group
    name = data.get("name", rule.name)
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > 200:
        add_error(errors, "name", _("Nosaukumam jābūt 1–200 zīmēm."))
    rule.name = name
    for field in ("valid_from", "valid_to"):
        if field in data:
            value = data[field]
            if value is not None and not isinstance(value, dt.date):
                add_error(errors, field, _("Nederīgs datums."))
            else:
                setattr(rule, field, value)
    if not isinstance(rule.valid_from, dt.date):
        add_error(errors, "valid_from", _("Norādiet, no kura datuma noteikums ir spēkā."))
    elif rule.valid_to is not None and rule.valid_to < rule.valid_from:
        add_error(errors, "valid_to", _("Beigu datums nevar būt pirms sākuma datuma."))
    rule.points = _clean_points(data.get("points", rule.points), target_group, errors)
    bands: list[dict[str, Any]] = []
    if "bands" in data or rule.pk is None:
        bands = _clean_bands(data.get("bands"), errors)
    raise_if_errors(errors)
    return bands


def _check_overlap(actor: Actor, rule: AllocationRule) -> None:
    """Two rules of one scope may not be valid on the same day. A new open-ended rule closes
    an open-ended earlier one the day before it starts: that is how a rule is replaced."""
    scope = (
        Q(municipality__isnull=True)
        if rule.municipality_id is None
        else Q(municipality_id=rule.municipality_id)
    )
    same_scope = AllocationRule.objects.select_for_update().filter(
        scope, target_group=rule.target_group
    )
    if rule.pk:
        same_scope = same_scope.exclude(pk=rule.pk)
    far_future = dt.date.max
    for other in same_scope:
        if (
            rule.pk is None
            and rule.valid_to is None
            and other.valid_to is None
            and other.valid_from < rule.valid_from
        ):
            other.valid_to = rule.valid_from - dt.timedelta(days=1)
            other.save(update_fields=["valid_to", "updated_at"])
            audit_record(
                actor=actor,
                event_type=AuditEventType.RULE_CHANGED,
                subject=other,
                municipality_id=other.municipality_id,
                extra_data={"valid_to": {"before": None, "after": other.valid_to.isoformat()}},
            )
            continue
        if other.valid_from <= (rule.valid_to or far_future) and rule.valid_from <= (
            other.valid_to or far_future
        ):
            raise RuleOverlap(
                _("Šajā laikā jau ir spēkā noteikums «%(name)s» (%(start)s–%(end)s).")
                % {
                    "name": other.name,
                    "start": dmy(other.valid_from),
                    "end": dmy(other.valid_to) if other.valid_to else "…",
                },
                field="valid_from",
            )


def _save_bands(rule: AllocationRule, bands: Sequence[Mapping[str, Any]]) -> None:
    rule.bands.all().delete()
    AllocationBand.objects.bulk_create(AllocationBand(rule=rule, **band) for band in bands)


def _rule_values(rule: AllocationRule) -> dict[str, Any]:
    return {
        "target_group": rule.target_group,
        "name": rule.name,
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "points": rule.points,
        "bands": [
            {"min_points": b.min_points, "code": b.code, "monthly_amount": str(b.monthly_amount)}
            for b in rule.bands.order_by("min_points")
        ],
    }


@transaction.atomic
def rule_create(
    *, actor: Actor, municipality: Municipality | None, data: Mapping[str, Any]
) -> AllocationRule:
    """A new allocation rule; without a municipality it is the national default."""
    rule_policy.require(actor, Action.CREATE, municipality)
    rule = AllocationRule(municipality=municipality, created_by=actor, points={})
    bands = _validate_rule(rule, data)
    _check_overlap(actor, rule)
    rule.save()
    _save_bands(rule, bands)
    audit_record(
        actor=actor,
        event_type=AuditEventType.RULE_CREATED,
        subject=rule,
        municipality_id=rule.municipality_id,
        extra_data={"values": _rule_values(rule)},
    )
    return rule


@transaction.atomic
def rule_update(*, actor: Actor, rule: AllocationRule, data: Mapping[str, Any]) -> AllocationRule:
    """Change a rule not used yet. A used rule only gets an end date (`valid_to`)."""
    rule_policy.require(actor, Action.CHANGE, rule)
    rule = AllocationRule.objects.select_for_update().get(pk=rule.pk)
    before = _rule_values(rule)
    if rule.budgets.exists() and set(data) - {"valid_to"}:
        current = {k: before[k] for k in data if k in before and k not in ("valid_to",)}
        if any(_rule_input_differs(k, data[k], v) for k, v in current.items()):
            raise RuleInUse()
    bands = _validate_rule(rule, data)
    _check_overlap(actor, rule)
    rule.save()
    if "bands" in data:
        _save_bands(rule, bands)
    after = _rule_values(rule)
    changes = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    if changes:
        audit_record(
            actor=actor,
            event_type=AuditEventType.RULE_CHANGED,
            subject=rule,
            municipality_id=rule.municipality_id,
            extra_data={"changes": changes},
        )
    return rule


def _rule_input_differs(name: str, given: Any, current: Any) -> bool:
    """Whether an input value would change a stored one (forms resend unchanged fields)."""
    if name == "valid_from":
        return bool(given.isoformat() != current) if isinstance(given, dt.date) else True
    if name == "bands":
        try:
            normalised = sorted(
                (
                    {
                        "min_points": b["min_points"],
                        "code": str(b["code"]).strip(),
                        "monthly_amount": str(round_money(Decimal(str(b["monthly_amount"])))),
                    }
                    for b in given
                ),
                key=lambda b: b["min_points"],
            )
        except (KeyError, TypeError, InvalidOperation, ValueError):
            return True
        return bool(normalised != current)
    if name == "points":
        return bool({k: list(v) for k, v in dict(given).items()} != current)
    if isinstance(given, str):
        return bool(given.strip() != current)
    return bool(given != current)
