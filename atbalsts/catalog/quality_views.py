"""A provider's contracts with municipalities, its free places and complaints about it: the
section of the provider's page and the pages that write them (issue 16)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.views import form_page, require

from . import selectors
from .models import Provider, ProviderComplaint
from .policies import provider_quality_policy
from .quality_forms import CapacityForm, ComplaintForm, ComplaintResolveForm, ContractForm
from .services.contracts import contract_create
from .services.quality import capacity_set, complaint_record, complaint_resolve


def quality_context(request: AuthedHttpRequest, provider: Provider) -> dict[str, Any]:
    """What the provider's page shows of its contracts, free places and complaints."""
    user = request.user
    municipality = getattr(user, "municipality", None)
    return {
        "contracts": selectors.provider_contracts(user=user, provider=provider),
        "capacities": selectors.provider_capacities(user=user, provider=provider),
        "complaints": selectors.provider_complaints(user=user, provider=provider),
        "can_add_contract": municipality is not None
        and provider_quality_policy.can(user, Action.CREATE, municipality),
        "can_set_capacity": provider_quality_policy.may_set_capacity(user, provider),
        "can_complain": provider_quality_policy.may_record_complaint(
            user, getattr(user, "municipality_id", None)
        )
        and municipality is not None,
        "sees_complaints": provider_quality_policy.may_see_complaints(user),
        "resolve_form": ComplaintResolveForm(initial={"resolved_on": timezone.localdate()}),
    }


def _back(provider: Provider) -> str:
    return f"{reverse('catalog:provider_detail', args=[provider.pk])}#quality"


@login_required
def contract_new(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    provider = selectors.provider_get(user=request.user, pk=pk)
    municipality = request.user.municipality
    if municipality is None:
        raise PermissionDenied
    require(provider_quality_policy.can(request.user, Action.CREATE, municipality))
    return form_page(
        request,
        ContractForm(request.POST or None),
        template="catalog/quality_form.html",
        context={"title": _("Jauns līgums"), "provider": provider},
        save=lambda data: contract_create(
            actor=request.user, municipality=municipality, provider=provider, data=data
        ),
        data=lambda form: form.service_data(),
        success_message=_("Līgums reģistrēts."),
        success_url=lambda _obj: _back(provider),
    )


@login_required
def capacity_new(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    provider = selectors.provider_get(user=request.user, pk=pk)
    require(provider_quality_policy.may_set_capacity(request.user, provider))
    return form_page(
        request,
        CapacityForm(request.POST or None),
        template="catalog/quality_form.html",
        context={"title": _("Brīvās vietas"), "provider": provider},
        save=lambda data: capacity_set(
            actor=request.user,
            provider=provider,
            data={**data, "service_type": data["service_type"].pk},
        ),
        success_message=_("Brīvās vietas saglabātas."),
        success_url=lambda _obj: _back(provider),
    )


@login_required
def complaint_new(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    provider = selectors.provider_get(user=request.user, pk=pk)
    require(
        provider_quality_policy.may_record_complaint(
            request.user, getattr(request.user, "municipality_id", None)
        )
    )
    return form_page(
        request,
        ComplaintForm(request.POST or None),
        template="catalog/quality_form.html",
        context={"title": _("Sūdzība par sniedzēju"), "provider": provider},
        save=lambda data: complaint_record(
            actor=request.user,
            provider=provider,
            data={
                **data,
                "service_type": data["service_type"].pk if data["service_type"] else None,
            },
        ),
        success_message=_("Sūdzība reģistrēta."),
        success_url=lambda _obj: _back(provider),
    )


@login_required
@require_POST
def complaint_resolve_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(
        provider_quality_policy.visible_complaints(
            request.user, ProviderComplaint.objects.select_related("provider")
        ),
        pk=pk,
    )
    form = ComplaintResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ierakstiet, kā sūdzība atrisināta, un datumu."))
    else:
        try:
            complaint_resolve(actor=request.user, complaint=complaint, data=form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Sūdzība atzīmēta kā atrisināta."))
    return redirect(_back(complaint.provider))
