"""Forms for assessments, periods, overrides and rules: shape and format only; the rules live in
services. Each form turns its input into the plain data the services take."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Viewer
from atbalsts.core.forms import DateInput, StyledFormMixin
from atbalsts.core.money import parse_money
from atbalsts.people.models import Municipality, TargetGroup

from .models import INTENSITIES, NeedsAssessment, SpecialistRole, domains_for
from .policies import rule_policy
from .services import MAX_DOCUMENT_BYTES

INTENSITY_LABELS = {
    0: _("0 — atbalsts nav vajadzīgs"),
    1: _("1 — neliels atbalsts"),
    2: _("2 — vidējs atbalsts"),
    3: _("3 — liels atbalsts"),
    4: _("4 — ļoti liels atbalsts"),
}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def score_field_name(domain: str) -> str:
    return f"score_{domain}"


class AssessmentForm(StyledFormMixin, forms.Form):
    """The main part of an assessment; the child's team and services come in formsets."""

    assessed_on = forms.DateField(label=_("Izvērtēšanas datums"), widget=DateInput())
    own_goals = forms.CharField(
        label=_("Sapņi un mērķi"),
        help_text=_("Personas pašas vārdiem; katrs mērķis savā rindā."),
        widget=forms.Textarea,
        required=False,
        max_length=16000,
    )
    anamnesis = forms.CharField(
        label=_("Anamnēze"), widget=forms.Textarea, required=False, max_length=10000
    )
    family_description = forms.CharField(
        label=_("Ģimenes apraksts"), widget=forms.Textarea, required=False, max_length=5000
    )
    common_goals = forms.CharField(
        label=_("Kopīgie mērķi"),
        help_text=_("Speciālistu komandas un ģimenes mērķi; katrs savā rindā."),
        widget=forms.Textarea,
        required=False,
        max_length=16000,
    )

    def __init__(self, *args: Any, target_group: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        child = target_group == TargetGroup.CHILD_FT
        for name in (
            ("own_goals", "anamnesis", "family_description") if child else ("common_goals",)
        ):
            del self.fields[name]
        choices = [("", _("— nav novērtēts —"))] + [
            (str(i), INTENSITY_LABELS[i]) for i in INTENSITIES
        ]
        for domain in domains_for(target_group):
            self.fields[score_field_name(domain.value)] = forms.TypedChoiceField(
                label=str(domain.label).capitalize(),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
        self.domains = domains_for(target_group)

    @classmethod
    def initial_for(cls, assessment: NeedsAssessment) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "assessed_on": assessment.assessed_on,
            "own_goals": "\n".join(assessment.own_goals),
            "anamnesis": assessment.anamnesis,
            "family_description": assessment.family_description,
            "common_goals": "\n".join(assessment.common_goals),
        }
        for score in assessment.scores.all():
            initial[score_field_name(score.domain)] = score.intensity
        return initial

    def score_fields(self) -> list[forms.BoundField]:
        return [self[score_field_name(d.value)] for d in self.domains]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("score_")]

    def to_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        result: dict[str, Any] = {"assessed_on": data["assessed_on"]}
        for name in ("own_goals", "common_goals"):
            if name in self.fields:
                result[name] = _lines(data[name])
        for name in ("anamnesis", "family_description"):
            if name in self.fields:
                result[name] = data[name]
        result["scores"] = {
            d.value: data[score_field_name(d.value)]
            for d in self.domains
            if data.get(score_field_name(d.value)) is not None
        }
        return result


class ConclusionForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(
        label=_("Speciālists"), choices=[("", "—"), *SpecialistRole.choices], required=False
    )
    text = forms.CharField(
        label=_("Atzinums"), widget=forms.Textarea, required=False, max_length=10000
    )
    document = forms.FileField(
        label=_("Dokuments"),
        required=False,
        help_text=_("PDF, JPEG, PNG vai DOCX, ne lielāks par 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx"}),
    )
    clear_document = forms.BooleanField(label=_("Dzēst pievienoto dokumentu"), required=False)

    def clean_document(self) -> Any:
        upload = self.cleaned_data.get("document")
        # Refuse a huge upload early; the service checks type and content.
        if upload and upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("Dokuments nedrīkst būt lielāks par 10 MB."))
        return upload

    def is_blank(self) -> bool:
        """A row whose text is empty is skipped: the specialist gave no conclusion."""
        data = self.cleaned_data
        return not data.get("text") and not data.get("document")


