"""The social worker names the provider contract a guarantee letter falls under (when none or
several fit, the letters are issued without one)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.validation import id_or_none
from atbalsts.core.views import require

from .. import selectors
from ..policies import plan_policy
from ..selectors.contracts import contracts_fitting
from ..services.letter_contracts import letter_contract_choose


@login_required
@require_POST
def letter_contract(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get(user=request.user, pk=pk)
    require(plan_policy.can(request.user, Action.CHANGE, letter))
    chosen = id_or_none(request.POST.get("contract"))
    contract = contracts_fitting(letter).filter(pk=chosen).first() if chosen else None
    if contract is None:
        messages.error(request, _("Izvēlieties līgumu, kas attiecas uz šo vēstuli."))
    else:
        try:
            letter_contract_choose(actor=request.user, letter=letter, contract=contract)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Vēstulei norādīts līgums."))
    return redirect(f"{letter.get_absolute_url()}#contract")
