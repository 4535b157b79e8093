"""The contract a guarantee letter falls under, and what is wrong with it: none chosen yet,
or one that has expired while the letter is still in force (flagged like a lapsed
registration)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from atbalsts.catalog.models import ProviderContract
from atbalsts.core.dates import dmy

from ..models import GuaranteeLetter, LetterStatus
from ..pause_models import LetterContract


@dataclass(frozen=True)
class LetterContractState:
    contract: ProviderContract | None
    found_automatically: bool
    problem: str  # "" when the letter has a contract in force
    choices: list[ProviderContract]  # the contracts that fit, when one is to be chosen


def letter_contract_state(letter: GuaranteeLetter, today: dt.date) -> LetterContractState:
    """The letter's contract and its problem, for the letter's page (a letter the caller got
    through the plan policy)."""
    link = LetterContract.objects.select_related("contract").filter(letter=letter).first()
    if link is None:
        return LetterContractState(
            None,
            False,
            _("Vēstulei nav norādīts līgums, kuram tā pakļaujas."),
            list(contracts_fitting(letter)),
        )
    contract = link.contract
    problem = ""
    in_force = letter.status == LetterStatus.ISSUED and letter.period_end >= today
    if in_force and contract.valid_to is not None and contract.valid_to < today:
        problem = _("Līgums %(number)s beidzās %(date)s, bet vēstule vēl ir spēkā.") % {
            "number": contract.number,
            "date": dmy(contract.valid_to),
        }
    choices = list(contracts_fitting(letter)) if problem else []
    return LetterContractState(contract, link.found_automatically, problem, choices)


def contracts_fitting(letter: GuaranteeLetter) -> QuerySet[ProviderContract]:
    """The contracts a letter may fall under: the letter's municipality and provider, a period
    covering the letter's, and every service of the letter among the contract's services."""
    qs = ProviderContract.objects.filter(
        municipality_id=letter.municipality_id,
        provider_id=letter.provider_id,
        valid_from__lte=letter.period_start,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=letter.period_end))
    for service_type_id in {line["service_type_id"] for line in letter.lines}:
        qs = qs.filter(services__service_type_id=service_type_id)
    return qs.distinct().order_by("-valid_from", "-id")