class RecommendedServiceForm(StyledFormMixin, forms.Form):
    priority = forms.IntegerField(label=_("Prioritāte"), min_value=1, max_value=99, required=False)
    service_name = forms.CharField(label=_("Pakalpojums"), max_length=200, required=False)
    intensity = forms.CharField(
        label=_("Intensitāte"),
        max_length=200,
        required=False,
        help_text=_("Piemēram: 2 reizes nedēļā pa 45 minūtēm"),
    )
    parents_rank = forms.IntegerField(
        label=_("Vecāku vērtējums"), min_value=1, max_value=99, required=False
    )

    def is_blank(self) -> bool:
        """A row without a service and intensity is skipped, whatever its suggested number."""
        data = self.cleaned_data
        return not data.get("service_name") and not data.get("intensity")


ConclusionFormSet = forms.formset_factory(ConclusionForm, extra=0, max_num=6, absolute_max=6)
RecommendedFormSet = forms.formset_factory(
    RecommendedServiceForm, extra=0, max_num=50, absolute_max=50
)


class BudgetPeriodForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("Sākums"), widget=DateInput())
    months = forms.IntegerField(
        label=_("Mēneši"),
        min_value=1,
        max_value=36,
        help_text=_("Piemēram: 6 bērnam, 12 vai 15 pilngadīgai personai."),
    )


class OverrideForm(StyledFormMixin, forms.Form):
    monthly_amount = forms.CharField(
        label=_("Ierosinātā summa mēnesī, €"), max_length=20, help_text=_("Piemēram: 450,00")
    )
    reason = forms.CharField(
        label=_("Pamatojums"),
        widget=forms.Textarea,
        max_length=2000,
        help_text=_("Kāpēc aprēķinātā summa neatbilst personas vajadzībām."),
    )

    def clean_monthly_amount(self) -> Decimal:
        try:
            return parse_money(self.cleaned_data["monthly_amount"])
        except ValueError as exc:
            raise forms.ValidationError(
                _("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata.")
            ) from exc


class OverrideDecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Lēmums"),
        choices=[("approve", _("apstiprināt")), ("reject", _("noraidīt"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Piezīme"), max_length=500, required=False)


class RuleForm(StyledFormMixin, forms.Form):
    """A rule without JSON: one row of five point fields per domain; bands in a formset."""

    municipality = forms.ModelChoiceField(
        label=_("Pašvaldība"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("— valsts noklusējums —"),
    )
    name = forms.CharField(label=_("Nosaukums"), max_length=200)
    valid_from = forms.DateField(label=_("Spēkā no"), widget=DateInput())
    valid_to = forms.DateField(label=_("Spēkā līdz"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, target_group: str, user: Viewer, creating: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not (creating and rule_policy.chooses_rule_scope(user)):
            del self.fields["municipality"]
        self.domains = domains_for(target_group)
        for domain in self.domains:
            for intensity in INTENSITIES:
                self.fields[f"p_{domain.value}_{intensity}"] = forms.IntegerField(
                    label=f"{domain.label} · {intensity}", min_value=0, max_value=1000
                )

    def point_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "label": str(d.label).capitalize(),
                "domain": d.value,
                "fields": [self[f"p_{d.value}_{i}"] for i in INTENSITIES],
            }
            for d in self.domains
        ]

    def plain_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("p_")]

    @staticmethod
    def initial_points(points: dict[str, list[int]]) -> dict[str, int]:
        return {
            f"p_{domain}_{i}": value
            for domain, row in points.items()
            for i, value in enumerate(row)
        }

    def to_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "valid_from": data["valid_from"],
            "valid_to": data.get("valid_to"),
            "points": {
                d.value: [data[f"p_{d.value}_{i}"] for i in INTENSITIES] for d in self.domains
            },
        }


class BandForm(StyledFormMixin, forms.Form):
    min_points = forms.IntegerField(label=_("No punktiem"), min_value=0, required=False)
    code = forms.CharField(label=_("Grupa"), max_length=20, required=False)
    monthly_amount = forms.CharField(label=_("Eiro mēnesī"), max_length=20, required=False)

    def clean_monthly_amount(self) -> Decimal | None:
        raw = self.cleaned_data.get("monthly_amount") or ""
        if not raw.strip():
            return None
        try:
            return parse_money(raw)
        except ValueError as exc:
            raise forms.ValidationError(
                _("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata.")
            ) from exc

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return (
            data.get("min_points") is None
            and not data.get("code")
            and not data.get("monthly_amount")
        )


BandFormSet = forms.formset_factory(BandForm, extra=2, max_num=20, absolute_max=20)
