"""What the social worker sees beside each provider when choosing one for a plan line: the
free places the provider entered for the chosen service and the complaints about its quality
(`catalog.selectors.provider_choice_notes`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from atbalsts.catalog.selectors import ProviderChoiceNote, provider_choice_notes
from atbalsts.core.validation import id_or_none

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


def _note(note: ProviderChoiceNote) -> str:
    parts = []
    if note.free_places is not None:
        parts.append(_("brīvas vietas: %(n)s") % {"n": note.free_places})
    if note.complaints:
        parts.append(
            _("sūdzības: %(all)s, neatrisinātas %(open)s")
            % {"all": note.complaints, "open": note.open_complaints}
        )
    return f" ({'; '.join(parts)})" if parts else ""


def annotate_provider_choices(form: Any, *, user: Viewer) -> None:
    """Add each provider's free places and complaints to its label in the line form."""
    field = form.fields.get("provider")
    if field is None:
        return
    choices = list(field.choices)
    ids = [
        pk
        for group in choices
        for value, _label in (group[1] if isinstance(group[1], list | tuple) else [group])
        if (pk := id_or_none(value)) is not None
    ]
    chosen = form.data.get("service_type") if form.is_bound else None
    chosen = chosen or form.initial.get("service_type")
    service_id = getattr(chosen, "pk", chosen)
    notes = provider_choice_notes(
        user=user,
        provider_ids=ids,
        service_type_id=id_or_none(service_id),
    )

    def label(value: Any, text: Any) -> tuple[Any, str]:
        pk = id_or_none(value)
        note = notes.get(pk) if pk is not None else None
        return value, f"{text}{_note(note)}" if note else str(text)

    field.choices = [
        (group[0], [label(v, t) for v, t in group[1]])
        if isinstance(group[1], list | tuple)
        else label(*group)
        for group in choices
    ]
