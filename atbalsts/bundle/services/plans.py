"""The plan sheets: a plan with its goals and lines, then its agreement (letters) and activation."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError
from atbalsts.core.money import format_money
from atbalsts.people.models import Client, Representative
from atbalsts.plans import services as plan_services
from atbalsts.plans.models import PlanVersion

from ..errors import RowError
from ..format import PlanState
from ..models import ImportedKey
from .rows import Context, Row, RowFailed, checksum, row_data, service_errors


def plan(ctx: Context, row: Row, goals: list[Row], lines: list[Row]) -> list[RowError]:
    code, ref = row.values["client_personal_code"], row.values["plan_ref"]
    key = f"{code}|{ref}"
    digest = checksum([r.values for r in (row, *goals, *lines)])
    known = ImportedKey.objects.filter(
        municipality=ctx.municipality, sheet="plans", key=key
    ).first()
    if known is not None:
        if known.checksum != digest:
            return [
                RowError(
                    "plans",
                    row.number,
                    "plan_ref",
                    str(
                        _(
                            "Plāns „%(ref)s” jau ir importēts ar citiem datiem (plānā, tā "
                            "mērķos vai rindās); importētu plānu maina sistēmā, veidojot "
                            "jaunu versiju."
                        )
                        % {"ref": ref}
                    ),
                )
            ]
        ctx.report.count("plans", "unchanged")
        ctx.report.count("goals", "unchanged", len(goals))
        ctx.report.count("plan_lines", "unchanged", len(lines))
        return []
    client = ctx.client_of(code)
    ctx.letters.clear()
    problems: list[RowError] = []
    try:
        version = plan_services.plan_create(
            actor=ctx.actor,
            client=client,
            start=row.values["start"],
            end=row.values["end"],
            notes=row.values.get("notes", ""),
        )
    except DomainError as exc:
        return service_errors(row, exc, {"__all__": "plan_ref"})
    ctx.report.count("plans", "created")
    goal_ids: dict[str, int] = {}
    for goal in goals:
        try:
            with transaction.atomic():
                version.refresh_from_db()
                data = row_data(
                    goal, ("term", "domain", "decision_domain", "text", "progress_measure")
                )
                created = plan_services.goal_add(
                    actor=ctx.actor, version=version, revision=version.revision, data=data
                )
            goal_ids[goal.values["goal_ref"]] = created.pk
            ctx.report.count("goals", "created")
        except DomainError as exc:
            problems += service_errors(goal, exc, {})
    state = row.values.get("status") or PlanState.DRAFT
    for line in lines:
        problems += _line(ctx, version, line, goal_ids, state)
    if not problems and state in (PlanState.AGREED, PlanState.ACTIVE):
        problems += _agree(ctx, version, row, client, activate=state == PlanState.ACTIVE)
    if not problems:
        ImportedKey.objects.create(
            municipality=ctx.municipality,
            sheet="plans",
            key=key,
            object_id=version.plan_id,
            checksum=digest,
        )
    return problems


def _line(
    ctx: Context, version: PlanVersion, line: Row, goal_ids: dict[str, int], state: str
) -> list[RowError]:
    values = line.values
    provider = ctx.provider_of(values["provider_registration_number"])
    service_type = ctx.service_type_of(values["service_type"])
    try:
        recipient = ctx.member_of(version.plan.client, values.get("recipient", ""))
    except RowFailed as exc:
        return exc.on(line)
    data: dict[str, Any] = {
        "service_type": service_type.pk,
        "provider": provider.pk if provider else None,
        "quantity": values["quantity"],
        "start": values["start"],
        "months": values["months"],
        "funding_source": values["funding_source"],
    }
    for column in (
        "session_minutes", "priority", "override_reason", "quantity_basis",
        "agreed_unit_price", "agreed_price_reason",
    ):  # fmt: skip
        if values.get(column) not in (None, ""):
            data[column] = values[column]
    if values.get("goal_ref"):
        data["goal"] = goal_ids.get(values["goal_ref"])
    if recipient is not None:
        data["recipient"] = recipient
    approved_by, approved_on = values.get("price_approved_by", ""), values.get("price_approved_on")
    try:
        with transaction.atomic():
            version.refresh_from_db()
            added = plan_services.line_add(
                actor=ctx.actor, version=version, revision=version.revision, data=data
            )
            if added.price_needs_approval and (approved_by or approved_on):
                # The head's approval of a price above the tariff, as the records name it.
                version.refresh_from_db()
                plan_services.line_price_approve(
                    actor=ctx.actor,
                    line=added,
                    revision=version.revision,
                    approved_by=approved_by,
                    on=approved_on,
                )
    except DomainError as exc:
        return service_errors(
            line,
            exc,
            {
                "provider": "provider_registration_number",
                "goal": "goal_ref",
                "price_approved_on": "price_approved_on",
            },
        )
    if added.price_needs_approval and not (approved_by or approved_on) and state != PlanState.DRAFT:
        return [
            RowError(
                line.sheet,
                line.number,
                "agreed_unit_price",
                str(
                    _(
                        "Norunātā cena ir augstāka par tarifu (%(list)s): ierakstiet, kurš "
                        "vadītājs to apstiprināja un kad (kolonnas „price_approved_by” un "
                        "„price_approved_on”), vai importējiet plānu kā melnrakstu."
                    )
                    % {
                        "list": format_money(added.list_price)
                        if added.list_price is not None
                        else "—"
                    }
                ),
            )
        ]
    ctx.report.count("plan_lines", "created")
    return []


def _agree(
    ctx: Context, version: PlanVersion, row: Row, client: Client, *, activate: bool
) -> list[RowError]:
    signer = _signer(client, row.values.get("signer", ""))
    if row.values.get("signer") and signer is None:
        return [
            RowError(
                "plans",
                row.number,
                "signer",
                str(_("Klientam nav pārstāvja „%(name)s”.") % {"name": row.values["signer"]}),
            )
        ]
    try:
        with transaction.atomic():
            version.refresh_from_db()
            plan_services.version_agree(
                actor=ctx.actor,
                version=version,
                revision=version.revision,
                signed_on=row.values.get("signed_on"),
                sign_method=row.values.get("sign_method"),
                signed_by_representative=signer.pk if signer else None,
                on=row.values.get("agreed_on"),
            )
            if activate:
                plan_services.version_activate(
                    actor=ctx.actor, version=version, on=row.values.get("agreed_on")
                )
    except DomainError as exc:
        return service_errors(
            row,
            exc,
            {
                "signed_by_representative": "signer",
                "lines": "status",
                "goals": "status",
                "__all__": "status",
                "activated_on": "agreed_on",
                "issued_on": "agreed_on",
            },
        )
    return []


def _signer(client: Client, name: str) -> Representative | None:
    """The representative who signed: written as their personal code or "Vārds Uzvārds"."""
    name = name.strip()
    if not name:
        return None
    for rep in client.representatives.all():
        if name.lower() in (rep.personal_code.lower(), f"{rep.first_name} {rep.last_name}".lower()):
            return rep
    return None
