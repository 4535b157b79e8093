"""Pages of the delivery edge cases: cancellations (counted per provider and client, recorded
for a planned day or a recorded session) and the social worker's decision whether remote
delivery keeps a service's quality in an emergency."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.validation import id_or_none
from atbalsts.core.views import form_page, require
from atbalsts.people import selectors as people_selectors
from atbalsts.plans.models import GuaranteeLetter, LetterStatus

from . import selectors
from .cancel_forms import CancellationForm, CancellationReasonForm, RemoteQualityForm
from .policies import delivery_policy, may_decide_remote_quality
from .selectors_cancellations import (
    cancellation_counts_by_client,
    cancellation_counts_by_provider,
    cancellation_list,
    remote_quality_decisions,
)
from .services.cancellations import cancellation_record, session_cancel
from .services.remote_quality import remote_quality_decide


@login_required
def cancellations(request: AuthedHttpRequest) -> HttpResponse:
    require(delivery_policy.can(request.user, Action.VIEW))
    provider_id = id_or_none(request.GET.get("provider"))  # the provider page's link
    by_provider = cancellation_counts_by_provider(user=request.user)
    context = {
        "by_provider": [c for c in by_provider if provider_id in (None, c.pk)],
        "by_client": cancellation_counts_by_client(user=request.user, provider_id=provider_id),
        "recent": cancellation_list(user=request.user, provider_id=provider_id)[:50],
    }
    return render(request, "delivery/cancellations.html", context)


def _cancellation_data(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "start_time": data.get("start_time") or None}


@login_required
def cancellation_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_for_sessions(user=request.user, pk=pk)
    require(letter.status == LetterStatus.ISSUED)
    require(delivery_policy.can(request.user, Action.CREATE, letter))
    return form_page(
        request,
        CancellationForm(request.POST or None, letter=letter),
        template="delivery/cancellation_form.html",
        context={
            "title": _("Atcelta nodarbība pēc vēstules %(number)s") % {"number": letter.number},
            "letter": letter,
        },
        save=lambda data: cancellation_record(
            actor=request.user, letter=letter, data=_cancellation_data(data)
        ),
        success_message=_("Atcelšana reģistrēta."),
        success_url=lambda _obj: reverse("delivery:cancellations"),
    )


@login_required
def session_cancel_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    require(delivery_policy.can(request.user, Action.CHANGE, session))
    return form_page(
        request,
        CancellationReasonForm(request.POST or None),
        template="delivery/cancellation_form.html",
        context={"title": _("Atcelt nodarbību %(session)s") % {"session": session}},
        save=lambda data: session_cancel(actor=request.user, session=session, data=data),
        success_message=_("Nodarbība atcelta."),
        success_url=lambda _obj: session.get_absolute_url(),
    )


@login_required
def remote_quality(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    client = people_selectors.client_get(user=request.user, pk=pk)
    require(may_decide_remote_quality(request.user, client))
    service_ids = sorted(
        {
            line["service_type_id"]
            for lines in GuaranteeLetter.objects.filter(
                version__plan__client=client, status=LetterStatus.ISSUED
            ).values_list("lines", flat=True)
            for line in lines
        }
    )
    return form_page(
        request,
        RemoteQualityForm(request.POST or None, service_ids=service_ids),
        template="delivery/remote_quality.html",
        context={
            "title": _("Attālināta sniegšana ārkārtas situācijā"),
            "client": client,
            "decisions": remote_quality_decisions(user=request.user, client=client),
        },
        save=lambda data: remote_quality_decide(actor=request.user, client=client, data=data),
        success_message=_("Izvērtējums reģistrēts."),
        success_url=lambda _obj: reverse("delivery:remote_quality", args=[client.pk]),
    )
