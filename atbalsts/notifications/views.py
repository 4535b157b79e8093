"""The user's notifications: the list (unread first), marking one or all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atbalsts.core.errors import NotPermitted
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action

from . import selectors, services
from .policies import notification_policy

PAGE_SIZE = 50


@login_required
def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    if not notification_policy.can(request.user, Action.VIEW):
        raise PermissionDenied
    notifications = selectors.notification_list(user=request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": selectors.unread_count(user=request.user)},
    )


def _back(request: AuthedHttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(fallback)


@login_required
@require_POST
def mark_read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Marks one read; with `open` set, goes on to the notification's page."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    try:
        services.notification_mark_read(actor=request.user, notification=notification)
    except NotPermitted as exc:
        raise PermissionDenied from exc
    link = notification.link
    if request.POST.get("open") and link.startswith("/") and not link.startswith("//"):
        return HttpResponseRedirect(link)
    return _back(request, "notifications:list")


@login_required
@require_POST
def mark_all_read(request: AuthedHttpRequest) -> HttpResponse:
    try:
        count = services.notifications_mark_all_read(actor=request.user)
    except NotPermitted as exc:
        raise PermissionDenied from exc
    if count:
        messages.success(request, _("Visi paziņojumi atzīmēti kā izlasīti."))
    return _back(request, "notifications:list")
