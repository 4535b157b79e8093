"""Two-step sign-in for the roles that must use it (OTP_REQUIRED_ROLES).

A user of such a role who has not switched it on gets OTP_ENROL_GRACE_DAYS from their first
sign-in after the rule applied: meanwhile every page shows a banner linking to the enrolment
page (`request.two_factor_deadline`); after it, only the enrolment page, sign-out, the
language switch and static files answer until they switch it on. A user who has switched it
on but whose session did not pass the second step (signed in some other way, such as the
admin site's own form outside production) is signed out.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .policies import account_policy
from .services import otp_enrolled, otp_grace_begin, otp_grace_deadline

_OPEN_URL_NAMES = ("accounts:two_factor", "accounts:otp_confirm", "accounts:logout", "set_language")
# Answered without reading the session at all: a load balancer's probe must not get a cookie
# nor `Vary: Cookie`.
_SESSIONLESS_PATHS = ("/healthz",)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in _SESSIONLESS_PATHS:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and account_policy.must_use_two_factor(user)
            and not user.is_verified()
        ):
            refused = self._refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if otp_enrolled(user):
            # Switched on, but this session skipped the second step (e.g. a sign-in form
            # without it): sign in again.
            logout(request)
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": "not_authenticated",
                        "message": _("Nepieciešama autentifikācija."),
                        "errors": {},
                    },
                    status=401,
                )
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        otp_grace_begin(user=user)  # type: ignore[arg-type]
        deadline = otp_grace_deadline(user)
        if deadline is not None and timezone.now() < deadline:
            request.two_factor_deadline = deadline  # type: ignore[attr-defined]
            return None
        if _is_open(request.path):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "two_factor_required",
                    "message": _(
                        "Vispirms ieslēdziet divpakāpju pieteikšanos sadaļā „Mans konts”."
                    ),
                    "errors": {},
                },
                status=403,
            )
        if request.headers.get("HX-Request") == "true":  # htmx: go to the page, not swap it in
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("accounts:two_factor")
            return response
        return redirect("accounts:two_factor")


def _is_open(path: str) -> bool:
    if path.lstrip("/").startswith((settings.STATIC_URL or "static/").lstrip("/")):
        return True
    return any(path == reverse(name) for name in _OPEN_URL_NAMES)
