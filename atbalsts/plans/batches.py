"""All guarantee letters a municipality issued in a month, in one PDF, as a background job.
The page says how many letters the month has before the user starts it; the worker renders
each letter's own PDF (plans/documents.py: the same as a single download), reports letters
done of all, and leaves the combined PDF for the user who started it (jobs.outputs,
downloaded from "Mani fona darbi"). The municipality is asked of
`plan_policy.letters_batch_municipality` when queuing and again in the worker."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from atbalsts.core.dates import iso_month, month_end, month_start, my
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.jobs.models import Job
from atbalsts.jobs.outputs import output_write
from atbalsts.jobs.services import JobFailed, JobProgress, job_create
from atbalsts.jobs.tasks import LETTERS_BATCH

from .documents import letter_pdf
from .models import GuaranteeLetter
from .policies import plan_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor, Viewer

KIND = LETTERS_BATCH
RENDERING = "rendering"


def month_letters(user: Viewer, municipality_id: int, month: dt.date) -> QuerySet[GuaranteeLetter]:
    """The letters the municipality issued in the month (replaced ones too: each carries its
    stamp), in number order, as far as the user may see them."""
    first = month_start(month)
    letters = GuaranteeLetter.objects.filter(
        municipality_id=municipality_id,
        issued_at__date__gte=first,
        issued_at__date__lte=month_end(first),
    )
    return plan_policy.visible_letters(user, letters).order_by("year", "sequence", "id")


def letters_preview(*, user: Viewer, month: dt.date) -> int:
    municipality_id = plan_policy.letters_batch_municipality(user)
    if municipality_id is None:
        raise NotPermitted()
    return month_letters(user, municipality_id, month).count()


def letters_start(*, actor: Actor, month: dt.date) -> Job:
    """Queue the month's letters as one PDF; refused when the month has none."""
    municipality_id = plan_policy.letters_batch_municipality(actor)
    if municipality_id is None:
        raise NotPermitted()
    first = month_start(month)
    if not month_letters(actor, municipality_id, first).exists():
        raise ValidationFailed({"month": [_("Šajā mēnesī nav izsniegtu garantijas vēstuļu.")]})
    return job_create(
        actor=actor,
        kind=KIND,
        title=_("Garantijas vēstules, %(month)s") % {"month": my(first)},
        params={"month": iso_month(first), "municipality_id": municipality_id},
        municipality=getattr(actor, "municipality", None),
    )


def letters_work(job: Job, progress: JobProgress) -> dict[str, Any]:
    from pypdf import PdfWriter

    actor = get_user_model().objects.filter(is_active=True, pk=job.actor_id or 0).first()
    municipality_id = plan_policy.letters_batch_municipality(actor) if actor else None
    if (
        actor is None
        or municipality_id is None
        or municipality_id != job.params.get("municipality_id")
    ):
        raise JobFailed(str(NotPermitted.default_message))
    month = dt.date.fromisoformat(f"{job.params['month']}-01")
    letters = month_letters(actor, municipality_id, month).select_related(
        "provider", "municipality", "replaced_by"
    )
    total = letters.count()
    if not total:
        raise JobFailed(_("Šajā mēnesī nav izsniegtu garantijas vēstuļu."))
    progress.phase(RENDERING)
    progress(0, total)
    writer = PdfWriter()
    for done, letter in enumerate(letters.iterator(chunk_size=200), start=1):
        writer.append(io.BytesIO(letter_pdf(letter)))
        progress(done, total)
    out = io.BytesIO()
    writer.write(out)
    output_write(job, f"garantijas-vestules-{iso_month(month)}.pdf", out.getvalue())
    return {"documents": total, "month": iso_month(month)}
