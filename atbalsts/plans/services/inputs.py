"""Reading the fields of plan payloads that core.validation does not cover: a model given by
its id, an exact decimal, a decision-making domain, and a value already reported missing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import ValidationFailed
from atbalsts.core.money import parse_money
from atbalsts.core.validation import add_error, choice_field
from atbalsts.people.models import TargetGroup

from ..models import DecisionDomain

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")


def instance_field(
    model: type[M], value: object, name: str, errors: dict[str, list[str]], **lookup: object
) -> M | None:
    """A model instance given as itself or its id, found among `lookup`; errors if not."""
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, models.Model) else value
    if isinstance(pk, bool) or not isinstance(pk, int | str):
        add_error(errors, name, _("Nederīga vērtība."))
        return None
    try:
        return model._default_manager.get(pk=pk, **lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        add_error(errors, name, _("Nav atrasts."))
        return None


def exact_decimal(value: object) -> Decimal | None:
    """The value as a Decimal (text written as money is written: 1 234,50), or None when it
    is not a number. A float or a bool is refused: its value is not what the person typed."""
    if isinstance(value, float | bool):
        return None
    try:
        return parse_money(value) if isinstance(value, str) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def reported(value: T | None, name: str) -> T:
    """A parsed value after `raise_if_errors`: its parser reported it missing already, so
    None cannot reach here; this tells the type checker so."""
    if value is None:  # pragma: no cover - reported above
        raise ValidationFailed({name: [_("Obligāts lauks.")]})
    return value


def decision_domain_field(value: object, target_group: str, errors: dict[str, list[str]]) -> str:
    """The decision-making domain of a goal or a line; only adults have them."""
    decision = choice_field(value, "decision_domain", errors, DecisionDomain)
    if decision and target_group == TargetGroup.CHILD_FT:
        add_error(
            errors,
            "decision_domain",
            _("Lēmumu pieņemšanas jomas attiecas tikai uz pieaugušajiem."),
        )
    return decision
