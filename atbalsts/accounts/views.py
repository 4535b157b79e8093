"""Sign-in, sign-out and the user's own settings ("Mans konts"): contact details, two-step
sign-in with its recovery codes, notifications and API tokens."""

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
from atbalsts.core.forms import apply_domain_error
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.notifications import selectors as notification_selectors
from atbalsts.notifications import services as notification_services

from . import services
from .forms import (
    ApiTokenForm,
    LoginForm,
    NotificationPreferencesForm,
    OtpConfirmForm,
    ProfileForm,
    RecoveryCodesRenewForm,
)
from .models import ApiToken
from .policies import account_policy


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        device = getattr(form, "otp_device", None)
        if device is not None:
            otp_login(self.request, device)
        user = form.get_user()
        services.otp_grace_begin(user=user)
        services.login_record(user=user, succeeded=True)
        return response


def _account_context(user: Actor, **forms: Any) -> dict[str, Any]:
    return {
        "device": TOTPDevice.objects.filter(user=user, confirmed=True).first(),
        "two_factor_required": account_policy.must_use_two_factor(user),
        "recovery_left": services.otp_recovery_codes_left(user=user),
        "tokens": ApiToken.objects.filter(user=user).select_related("municipality"),
        "token_form": forms.get("token_form") or ApiTokenForm(user=user),
        "profile_form": forms.get("profile_form")
        or ProfileForm(initial={"email": user.email, "phone": user.phone}),
        "notification_form": _notification_form(user),
    }


@login_required
def account(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html", _account_context(request.user))


@login_required
@require_POST
def profile(request: AuthedHttpRequest) -> HttpResponse:
    """Save the user's e-mail and phone; a refusal shows the page again with the errors."""
    user = request.user
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.profile_save(actor=user, data=dict(form.cleaned_data))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Kontaktinformācija saglabāta."))
            return redirect("accounts:account")
    context = _account_context(user, profile_form=form)
    return render(request, "accounts/account.html", context, status=400)


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


def _two_factor_page(
    request: AuthedHttpRequest, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    pending = None
    qr_svg = ""
    if device is None:
        pending = services.otp_device_pending(actor=user)
        qr_svg = segno.make(pending.config_url).svg_inline(scale=4)
    context = {
        "device": device,
        "pending": pending,
        "qr_svg": qr_svg,
        "two_factor_required": account_policy.must_use_two_factor(user),
        "deadline": services.otp_grace_deadline(user),
        "recovery_left": services.otp_recovery_codes_left(user=user),
        "otp_form": forms.get("otp_form") or OtpConfirmForm(),
        "renew_form": forms.get("renew_form") or RecoveryCodesRenewForm(),
    }
    return render(request, "accounts/two_factor.html", context, status=status)


@login_required
def two_factor(request: AuthedHttpRequest) -> HttpResponse:
    """Switching on two-step sign-in (the app's QR code) and the recovery codes."""
    return _two_factor_page(request)


def _recovery_codes_page(request: AuthedHttpRequest, codes: list[str]) -> HttpResponse:
    """The new recovery codes, shown once (never stored in readable form, never cached)."""
    response = render(request, "accounts/recovery_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def otp_confirm(request: AuthedHttpRequest) -> HttpResponse:
    form = OtpConfirmForm(request.POST)
    device = get_object_or_404(TOTPDevice, user=request.user, confirmed=False)
    codes = None
    if form.is_valid():
        codes = services.otp_device_confirm(
            actor=request.user, device=device, token=form.cleaned_data["token"]
        )
        if codes is None:
            form.add_error(
                "token", _("Kods nav pareizs. Pārbaudiet laiku tālrunī un mēģiniet vēlreiz.")
            )
    if codes is None:
        return _two_factor_page(request, status=400, otp_form=form)
    otp_login(request, device)
    messages.success(request, _("Divpakāpju pieteikšanās ieslēgta."))
    return _recovery_codes_page(request, codes)


@login_required
@require_POST
def recovery_codes_renew(request: AuthedHttpRequest) -> HttpResponse:
    form = RecoveryCodesRenewForm(request.POST)
    if form.is_valid():
        try:
            codes = services.otp_recovery_codes_renew(actor=request.user)
        except DomainError as exc:  # no app switched on: the page shows no renewal form
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Izveidoti jauni rezerves kodi; vecie vairs neder."))
            return _recovery_codes_page(request, codes)
    return _two_factor_page(request, status=400, renew_form=form)


@login_required
@require_POST
def token_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    form = ApiTokenForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            token, raw = services.api_token_create(
                actor=user,
                user=user,
                name=data["name"],
                read_only=data["read_only"],
                municipality=data.get("municipality"),
                expires_on=data["expires_on"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return render(request, "accounts/token_created.html", {"token": token, "raw": raw})
    context = _account_context(user, token_form=form)
    return render(request, "accounts/account.html", context, status=400)


@login_required
@require_POST
def token_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponseRedirect:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("API atslēga atsaukta."))
    return redirect("accounts:account")
