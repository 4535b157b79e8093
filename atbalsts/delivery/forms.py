"""Forms of the delivery pages: they check shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atbalsts.core.forms import StyledFormMixin
from atbalsts.plans.models import GuaranteeLetter

from . import selectors
from .models import SessionMode, SessionStatus, Signer
from .session_fields import FieldNeeds


class SessionForm(StyledFormMixin, forms.Form):
    line_key = forms.ChoiceField(label=_("Pakalpojums (vēstules rinda)"))
    date = forms.DateField(label=_("Datums"))
    start_time = forms.TimeField(
        label=_("Sākuma laiks"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.CharField(
        label=_("Ilgums (min)"),
        required=False,
        help_text=_("Tukšs — kā garantijas vēstulē."),
    )
    status = forms.ChoiceField(label=_("Statuss"), choices=SessionStatus.choices)
    mode = forms.ChoiceField(label=_("Veids"), choices=SessionMode.choices)
    recipient = forms.ChoiceField(label=_("Saņēmējs"), required=False)
    signed_by = forms.ChoiceField(
        label=_("Parakstīja"),
        choices=[("", "—"), *Signer.choices],
        required=False,
        help_text=_(
            "Izvēlieties, kas parakstīja. Ja persona neieradās vai nodarbība atcelta — atstājiet "
            "tukšu. Attālinātu nodarbību apstiprina pati persona (vai pārstāvis); ja tā to "
            "nevar, parakstās sociālais darbinieks ar piezīmi."
        ),
    )
    signer_note = forms.CharField(
        label=_("Piezīme par parakstu"),
        required=False,
        max_length=1000,
        help_text=_(
            "Ja parakstās sociālais darbinieks: ka sazinājās ar personu un pārliecinājās, ka "
            "nodarbība notika."
        ),
    )
    km = forms.CharField(label=_("Kilometri"), required=False)
    ticket_amount = forms.CharField(label=_("Biļetes summa (€)"), required=False)
    evidence_protocol = forms.CharField(
        label=_("Attālinātās nodarbības protokols"), required=False, widget=forms.Textarea
    )
    evidence_file = forms.FileField(
        label=_("Ekrānuzņēmums (PNG, JPEG vai PDF, līdz 5 MB)"), required=False
    )
    no_evidence_reason = forms.CharField(
        label=_("Kāpēc pierādījumu nav (aizpilda sociālais darbinieks)"),
        required=False,
        max_length=1000,
    )
    duration_difference_reason = forms.CharField(
        label=_("Kāpēc ilgums atšķiras no vēstules"), required=False, max_length=1000
    )
    goal_keys = forms.MultipleChoiceField(
        label=_("Plāna mērķi, pie kuriem strādāja"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    goals_worked_on = forms.CharField(
        label=_("Mērķi, pie kuriem strādāja"), required=False, widget=forms.Textarea
    )
    techniques = forms.CharField(
        label=_("Izmantotās metodes"), required=False, widget=forms.Textarea
    )
    conclusion = forms.CharField(
        label=_("Speciālista atzinums"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Sociālajam dienestam redzams tikai ar personas piekrišanu."),
    )

    def __init__(
        self,
        *args: Any,
        letter: GuaranteeLetter,
        social_service: bool,
        editing: bool = False,
        needs: FieldNeeds | None = None,
        refresh_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.withheld: list[str] = []
        self.fields["line_key"].choices = [  # type: ignore[attr-defined]
            (line["key"], f"{n}. {line['service']}") for n, line in enumerate(letter.lines, start=1)
        ]
        recipients: list[tuple[str, str]] = [("", str(_("pats klients")))]
        for line in letter.lines:
            plan_line = selectors.plan_line_of(letter, line["key"])
            if plan_line is not None and plan_line.recipient_id:
                recipients.append((str(plan_line.recipient_id), str(plan_line.recipient)))
        self.fields["recipient"].choices = list(dict(recipients).items())  # type: ignore[attr-defined]
        if not social_service:
            del self.fields["no_evidence_reason"]
        if editing:
            self.fields["line_key"].disabled = True
        elif refresh_url:
            # choosing another line shows that line's fields (the whole form comes back)
            self.fields["line_key"].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-trigger": "change",
                    "hx-target": "#session-form",
                    "hx-select": "#session-form",
                    "hx-swap": "outerHTML",
                }
            )
        if needs is not None:
            self._fit(needs)

    def _fit(self, needs: FieldNeeds) -> None:
        """Keep only the fields the line needs; the others are withheld, not dropped."""
        drop = []
        if not needs.km:
            drop.append("km")
        if not needs.ticket:
            drop.append("ticket_amount")
        if not needs.duration:
            drop += ["duration_minutes", "duration_difference_reason"]
        if not needs.remote:
            drop += ["mode", "evidence_protocol", "evidence_file", "no_evidence_reason"]
        if needs.line_key is not None and not needs.recipient_field:
            drop.append("recipient")
        elif needs.recipient is not None:
            self.fields["recipient"].choices = [  # type: ignore[attr-defined]
                ("", str(_("pats klients"))),
                needs.recipient,
            ]
        if not needs.free_goals:
            drop.append("goals_worked_on")
        if needs.goals:
            self.fields["goal_keys"].choices = list(needs.goals)  # type: ignore[attr-defined]
        else:
            drop.append("goal_keys")
        self.fields["signed_by"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((value, label) for value, label in Signer.choices if value in needs.signers),
        ]
        for name in drop:
            if self.fields.pop(name, None) is not None:
                self.withheld.append(name)

    def _withheld_values(self) -> dict[str, Any]:
        """What was sent for a field the form does not show: the service's rules refuse it
        (a form from before, a hand-made request), nothing is dropped silently."""
        found: dict[str, Any] = {}
        for name in self.withheld:
            if name == "evidence_file":
                upload = self.files.get(name) if self.files else None
                if upload:
                    found[name] = upload
            elif name == "goal_keys":
                keys = self.data.getlist(name) if hasattr(self.data, "getlist") else []
                if keys:
                    found[name] = keys
            elif str(self.data.get(name, "")).strip():
                found[name] = self.data[name]
        return found

    def service_data(self) -> dict[str, Any]:
        data = {**dict(self.cleaned_data), **self._withheld_values()}
        if not data.get("evidence_file"):
            data.pop("evidence_file", None)
        data["recipient"] = data.get("recipient") or None
        if self.fields["line_key"].disabled:
            data.pop("line_key", None)
        return data


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Pamatojums"), max_length=1000, widget=forms.Textarea)


class NoShowRuleForm(StyledFormMixin, forms.Form):
    share_percent = forms.CharField(
        label=_("Apmaksājamā daļa (%)"),
        help_text=_(
            "Cik procentu no nodarbības cenas sniedzējs saņem, ja persona neierodas bez "
            "brīdinājuma."
        ),
    )
    valid_from = forms.DateField(label=_("Spēkā no"))


class EmergencyForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=pgettext_lazy("period", "No"))
    end = forms.DateField(
        label=pgettext_lazy("period", "Līdz"),
        required=False,
        help_text=_("Tukšs — līdz atsaukšanai."),
    )
    reason = forms.CharField(label=_("Pamatojums"), max_length=500)


class EmergencyEndForm(StyledFormMixin, forms.Form):
    end = forms.DateField(label=_("Beidzas"))


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Fails (CSV vai XLSX)"))


class GroupSessionForm(StyledFormMixin, forms.Form):
    """What a group session's people share; each person's attendance is on their own row."""

    service = forms.TypedChoiceField(label=_("Pakalpojums"), coerce=int, empty_value=None)
    date = forms.DateField(label=_("Datums"))
    start_time = forms.TimeField(
        label=_("Sākuma laiks"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.CharField(
        label=_("Ilgums (min)"),
        required=False,
        help_text=_("Tukšs — kā katras personas garantijas vēstulē."),
    )
    techniques = forms.CharField(
        label=_("Izmantotās metodes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, services: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((s.pk, s.name_lv) for s in services),
        ]

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in ("date", "start_time", "techniques")}
        data["duration_minutes"] = self.cleaned_data["duration_minutes"] or None
        return data
