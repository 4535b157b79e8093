"""Sign-in with its second step (a code from the app or a recovery code for users who have
switched it on), the user's own settings, and API tokens with their limits."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from atbalsts.core.forms import DateInput
from atbalsts.notifications.models import NotificationKind
from atbalsts.people.models import Municipality

from .models import User
from .policies import account_policy
from .services import api_token_default_expiry, otp_match


class LoginForm(AuthenticationForm):
    otp_token = forms.CharField(
        label=_("Kods no autentifikācijas lietotnes"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
        help_text=_(
            "Tikai tad, ja esat ieslēdzis divpakāpju pieteikšanos. Ja tālrunis nav pieejams, "
            "ievadiet vienu no rezerves kodiem."
        ),
    )
    error_messages = {
        "invalid_login": _("Nepareizs lietotājvārds vai parole."),
        "inactive": _("Šis lietotājs ir bloķēts."),
        "otp_required": _(
            "Ievadiet sešu ciparu kodu no autentifikācijas lietotnes vai vienu no rezerves kodiem."
        ),
        "otp_invalid": _("Kods nav pareizs vai ir novecojis. Mēģiniet vēlreiz."),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user_has_device(user, confirmed=True):
            return
        token = (self.cleaned_data.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError(self.error_messages["otp_required"], code="otp_required")
        device = otp_match(user=user, token=token)
        if device is None:
            raise forms.ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
        self.otp_device = device


class OtpConfirmForm(forms.Form):
    token = forms.CharField(label=_("Kods no lietotnes"), max_length=20)


class RecoveryCodesRenewForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Saprotu, ka līdzšinējie rezerves kodi vairs nederēs"),
        error_messages={"required": _("Apstipriniet, ka vecie kodi vairs nederēs.")},
    )


class ProfileForm(forms.Form):
    """The user's own e-mail and phone; the service checks them."""

    email = forms.CharField(
        label=_("E-pasts"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Paziņojumiem, paroles atjaunošanai un kā kontakts garantijas vēstulēs."),
    )
    phone = forms.CharField(
        label=_("Tālrunis"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("Kontakts garantijas vēstulēs, piemēram, +371 26123456."),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Nosaukums"), max_length=100, help_text=_("Kurai sistēmai"))
    read_only = forms.BooleanField(
        label=_("Tikai lasīšanai"),
        required=False,
        help_text=_("Atslēga varēs tikai lasīt datus, ne tos mainīt."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Tikai pašvaldībai"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("visas, kuras drīkstu redzēt"),
        error_messages={"invalid_choice": _("Izvēlieties pašvaldību no saraksta.")},
    )
    expires_on = forms.DateField(
        label=_("Derīga līdz"),
        widget=DateInput(),
        help_text=_("Pēc šīs dienas atslēga vairs nedarbosies."),
        error_messages={
            "required": _("Norādiet, līdz kuram datumam atslēga derīga."),
            "invalid": _("Datumam jābūt formā GGGG-MM-DD."),
        },
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = api_token_default_expiry()
        choices = account_policy.token_municipalities(user)
        field: Any = self.fields["municipality"]
        field.queryset = choices
        if not choices.exists():
            del self.fields["municipality"]


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
