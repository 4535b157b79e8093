"""Sign-in, sign-out and the user's own settings: two-step sign-in and API tokens."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from atbalsts.core.actors import Actor
from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.notifications import selectors as notification_selectors
from atbalsts.notifications import services as notification_services

from . import services
from .forms import ApiTokenForm, LoginForm, NotificationPreferencesForm, OtpConfirmForm
from .models import ApiToken


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        device = getattr(form, "otp_device", None)
        if device is not None:
            otp_login(self.request, device)
        services.login_record(user=form.get_user(), succeeded=True)
        return response


@login_required
def account(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    pending = None
    qr_svg = ""
    if device is None:
        pending = services.otp_device_pending(actor=user)
        qr_svg = segno.make(pending.config_url).svg_inline(scale=4)
    tokens = ApiToken.objects.filter(user=user)
    return render(
        request,
        "accounts/account.html",
        {
            "device": device,
            "pending": pending,
            "qr_svg": qr_svg,
            "otp_form": OtpConfirmForm(),
            "tokens": tokens,
            "token_form": ApiTokenForm(),
            "notification_form": _notification_form(user),
        },
    )


def _notification_form(user: Actor) -> NotificationPreferencesForm:
    return NotificationPreferencesForm(
        initial={
            "email_kinds": sorted(notification_selectors.email_kinds_of(user=user)),
            "digest": "1" if notification_selectors.settings_of(user=user).digest else "0",
        }
    )


@login_required
@require_POST
def notification_preferences(request: AuthedHttpRequest) -> HttpResponse:
    form = NotificationPreferencesForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Paziņojumu izvēle nav saglabāta: pārbaudiet atzīmētās vērtības.")
        )
        return redirect("accounts:account")
    try:
        notification_services.preferences_save(
            actor=request.user,
            data={
                "email_kinds": list(form.cleaned_data["email_kinds"]),
                "digest": bool(form.cleaned_data["digest"]),
            },
        )
    except DomainError:
        messages.error(request, _("Paziņojumu izvēle nav saglabāta."))
        return redirect("accounts:account")
    messages.success(request, _("Paziņojumu izvēle saglabāta."))
    return redirect("accounts:account")


@login_required
@require_POST
def otp_confirm(request: AuthedHttpRequest) -> HttpResponse:
    form = OtpConfirmForm(request.POST)
    device = get_object_or_404(TOTPDevice, user=request.user, confirmed=False)
    if form.is_valid() and services.otp_device_confirm(
        actor=request.user, device=device, token=form.cleaned_data["token"]
    ):
        otp_login(request, device)
        messages.success(request, _("Divpakāpju pieteikšanās ieslēgta."))
    else:
        messages.error(
            request, _("Kods nav pareizs. Pārbaudiet laiku tālrunī un mēģiniet vēlreiz.")
        )
    return redirect("accounts:account")


@login_required
@require_POST
def token_create(request: AuthedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Norādiet atslēgas nosaukumu (līdz 100 zīmēm)."))
        return redirect("accounts:account")
    token, raw = services.api_token_create(
        actor=request.user, user=request.user, name=form.cleaned_data["name"]
    )
    return render(request, "accounts/token_created.html", {"token": token, "raw": raw})


@login_required
@require_POST
def token_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponseRedirect:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("API atslēga atsaukta."))
    return redirect("accounts:account")
