"""The parameters of a report, checked in one place for the page, the API and the command."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from atbalsts.assessment.dates import add_months
from atbalsts.core.collation import latvian
from atbalsts.core.forms import DateInput
from atbalsts.people.models import Municipality, TargetGroup

ALL = "all"
MAX_PERIOD_YEARS = 10
GROUP_ALIASES = {"child": TargetGroup.CHILD_FT.value, "adult": TargetGroup.ADULT_GRT.value}


class MunicipalitiesField(forms.ModelMultipleChoiceField):
    """Municipalities by code; nothing, or `all`, means every municipality the user may see."""

    def clean(self, value: Any) -> QuerySet[Municipality]:
        codes = [v for v in (value or []) if v and v != ALL]
        return super().clean(codes) if codes else Municipality.objects.none()


class TargetGroupField(forms.ChoiceField):
    """A target group; `child` and `adult` are short for `child_ft` and `adult_grt`."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value).strip()
        return GROUP_ALIASES.get(text, text)


class PilotReportForm(forms.Form):
    municipality = MunicipalitiesField(
        label=_("Pašvaldības"),
        queryset=Municipality.objects.order_by(latvian("name")),
        to_field_name="code",
        required=False,
        help_text=_("Neatzīmējot nevienu, pārskats aptver visas pašvaldības (visu valsti)."),
        error_messages={"invalid_choice": _("Nezināma pašvaldība: %(value)s.")},
    )
    group = TargetGroupField(
        label=_("Mērķa grupa"),
        choices=TargetGroup.choices,
        error_messages={
            "invalid_choice": _("Nezināma mērķa grupa: %(value)s. Atļautās: adult_grt, child_ft.")
        },
    )
    date_from = forms.DateField(label=_("Perioda sākums"), widget=DateInput())
    date_to = forms.DateField(label=_("Perioda beigas"), widget=DateInput())

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(_iso_dates(data, ("date_from", "date_to")), *args, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = _(
                "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", _("Perioda beigas nevar būt pirms tā sākuma."))
            elif end >= add_months(start, MAX_PERIOD_YEARS * 12):
                self.add_error(
                    "date_to",
                    _("Pārskata periods nevar būt garāks par %(years)s gadiem.")
                    % {"years": MAX_PERIOD_YEARS},
                )
        return data

    def report_params(self) -> dict[str, Any]:
        """Keyword arguments for `selectors.pilot_report` (after `is_valid()`)."""
        data = self.cleaned_data
        return {
            "municipalities": list(data["municipality"].order_by(latvian("name"))) or None,
            "target_group": data["group"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }


class ResearchExtractForm(PilotReportForm):
    """The extract's scope: as the pilot report, but the target group may be left out (both)."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        self.fields["group"].required = False
        choices = [("", _("visas")), *TargetGroup.choices]
        self.fields["group"].choices = choices  # type: ignore[attr-defined]

    def report_params(self) -> dict[str, Any]:
        params = super().report_params()
        params["target_group"] = params["target_group"] or None
        return params


def _iso_dates(data: Any, names: tuple[str, ...]) -> Any:
    """The data with dates typed as 22.11.2026 rewritten as 2026-11-22, so that the browser's
    date picker shows them again when the form comes back with an error."""
    if data is None:
        return None
    data = data.copy()
    for name in names:
        with suppress(forms.ValidationError):
            data[name] = forms.DateField().clean(data.get(name)).isoformat()
    return data


class CaseloadForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Pašvaldība"),
        queryset=Municipality.objects.order_by(latvian("name")),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": _("Nezināma pašvaldība.")},
    )
    date = forms.DateField(label=_("Datums"), required=False, widget=DateInput())

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(_iso_dates(data, ("date",)), *args, **kwargs)
        self.fields["date"].error_messages["invalid"] = _(
            "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD."
        )


def field_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}
