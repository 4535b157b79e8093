"""Loading the pilots into Balvi through the import bundle, once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from atbalsts.bundle.models import ImportRun, RunStatus
from atbalsts.bundle.services import Progress, bundle_checksum, bundle_import
from atbalsts.people.models import Municipality

from .generate import pilot_bundle
from .tables import MUNICIPALITY, SEED

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


@dataclass(frozen=True)
class Loaded:
    clients: int
    sessions: int
    invoices: int
    created: bool


def load(*, actor: Actor, seed: int = SEED, progress: Progress | None = None) -> Loaded:
    """Import the pilots' bundle into Balvi as `actor` (the head), who records the invoices'
    historic approvals (by the accountant, as the bundle names her) as history;
    `progress(done, total)` follows the import's rows. Once
    the same bundle is imported, loading again does nothing (and importing it again would
    change nothing either)."""
    municipality = Municipality.objects.get(code=MUNICIPALITY)
    files = pilot_bundle(seed)
    # The very same files imported before: nothing to do (not even a run to record).
    done = (
        ImportRun.objects.filter(
            municipality=municipality, checksum=bundle_checksum(files), status=RunStatus.DONE
        )
        .order_by("-id")
        .first()
    )
    counts = (
        done.counts
        if done is not None
        else bundle_import(
            actor=actor,
            municipality=municipality,
            files=files,
            progress=progress,
        ).counts
    )

    def count(sheet: str) -> int:
        return sum(counts.get(sheet, {}).values())

    created = done is None and any(c.get("created", 0) for c in counts.values())
    return Loaded(count("clients"), count("sessions"), count("invoices"), created)
