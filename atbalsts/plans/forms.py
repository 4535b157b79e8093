"""Forms for plans: shape and format only; the rules live in services. Every form that changes
a draft carries the revision it was read at in a hidden field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atbalsts.assessment.models import domains_for
from atbalsts.catalog.models import Provider, ProviderRegistration, ServiceType
from atbalsts.core.forms import DateInput, StyledFormMixin
from atbalsts.people.models import Representative, SupportCircleMember, TargetGroup

from .models import (
    DecisionDomain,
    FundingSource,
    Goal,
    GoalOutcome,
    GoalTerm,
    PlanVersion,
    QuantityBasis,
    SignMethod,
)

SELF_SIGNED = "self"  # the person signed the plan themself


def _revision() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    if isinstance(field, forms.ChoiceField):
        field.choices = choices


class PlanForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("Plāna sākums"), widget=DateInput())
    end = forms.DateField(label=_("Plāna beigas"), widget=DateInput())
    notes = forms.CharField(
        label=_("Piezīmes"), widget=forms.Textarea, required=False, max_length=5000
    )


class VersionForm(PlanForm):
    revision = _revision()


class GoalForm(StyledFormMixin, forms.Form):
    revision = _revision()
    term = forms.ChoiceField(label=_("Termiņš"), choices=GoalTerm.choices)
    domain = forms.ChoiceField(label=_("Dzīves joma"))
    decision_domain = forms.ChoiceField(
        label=_("Lēmumu pieņemšanas joma"),
        required=False,
        help_text=_("Ja mērķī palīdz atbalsta persona lēmumu pieņemšanā: kurā no sešām jomām."),
    )
    text = forms.CharField(label=_("Mērķis"), widget=forms.Textarea, max_length=2000)
    progress_measure = forms.CharField(
        label=_("Kā vērtēsim, vai mērķis sasniegts"),
        widget=forms.Textarea,
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target_group = version.plan.client.target_group
        _choices(self, "domain", [(d.value, d.label) for d in domains_for(target_group)])
        if target_group == TargetGroup.CHILD_FT:
            del self.fields["decision_domain"]
        else:
            _choices(self, "decision_domain", [("", "—"), *DecisionDomain.choices])


class LineForm(StyledFormMixin, forms.Form):
    revision = _revision()
    service_type = forms.ModelChoiceField(
        label=_("Pakalpojums"), queryset=ServiceType.objects.none()
    )
    provider = forms.ModelChoiceField(label=_("Sniedzējs"), queryset=Provider.objects.none())
    funding_source = forms.ChoiceField(
        label=_("Finansējuma avots"),
        choices=FundingSource.choices,
        help_text=_(
            "Valsts apmaksāto asistentu no individuālā budžeta apmaksāt nevar; pakalpojumu bez "
            "cenas — tikai tad, ja tam ir DI vienības izmaksas."
        ),
    )
    quantity = forms.CharField(
        label=_("Daudzums mēnesī"),
        max_length=12,
        help_text=_("Cik reizes (stundas, dienas, km…) mēnesī, piemēram, 8 vai 2,5."),
    )
    start = forms.DateField(label=pgettext_lazy("period", "No"), widget=DateInput())
    months = forms.IntegerField(label=_("Mēneši"), min_value=1, max_value=36)
    session_minutes = forms.IntegerField(
        label=_("Nodarbības ilgums (min)"),
        min_value=1,
        max_value=24 * 60,
        required=False,
        help_text=_("Tukšs — kā sniedzēja tarifā."),
    )
    goal = forms.ModelChoiceField(label=_("Mērķis"), queryset=Goal.objects.none(), required=False)
    priority = forms.IntegerField(label=_("Prioritāte"), min_value=1, max_value=99)
    recipient = forms.ModelChoiceField(
        label=_("Saņēmējs"),
        queryset=SupportCircleMember.objects.none(),
        required=False,
        empty_label=_("pats klients"),
        help_text=_("Piemēram, psihologs vecākiem: izvēlieties, kuram no atbalsta loka."),
    )
    decision_domain = forms.ChoiceField(label=_("Lēmumu pieņemšanas joma"), required=False)
    override_reason = forms.CharField(
        label=_("Izņēmuma pamatojums"),
        max_length=500,
        required=False,
        help_text=_("Tikai tad, ja sniedzējam nav derīgas reģistrācijas šim pakalpojumam."),
    )
    quantity_basis = forms.ChoiceField(
        label=_("Daudzums norādīts"),
        choices=QuantityBasis.choices,
        initial=QuantityBasis.MONTH,
        required=False,
        help_text=_("„visā periodā”: piemēram, 25 nodarbības gadā, izmantojot pēc vajadzības."),
    )
    agreed_unit_price = forms.CharField(
        label=_("Norunātā vienības cena (€)"),
        max_length=14,
        required=False,
        help_text=_(
            "Tikai tad, ja ar šo personu norunāta cita cena nekā tarifā. Cenu, kas augstāka par "
            "tarifu, apstiprina sociālā dienesta vadītājs."
        ),
    )
    agreed_price_reason = forms.CharField(
        label=_("Norunātās cenas pamatojums"),
        max_length=500,
        required=False,
        help_text=_("Piemēram, garāka nodarbība vai pašvaldības lēmums."),
    )

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        client = version.plan.client
        field = "for_child_ft" if client.target_group == TargetGroup.CHILD_FT else "for_adult_grt"
        self.fields["service_type"].queryset = ServiceType.objects.filter(  # type: ignore[attr-defined]
            retired_at__isnull=True, **{field: True}
        ).order_by("name_lv")
        self.fields["provider"].queryset = Provider.objects.filter(active=True).order_by("name")  # type: ignore[attr-defined]
        self._group_providers(client.municipality_id)
        self.fields["goal"].queryset = version.goals.all()  # type: ignore[attr-defined]
        self.fields["recipient"].queryset = client.circle_members.all()  # type: ignore[attr-defined]
        if client.target_group == TargetGroup.CHILD_FT:
            del self.fields["decision_domain"]
        else:
            _choices(self, "decision_domain", [("", "—"), *DecisionDomain.choices])

    def _group_providers(self, municipality_id: int) -> None:
        """The municipality's providers registered (today) for the chosen service come first;
        before a service is chosen, the municipality's providers; then all others."""
        chosen = self.data.get("service_type") if self.is_bound else None
        chosen = chosen or self.initial.get("service_type")
        service_id = getattr(chosen, "pk", chosen)
        today = timezone.localdate()
        field = self.fields["provider"]
        providers = list(field.queryset)  # type: ignore[attr-defined]
        registered = ProviderRegistration.objects.filter(
            provider__municipality_id=municipality_id, valid_from__lte=today
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        if service_id and str(service_id).isdigit():
            registered = registered.filter(service_types=int(service_id))
            first_label = _("Reģistrēti šim pakalpojumam pašvaldībā")
        else:
            first_label = _("Reģistrēti pašvaldībā")
        first_ids = set(registered.values_list("provider_id", flat=True))
        first = [(p.pk, str(p)) for p in providers if p.pk in first_ids]
        rest = [(p.pk, str(p)) for p in providers if p.pk not in first_ids]
        if first:
            field.choices = [  # type: ignore[attr-defined]
                ("", "---------"),
                (str(first_label), first),
                (str(_("Citi sniedzēji")), rest),
            ]

    def to_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        return data


class OverrunForm(StyledFormMixin, forms.Form):
    revision = _revision()
    allowance = forms.CharField(
        label=_("Atļautais pārsniegums katrā periodā (€)"),
        max_length=14,
        help_text=_("Ievadiet 0, lai atsauktu atļauju."),
    )
    reason = forms.CharField(
        label=_("Pamatojums"), widget=forms.Textarea, required=False, max_length=1000
    )


class AgreeForm(StyledFormMixin, forms.Form):
    """Who signed and when is always chosen by the user: no signer and no date is filled in
    for them (a default would record a signature nobody gave)."""

    revision = _revision()
    signed_on = forms.DateField(label=_("Parakstīšanas datums"), widget=DateInput())
    sign_method = forms.ChoiceField(label=_("Kā parakstīts"), choices=SignMethod.choices)
    signed_by_representative = forms.ChoiceField(label=_("Kas parakstīja"))

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.representatives = {
            str(rep.pk): rep for rep in version.plan.client.representatives.all()
        }
        _choices(
            self,
            "signed_by_representative",
            [
                ("", _("— izvēlieties —")),
                (SELF_SIGNED, _("pats klients")),
                *(
                    (pk, f"{rep} ({rep.get_kind_display()})")
                    for pk, rep in self.representatives.items()
                ),
            ],
        )

    def clean_signed_by_representative(self) -> Representative | None:
        """The representative who signed, or None when the person signed themself."""
        value = self.cleaned_data["signed_by_representative"]
        return None if value == SELF_SIGNED else self.representatives[value]


class ExtendForm(StyledFormMixin, forms.Form):
    end = forms.DateField(label=_("Jaunās beigas"), widget=DateInput())
    from_date = forms.DateField(
        label=_("Pārdalīt no"),
        widget=DateInput(),
        help_text=_("Plāna mēneša pirmā diena, no kuras atlikušo budžetu sadala vienmērīgi."),
    )


class CloseForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Slēgšanas iemesls"), max_length=500)


class ReviewForm(StyledFormMixin, forms.Form):
    """A plan review: the date, what changed in the person's life, and each goal's outcome
    (left empty: not judged at this review)."""

    reviewed_on = forms.DateField(label=_("Pārskatīšanas datums"), widget=DateInput())
    started_paid_work = forms.BooleanField(label=_("Sāka algotu darbu"), required=False)
    moved_to_live_on_own = forms.BooleanField(
        label=_("Sāka dzīvot patstāvīgi (ne institūcijā, ne ģimenē)"), required=False
    )
    widened_support_circle = forms.BooleanField(
        label=_("Paplašināja savu atbalsta loku"), required=False
    )
    note = forms.CharField(
        label=_("Piezīmes"), widget=forms.Textarea, required=False, max_length=5000
    )

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=_("Mērķis „%(text)s”") % {"text": goal.text[:120]},
                choices=[("", _("— nevērtē —")), *GoalOutcome.choices],
                required=False,
                initial=goal.outcome,
            )
            self.fields[f"goal_{goal.pk}_note"] = forms.CharField(
                label=_("Piezīme par mērķa rezultātu"),
                required=False,
                max_length=2000,
                initial=goal.outcome_note,
            )

    def review_data(self) -> dict[str, Any]:
        """Keyword arguments for `services.plan_review_record` (after `is_valid()`)."""
        data = self.cleaned_data
        return {
            "reviewed_on": data["reviewed_on"],
            "started_paid_work": data["started_paid_work"],
            "moved_to_live_on_own": data["moved_to_live_on_own"],
            "widened_support_circle": data["widened_support_circle"],
            "note": data["note"],
            "outcomes": {
                goal.pk: {"outcome": data[f"goal_{goal.pk}"], "note": data[f"goal_{goal.pk}_note"]}
                for goal in self.goals
                if data.get(f"goal_{goal.pk}")
            },
        }


class GoalPickForm(StyledFormMixin, forms.Form):
    """One of the assessment's dreams and goals, offered as a goal of the plan: ticked, it is
    added with the words (which may be edited), the life domain and the term chosen here."""

    take = forms.BooleanField(label=_("Pievienot plānam"), required=False)
    text = forms.CharField(label=_("Mērķis"), max_length=2000, required=False)
    domain = forms.ChoiceField(label=_("Dzīves joma"), required=False)
    term = forms.ChoiceField(
        label=_("Termiņš"), choices=[("", "—"), *GoalTerm.choices], required=False
    )

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target_group = version.plan.client.target_group
        _choices(
            self, "domain", [("", "—"), *((d.value, d.label) for d in domains_for(target_group))]
        )


class GoalPicksForm(StyledFormMixin, forms.Form):
    revision = _revision()


GoalPickFormSet = forms.formset_factory(GoalPickForm, extra=0, max_num=30, absolute_max=30)
