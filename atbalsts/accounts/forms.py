"""Sign-in with an optional second step: a TOTP code for users who have switched it on."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device

from atbalsts.notifications.models import NotificationKind


class LoginForm(AuthenticationForm):
    otp_token = forms.CharField(
        label=_("Kods no autentifikācijas lietotnes"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Tikai tad, ja esat ieslēdzis divpakāpju pieteikšanos."),
    )
    error_messages = {
        "invalid_login": _("Nepareizs lietotājvārds vai parole."),
        "inactive": _("Šis lietotājs ir bloķēts."),
        "otp_required": _("Ievadiet sešu ciparu kodu no autentifikācijas lietotnes."),
        "otp_invalid": _("Kods nav pareizs vai ir novecojis. Mēģiniet vēlreiz."),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user_has_device(user, confirmed=True):
            return
        token = (self.cleaned_data.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError(self.error_messages["otp_required"], code="otp_required")
        device = match_token(user, token)
        if device is None:
            raise forms.ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
        self.otp_device = device


class OtpConfirmForm(forms.Form):
    token = forms.CharField(label=_("Kods no lietotnes"), max_length=8)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Nosaukums"), max_length=100, help_text=_("Kurai sistēmai"))


class NotificationPreferencesForm(forms.Form):
    """Which notifications come by e-mail, and whether in one daily digest."""

    email_kinds = forms.MultipleChoiceField(
        label=_("Sūtīt e-pastā"),
        required=False,
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Neatzīmētos paziņojumus redzēsiet tikai sistēmā."),
    )
    digest = forms.TypedChoiceField(
        label=_("Cik bieži"),
        choices=[("1", _("vienā dienas apkopojumā")), ("0", _("katru paziņojumu atsevišķi"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
