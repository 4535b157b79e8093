"""The provider contract (līgums) a guarantee letter falls under. When letters are issued, a
letter gets its contract only when exactly one contract of its municipality with its provider
covers its whole period and every service on it; otherwise the social worker chooses one on
the letter's page. A letter is never given a contract by a guess."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.catalog.models import ProviderContract
from atbalsts.core.audit import AuditEventType, audit_for_client
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.policies import Action

from ..models import GuaranteeLetter
from ..pause_models import LetterContract
from ..policies import plan_policy
from ..selectors.contracts import contracts_fitting

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


def _audit(actor: Actor | None, link: LetterContract) -> None:
    letter = link.letter
    audit_for_client(
        actor,
        AuditEventType.LETTER_CONTRACT_SET,
        letter,
        letter.version.plan.client,
        {
            "number": letter.number,
            "contract": link.contract.number,
            "found_automatically": link.found_automatically,
        },
    )


def letter_contract_find(*, actor: Actor, letter: GuaranteeLetter) -> LetterContract | None:
    """Give a just-issued letter its contract when exactly one fits (called in the letters'
    own transaction); with none or several the letter waits for the social worker."""
    fitting = list(contracts_fitting(letter)[:2])
    if len(fitting) != 1:
        return None
    link = LetterContract.objects.create(
        letter=letter, contract=fitting[0], found_automatically=True
    )
    _audit(actor, link)
    return link


@transaction.atomic
def letter_contract_choose(
    *, actor: Actor, letter: GuaranteeLetter, contract: ProviderContract
) -> LetterContract:
    """The social worker names the contract a letter falls under (one that fits it)."""
    letter = GuaranteeLetter.objects.select_related("version__plan__client").get(pk=letter.pk)
    plan_policy.require(actor, Action.CHANGE, letter)
    if not contracts_fitting(letter).filter(pk=contract.pk).exists():
        raise ValidationFailed(
            {
                "contract": [
                    _(
                        "Šis līgums neattiecas uz vēstuli: tam jābūt ar šo sniedzēju, spēkā "
                        "visā vēstules periodā un jāaptver visi vēstules pakalpojumi."
                    )
                ]
            }
        )
    link, _created = LetterContract.objects.update_or_create(
        letter=letter,
        defaults={"contract": contract, "found_automatically": False, "chosen_by": actor},
    )
    _audit(actor, link)
    return link
