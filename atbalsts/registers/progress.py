"""Register and address extracts as background jobs: a national file (the Enterprise
Register's ~450 000 entries, the address register's ~1 million addresses) does not fit in a web
request. The page stores the file and queues the job; the worker streams it through the
import service as the user who started it. Both the start and the work ask the policy.
Operators load national files from disk with `manage.py register_import` and
`manage.py addresses_import`."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from atbalsts.addresses.policies import address_policy
from atbalsts.addresses.services import addresses_import
from atbalsts.core.errors import DomainError, NotPermitted, ValidationFailed
from atbalsts.core.extracts import ExtractRejected
from atbalsts.core.policies import Action
from atbalsts.jobs.models import Job
from atbalsts.jobs.services import JobFailed, JobProgress, job_create
from atbalsts.jobs.tasks import ADDRESSES_IMPORT, REGISTERS_IMPORT
from atbalsts.jobs.uploads import uploads_read, uploads_save

from .policies import register_policy
from .services import register_import

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

ADDRESSES = "addresses"  # the upload form's choice for the address register
MAX_BYTES = 400 << 20  # the address register's national AW_EKA.CSV is about 200 MB
REJECTED = _("Izraksts netika ielādēts: nekas netika saglabāts. Kļūdas ir norādītas zemāk.")


def extract_start(*, actor: Actor, source: str, name: str, content: bytes) -> Job:
    """Store the file and queue its import; the same permission as the import itself."""
    policy_ok = (
        address_policy.can(actor, Action.CREATE)
        if source == ADDRESSES
        else register_policy.can(actor, Action.CREATE)
    )
    if not policy_ok:
        raise NotPermitted()
    if not content:
        raise ValidationFailed({"file": [_("Fails ir tukšs.")]})
    if len(content) > MAX_BYTES:
        raise ValidationFailed(
            {"file": [_("Fails ir lielāks par %(mb)s MB.") % {"mb": MAX_BYTES >> 20}]}
        )
    params: dict[str, Any] = {**uploads_save([(name, content)]), "source": source}
    return job_create(
        actor=actor,
        kind=ADDRESSES_IMPORT if source == ADDRESSES else REGISTERS_IMPORT,
        title=name,
        params=params,
        municipality=getattr(actor, "municipality", None),
    )


def _actor(job: Job) -> Any:
    return get_user_model().objects.filter(is_active=True, pk=job.actor_id or 0).first()


def _failed(exc: DomainError, name: str) -> JobFailed:
    if isinstance(exc, ExtractRejected):
        rows = [{"sheet": name, "row": n, "field": "", "message": m} for n, m in exc.rows]
        return JobFailed(str(REJECTED), rows)
    errors = [
        {"sheet": name, "row": 0, "field": column, "message": str(message)}
        for column, messages in exc.field_errors.items()
        for message in messages
    ]
    return JobFailed(str(exc.message), errors)


def register_work(job: Job, progress: JobProgress) -> dict[str, Any]:
    actor = _actor(job)
    if actor is None or not register_policy.can(actor, Action.CREATE):
        raise JobFailed(str(NotPermitted.default_message))
    ((name, content),) = uploads_read(job.params)
    progress.phase("checking")
    try:
        record = register_import(
            actor=actor,
            source=str(job.params.get("source", "")),
            name=name,
            file=io.BytesIO(content),
            expected_rows=len(content) // 150,
            progress=progress,
        )
    except DomainError as exc:
        raise _failed(exc, name) from exc
    return {"import": record.pk, "rows": record.rows, "entries": record.entries}


def addresses_work(job: Job, progress: JobProgress) -> dict[str, Any]:
    actor = _actor(job)
    if actor is None or not address_policy.can(actor, Action.CREATE):
        raise JobFailed(str(NotPermitted.default_message))
    ((name, content),) = uploads_read(job.params)
    progress.phase("writing")
    try:
        return addresses_import(
            actor=actor,
            name=name,
            source=io.BytesIO(content),
            expected_rows=len(content) // 200,
            progress=progress,
        )
    except DomainError as exc:
        raise _failed(exc, name) from exc
