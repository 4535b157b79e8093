"""The plan's documents: the guarantee letter, the easy-to-read summary and the full plan to
sign, as data for pages and as PDFs rendered with the bundled font."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import ngettext

from atbalsts.core.pdf import render_pdf
from atbalsts.core.plurals import plural_count
from atbalsts.core.templatetags.atbalsts import number
from atbalsts.people.models import TargetGroup

from .models import GuaranteeLetter, PlanVersion
from .plain import how_often, plain_provider, plain_service
from .selectors import (
    plan_budget_total,
    social_worker_of,
    version_budget_fit,
    version_lines,
    version_totals_by_source,
)
from .selectors.contracts import letter_contract_state
from .selectors.pauses import letter_pauses


def letter_context(letter: GuaranteeLetter) -> dict[str, Any]:
    lines = []
    pauses = letter_pauses(letter)  # a hospital stay, a holiday (issue 16)
    for row in letter.lines:
        lines.append(
            {
                **row,
                "pauses": pauses.get(row["key"], []),
                "start": dt.date.fromisoformat(row["start"]),
                "end": dt.date.fromisoformat(row["end"]),
                "quantity": Decimal(row["quantity"]),
                "unit_price": Decimal(row["unit_price"]) if row["unit_price"] else None,
                "total": Decimal(row["total"]),
            }
        )
    identity = dict(letter.client_identity)
    if identity.get("date_of_birth"):
        identity["date_of_birth"] = dt.date.fromisoformat(identity["date_of_birth"])
    return {
        "letter": letter,
        "lines": lines,
        "identity": identity,
        "contact": _contact(letter),
        "municipality": letter.municipality,
        "replaces": letter.replaces.order_by("issued_at").first(),
        "show_registration_number": letter.provider.kind == "legal",
        "contract_state": letter_contract_state(letter, timezone.localdate()),
    }


def _contact(letter: GuaranteeLetter) -> dict[str, str]:
    """The social worker's contact as stored when the letter was issued; a phone or e-mail
    missing there is taken from the same social worker's account ("Mans konts") if they hold
    the case now (or issued the letter), so the provider always knows whom to call."""
    contact = {key: str(value or "") for key, value in letter.social_worker_contact.items()}
    if contact.get("phone") and contact.get("email"):
        return contact
    holder = social_worker_of(letter.version.plan.client, timezone.localdate())
    for worker in (holder, letter.issued_by):
        if worker is not None and (worker.get_full_name() or worker.username) == contact.get(
            "name"
        ):
            contact["phone"] = contact.get("phone") or worker.phone
            contact["email"] = contact.get("email") or worker.email
            break
    return contact


def letter_pdf(letter: GuaranteeLetter) -> bytes:
    return render_pdf("plans/letter_pdf.html", letter_context(letter))


def letter_pdf_response(letter: GuaranteeLetter) -> HttpResponse:
    """The letter's PDF as a download named by its number (a page and the API give the same)."""
    response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.number}.pdf"'
    return response


def _minutes(minutes: int) -> str:
    return ngettext(
        "katra reize %(n)s minūti", "katra reize %(n)s minūtes", plural_count(minutes)
    ) % {"n": minutes}


def summary_context(version: PlanVersion, *, spent: Decimal | None = None) -> dict[str, Any]:
    """The plan in plain words on one page: my goals, who helps me, how often and until when,
    and my budget with what has actually been paid from it (`spent`: approved invoices, which
    the caller reads from billing; None where it is not known)."""
    client = version.plan.client
    helpers = []
    for line in version_lines(version):
        helpers.append(
            {
                "service": plain_service(line.service_type.name_lv),
                "provider": plain_provider(line.provider.name),
                "for_whom": str(line.recipient) if line.recipient else "",
                "start": line.start,
                "end": line.end,
                "how_often": how_often(
                    line.quantity,
                    line.service_type.unit,
                    number(line.quantity),
                    per_period=line.per_period,
                ),
                "minutes": _minutes(line.session_minutes) if line.session_minutes else "",
            }
        )
    budget = plan_budget_total(version)
    return {
        "version": version,
        "client": client,
        "child": client.target_group == TargetGroup.CHILD_FT,
        "goals": list(version.goals.all()),
        "helpers": helpers,
        "budget": budget,
        "spent": spent,
        "left": budget - spent if spent is not None else None,
    }


def summary_pdf(version: PlanVersion, *, spent: Decimal | None = None) -> bytes:
    return render_pdf("plans/summary_pdf.html", summary_context(version, spent=spent))


# --- the full plan, to sign on paper ---------------------------------------------------------


def plan_context(version: PlanVersion) -> dict[str, Any]:
    """The whole plan as the person (or their representative) and the social worker sign it.

    The signature lines stay blank, names and dates too: who signs and when is written by
    hand, never filled in for them."""
    client = version.plan.client
    goals = list(version.goals.all())
    numbers = {goal.pk: n for n, goal in enumerate(goals, start=1)}
    today = timezone.localdate()
    return {
        "version": version,
        "client": client,
        "municipality": client.municipality,
        "representatives": [
            rep
            for rep in client.representatives.all()
            if rep.is_valid_on(max(version.start, min(today, version.end)))
        ],
        "worker": social_worker_of(client, min(today, version.end)),
        "goals": goals,
        "lines": [
            {"line": line, "goal_number": numbers.get(line.goal_id or 0)}
            for line in version_lines(version)
        ],
        "totals": version_totals_by_source(version),
        "fits": version_budget_fit(version),
    }


def plan_pdf(version: PlanVersion) -> bytes:
    return render_pdf("plans/plan_pdf.html", plan_context(version))
