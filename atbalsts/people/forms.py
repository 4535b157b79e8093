"""Forms for the people register: shape and format only; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atbalsts.addresses.widgets import AddressField
from atbalsts.core.actors import Actor
from atbalsts.core.collation import USER_NAMES, latvian_order
from atbalsts.core.forms import StyledFormMixin
from atbalsts.core.roles import Role

from .models import (
    AppointmentReminderChoice,
    Client,
    ClientStatus,
    Consent,
    Municipality,
    Referral,
    ReferralDecision,
    Representative,
    SupportCircleMember,
    TargetGroup,
)
from .selectors import CLIENT_SORTS
from .services import CIRCLE_FIELDS, CLIENT_FIELDS, REFERRAL_FIELDS, REPRESENTATIVE_FIELDS


def _client_fields() -> list[str]:
    """The service's fields, the register's address right after the free-text one."""
    fields = ["municipality", *CLIENT_FIELDS]
    fields.insert(fields.index("address") + 1, "address_point")
    return fields


class ClientForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Client
        fields = _client_fields()
        field_classes = {"address_point": AddressField}
        help_texts = {
            "date_of_birth": _(
                "Vecās formas personas kodam to aizpilda no koda; jaunās formas kodam (32…) "
                "ierakstiet to."
            ),
            "personal_code": _("Formā DDMMGG-NNNNN vai 32NNNN-NNNNN."),
            "address_point": _(
                "Izvēlieties adresi no adrešu reģistra: no tās rēķina attālumu līdz "
                "pakalpojumiem. Ja to neatrod, ierakstiet adresi laukā „Adrese” — tā būs "
                "atzīmēta kā neģeokodēta."
            ),
        }

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].required = False
        # The personal code's shape is checked by the service, which explains what is wrong.
        self.fields["personal_code"].max_length = 20  # type: ignore[attr-defined]
        self.fields["personal_code"].widget.attrs["maxlength"] = 20
        if user.municipality_id:
            del self.fields["municipality"]
        if not self.instance.pk:
            del self.fields["status"]

    def validate_unique(self) -> None:
        """Uniqueness of the personal code is a domain rule checked by the service."""


class ClientFilterForm(forms.Form):
    q = forms.CharField(label=_("Meklēt"), required=False, max_length=100)
    municipality = forms.ModelChoiceField(
        label=_("Pašvaldība"), queryset=Municipality.objects.all(), required=False
    )
    status = forms.ChoiceField(
        label=_("Statuss"), choices=[("", _("visi")), *ClientStatus.choices], required=False
    )
    target_group = forms.ChoiceField(
        label=_("Mērķa grupa"), choices=[("", _("visas")), *TargetGroup.choices], required=False
    )
    sort = forms.ChoiceField(
        choices=[(key, key) for key in CLIENT_SORTS], required=False, widget=forms.HiddenInput
    )
    # the caseload's counts link here: a social worker's id, or "none" (nobody holds the case)
    worker = forms.RegexField(
        regex=r"^(none|[0-9]{1,12})$", required=False, widget=forms.HiddenInput
    )


class RepresentativeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Representative
        fields = list(REPRESENTATIVE_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["personal_code"].max_length = 20  # type: ignore[attr-defined]


class CircleMemberForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = SupportCircleMember
        fields = list(CIRCLE_FIELDS)


class ConsentForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "recipient", "given_by_representative", "given_on", "notes"]

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["given_by_representative"]
        field.queryset = client.representatives.all()  # type: ignore[attr-defined]
        field.empty_label = _("pats klients")  # type: ignore[attr-defined]


class ReminderChoiceForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = AppointmentReminderChoice
        fields = ["email", "requested_by_representative", "opted_in_on"]

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["requested_by_representative"]
        field.queryset = client.representatives.all()  # type: ignore[attr-defined]
        field.empty_label = _("pats klients")  # type: ignore[attr-defined]


class ConsentRevokeForm(StyledFormMixin, forms.Form):
    revoked_on = forms.DateField(label=_("Atsaukta"))
    reason = forms.CharField(label=_("Iemesls"), max_length=300, required=False)


class ReferralForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Referral
        fields = list(REFERRAL_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["personal_code"].max_length = 20  # type: ignore[attr-defined]


class ReferralDecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Lēmums"),
        choices=[
            (v, label) for v, label in ReferralDecision.choices if v != ReferralDecision.PENDING
        ],
    )
    decision_reason = forms.CharField(
        label=_("Pamatojums"),
        max_length=500,
        required=False,
        help_text=_("Obligāts, ja kandidātam atsaka."),
    )
    decided_on = forms.DateField(label=_("Lēmuma datums"))
    date_of_birth = forms.DateField(
        label=_("Dzimšanas datums"),
        required=False,
        help_text=_("Uzņemot kandidātu ar jaunās formas personas kodu."),
    )


class CaseAssignmentForm(StyledFormMixin, forms.Form):
    social_worker: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Sociālais darbinieks"), queryset=None
    )
    start_date = forms.DateField(label=pgettext_lazy("period", "No"))

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        workers = get_user_model().objects.filter(
            role=Role.SOCIAL_WORKER, municipality_id=client.municipality_id, is_active=True
        )
        self.fields["social_worker"].queryset = workers.order_by(  # type: ignore[attr-defined]
            *latvian_order("last_name", "first_name", "username", text=USER_NAMES)
        )


class ConsentRowForm(ConsentForm):
    """A consent of the "all at once" page: it may be given by the representative entered on
    the same page (who has no record yet to choose)."""

    by_new_representative = forms.BooleanField(
        label=_("Deva šajā lapā ierakstītais pārstāvis"), required=False
    )


RELATION_ROWS = 3
CircleFormSet = forms.formset_factory(
    CircleMemberForm, extra=RELATION_ROWS, max_num=20, absolute_max=20
)
ConsentFormSet = forms.formset_factory(
    ConsentRowForm, extra=RELATION_ROWS, max_num=20, absolute_max=20
)


def filled_rows(formset: forms.BaseFormSet) -> list[tuple[int, dict[str, Any]]]:
    """The rows someone wrote in (after `is_valid()`), with their place on the page."""
    return [
        (index, dict(form.cleaned_data))
        for index, form in enumerate(formset.forms)
        if form.has_changed() and form.cleaned_data
    ]
