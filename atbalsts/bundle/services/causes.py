"""Errors that point at the cause: a row refused only because something it needs was refused
(a session whose plan was refused, a plan whose client was refused) is not reported on its
own; it is counted under the first error of what it needs (`RowError.knock_on`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import RowError
from .rows import Row

Thing = tuple[Any, ...]  # ("client", code), ("plan", code), ("provider", number), …


def _needs(row: Row, children: Sequence[Row]) -> list[Thing]:
    """What a row's writing relies on that other rows of the bundle write first."""
    v = row.values
    code = v.get("client_personal_code")
    provider = v.get("provider_registration_number")
    result: list[Thing] = []
    if code:
        result.append(("client", code))
    if row.sheet in ("registrations", "locations", "tariffs") and provider:
        result.append(("provider", provider))
    if row.sheet == "budgets":
        result.append(("assessment", code))
    if row.sheet == "plans":
        result.append(("budget", code))
        for line in children:
            number = line.values.get("provider_registration_number")
            result += [("provider", number), ("tariff", number, line.values.get("service_type"))]
    if row.sheet == "sessions":
        result += [("provider", provider), ("tariff", provider, v.get("service_type"))]
        result.append(("plan", code))
    if row.sheet == "invoices":
        result.append(("provider", provider))
        for line in children:
            result += [("client", line.values.get("client_personal_code"))]
            result += [("plan", line.values.get("client_personal_code"))]
    return result


def _writes(row: Row) -> list[Thing]:
    """What a refused row leaves unwritten for the rows after it."""
    v = row.values
    code = v.get("client_personal_code")
    if row.sheet == "providers":
        return [("provider", v.get("registration_number"))]
    if row.sheet in ("registrations", "locations"):
        return [("provider", v.get("provider_registration_number"))]
    if row.sheet == "tariffs":
        return [("tariff", v.get("provider_registration_number"), v.get("service_type"))]
    if row.sheet == "clients":
        return [("client", v.get("personal_code"))]
    if row.sheet in ("assessments", "budgets", "plans"):
        return [(row.sheet[:-1], code)]
    return []


class Causes:
    """The first error of each thing a refused row left unwritten, during one import."""

    def __init__(self) -> None:
        self.refused: dict[Thing, RowError] = {}

    def report(
        self, row: Row, problems: list[RowError], children: Sequence[Row] = ()
    ) -> list[RowError]:
        """The row's problems to report: none when they follow from an earlier refusal
        (counted under it), else the problems themselves."""
        if not problems:
            return problems
        cause = next((self.refused[t] for t in _needs(row, children) if t in self.refused), None)
        if cause is not None:
            for sheet, _number in dict.fromkeys((p.sheet, p.row) for p in problems):
                cause.knock_on[sheet] = cause.knock_on.get(sheet, 0) + 1
        for thing in _writes(row):
            self.refused.setdefault(thing, cause or problems[0])
        return [] if cause is not None else problems
