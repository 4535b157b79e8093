"""The client's page: recording the person's wish for appointment reminders by e-mail, and
withdrawing it (people/services/reminders.py; the rule is notifications/reminders/
appointments.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.views import require

from . import selectors, services
from .forms import ReminderChoiceForm
from .models import Client
from .policies import client_policy
from .views import _child_page


def _client_for_change(request: AuthedHttpRequest, pk: int) -> Client:
    client = selectors.client_get(user=request.user, pk=pk)
    require(client_policy.can(request.user, Action.CHANGE, client))
    return client


@login_required
def reminders_opt_in(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    client = _client_for_change(request, pk)
    form = ReminderChoiceForm(
        request.POST or None,
        client=client,
        initial={"email": client.email, "opted_in_on": timezone.localdate()},
    )
    return _child_page(
        request,
        client,
        form,
        title=_("Atgādinājumi par tikšanām e-pastā"),
        save=lambda data: services.reminders_opt_in(actor=request.user, client=client, data=data),
        success_message=_("Atgādinājumi pieteikti."),
    )


@login_required
@require_POST
def reminders_opt_out(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    client = _client_for_change(request, pk)
    try:
        services.reminders_opt_out(actor=request.user, client=client)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Atgādinājumi atsaukti: e-pasti vairs netiks sūtīti."))
    return redirect(client.get_absolute_url())
