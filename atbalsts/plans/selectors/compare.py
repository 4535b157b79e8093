"""What changed from one version of a plan to another: goals and lines added, removed or
changed (matched by the key a copied item keeps), with the money of each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.http import Http404

from atbalsts.core.actors import Viewer
from atbalsts.core.dates import dmy

from ..models import PlanLine, PlanVersion
from .budget import version_budget_fit, version_budget_total
from .plans import version_get, version_lines


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class ItemChange:
    kind: str  # added, removed, changed
    label: str
    changes: list[FieldChange] = field(default_factory=list)
    money_before: Decimal = Decimal("0.00")
    money_after: Decimal = Decimal("0.00")

    @property
    def difference(self) -> Decimal:
        return self.money_after - self.money_before


@dataclass(frozen=True)
class PeriodTotals:
    label: str
    before: Decimal
    after: Decimal

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


@dataclass
class Comparison:
    old: PlanVersion
    new: PlanVersion
    goals: list[ItemChange]
    lines: list[ItemChange]
    periods: list[PeriodTotals]
    total_before: Decimal
    total_after: Decimal
    budget_before: Decimal
    budget_after: Decimal

    @property
    def total_difference(self) -> Decimal:
        return self.total_after - self.total_before

    @property
    def budget_difference(self) -> Decimal:
        return self.budget_after - self.budget_before


GOAL_FIELDS = ("term", "domain", "decision_domain", "text", "progress_measure")
LINE_FIELDS = (
    "service_type",
    "provider",
    "unit_price",
    "agreed_price_reason",
    "quantity",
    "quantity_basis",
    "start",
    "months",
    "session_minutes",
    "funding_source",
    "priority",
    "recipient",
    "total",
)


def _display(obj: models.Model, name: str) -> str:
    value = getattr(obj, name)
    getter = getattr(obj, f"get_{name}_display", None)
    if getter is not None and value:
        return str(getter())
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return dmy(value)
    if isinstance(value, Decimal):
        return f"{value}".replace(".", ",")
    return str(value)


def _field_changes(old: models.Model, new: models.Model, names: Sequence[str]) -> list[FieldChange]:
    changes = []
    for name in names:
        before, after = _display(old, name), _display(new, name)
        if before != after:
            model_field = type(new)._meta.get_field(name)
            # The names compared are the model's own fields, never relations to it.
            label = str(model_field.verbose_name if isinstance(model_field, models.Field) else name)
            changes.append(FieldChange(label, before, after))
    return changes


def _line_label(line: PlanLine) -> str:
    return f"{line.service_type.name_lv} — {line.provider.name}"


def version_compare(old: PlanVersion, new: PlanVersion, *, show_goals: bool = True) -> Comparison:
    """What changed from `old` to `new`: goals and lines added, removed or changed (matched by
    the key a copied item keeps), with the money of each and the budget totals per period."""
    goals: list[ItemChange] = []
    if show_goals:
        old_goals = {g.key: g for g in old.goals.all()}
        new_goals = {g.key: g for g in new.goals.all()}
        for key, goal in new_goals.items():
            if key not in old_goals:
                goals.append(ItemChange("added", goal.text))
            else:
                changes = _field_changes(old_goals[key], goal, GOAL_FIELDS)
                if changes:
                    goals.append(ItemChange("changed", goal.text, changes))
        goals += [ItemChange("removed", g.text) for k, g in old_goals.items() if k not in new_goals]
    old_lines = {line.key: line for line in version_lines(old)}
    new_lines = {line.key: line for line in version_lines(new)}
    lines: list[ItemChange] = []
    for key, line in new_lines.items():
        if key not in old_lines:
            lines.append(ItemChange("added", _line_label(line), money_after=line.total))
        else:
            previous = old_lines[key]
            changes = _field_changes(previous, line, LINE_FIELDS)
            if changes:
                lines.append(
                    ItemChange(
                        "changed",
                        _line_label(line),
                        changes,
                        money_before=previous.total,
                        money_after=line.total,
                    )
                )
    lines += [
        ItemChange("removed", _line_label(line), money_before=line.total)
        for k, line in old_lines.items()
        if k not in new_lines
    ]
    before = {f.period.label: f.planned for f in version_budget_fit(old)}
    after = {f.period.label: f.planned for f in version_budget_fit(new)}
    labels = list(dict.fromkeys([*before, *after]))
    periods = [
        PeriodTotals(label, before.get(label, Decimal("0.00")), after.get(label, Decimal("0.00")))
        for label in labels
    ]
    return Comparison(
        old=old,
        new=new,
        goals=goals,
        lines=lines,
        periods=periods,
        total_before=sum((line.total for line in old_lines.values()), Decimal("0.00")),
        total_after=sum((line.total for line in new_lines.values()), Decimal("0.00")),
        budget_before=version_budget_total(old),
        budget_after=version_budget_total(new),
    )


def versions_compared(
    *, user: Viewer, version: PlanVersion, other_pk: int | str
) -> tuple[PlanVersion, PlanVersion]:
    """The older and the newer of `version` and another version of the same plan; 404 for one
    the user may not see or of another plan."""
    other = version_get(user=user, pk=other_pk)
    if other.plan_id != version.plan_id:
        raise Http404()
    return (other, version) if other.number < version.number else (version, other)
