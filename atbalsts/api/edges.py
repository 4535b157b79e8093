"""API for delivery as it really happens (issue 16): cancellations, the social worker's
remote-quality decision, pauses of plan lines, provider contracts and free places — the same
services, rules and policies as the pages. Three routers, mounted under their domains."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Query, Router, Schema

from atbalsts.api.schemas import StrictSchema
from atbalsts.catalog import selectors as catalog_selectors
from atbalsts.catalog.services.contracts import contract_create
from atbalsts.catalog.services.quality import capacity_set
from atbalsts.core.errors import NotPermitted
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.delivery import selectors as delivery_selectors
from atbalsts.delivery.models import Cancellation, CancelledBy, CancelReason
from atbalsts.delivery.policies import delivery_policy
from atbalsts.delivery.selectors_cancellations import (
    cancellation_counts_by_provider,
    cancellation_list,
)
from atbalsts.delivery.services.cancellations import cancellation_record
from atbalsts.delivery.services.remote_quality import remote_quality_decide
from atbalsts.people import selectors as people_selectors
from atbalsts.plans import selectors as plans_selectors
from atbalsts.plans.pause_models import PauseReason, PlanLinePause
from atbalsts.plans.selectors.pauses import plan_pauses
from atbalsts.plans.services.pauses import line_pause

delivery_router = Router(tags=["delivery"])
plans_router = Router(tags=["plans"])
catalog_router = Router(tags=["catalog"])
MAX_PAGE = 500


# --- cancellations -----------------------------------------------------------------------------


class CancellationIn(StrictSchema):
    line_key: str = Field(max_length=40, description="Vēstules rindas atslēga")
    date: dt.date
    start_time: str = Field("", max_length=8, description="SS:MM vai tukšs")
    cancelled_by: CancelledBy
    reason: CancelReason
    note: str = Field("", max_length=500, description="Obligāts citam iemeslam")


class CancellationOut(Schema):
    id: int
    client_id: int
    provider_id: int
    letter_number: str
    line_key: str
    service_type_id: int
    date: dt.date
    cancelled_by: str
    reason: str
    units: Decimal
    amount: Decimal
    session_id: int | None


class CancellationQuery(Schema):
    provider: int | None = None
    client: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class CountOut(Schema):
    provider_id: int
    provider: str
    total: int
    by_whom: dict[str, int]
    by_reason: dict[str, int]


def _cancellation_out(c: Cancellation) -> dict[str, Any]:
    return {
        "id": c.pk,
        "client_id": c.client_id,
        "provider_id": c.provider_id,
        "letter_number": c.letter.number,
        "line_key": str(c.line_key),
        "service_type_id": c.service_type_id,
        "date": c.date,
        "cancelled_by": c.cancelled_by,
        "reason": c.reason,
        "units": c.units,
        "amount": c.amount,
        "session_id": c.session_id,
    }


@delivery_router.get(
    "/cancellations", response=list[CancellationOut], summary="Atceltās nodarbības"
)
def list_cancellations(
    request: AuthedHttpRequest, query: Query[CancellationQuery]
) -> list[dict[str, Any]]:
    if not delivery_policy.can(request.user, Action.VIEW):
        raise NotPermitted()
    rows = cancellation_list(
        user=request.user,
        provider_id=query.provider,
        client_id=query.client,
        start=query.date_from,
        end=query.date_to,
    )
    return [_cancellation_out(c) for c in rows[:MAX_PAGE]]


@delivery_router.get(
    "/cancellations/counts",
    response=list[CountOut],
    summary="Atceltās nodarbības pa sniedzējiem: kas atcēla un kāpēc",
)
def cancellation_counts(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    if not delivery_policy.can(request.user, Action.VIEW):
        raise NotPermitted()
    return [
        {
            "provider_id": row.pk,
            "provider": row.name,
            "total": row.total,
            "by_whom": row.by_whom,
            "by_reason": row.by_reason,
        }
        for row in cancellation_counts_by_provider(user=request.user)
    ]


@delivery_router.post(
    "/letters/{letter_id}/cancellations",
    response={201: CancellationOut},
    summary="Reģistrēt atceltu nodarbību (kas atcēla un kāpēc)",
)
def create_cancellation(
    request: AuthedHttpRequest, letter_id: int, payload: CancellationIn
) -> tuple[int, dict[str, Any]]:
    letter = delivery_selectors.letter_for_sessions(user=request.user, pk=letter_id)
    data = payload.model_dump()
    data["start_time"] = data["start_time"] or None
    cancellation = cancellation_record(actor=request.user, letter=letter, data=data)
    return 201, _cancellation_out(cancellation)


# --- remote delivery in an emergency -----------------------------------------------------------


class RemoteQualityIn(StrictSchema):
    service_type: int
    keeps_quality: bool
    note: str = Field(max_length=2000)
    decided_on: dt.date | None = None


class RemoteQualityOut(Schema):
    id: int
    client_id: int
    service_type_id: int
    keeps_quality: bool
    decided_on: dt.date


@delivery_router.post(
    "/clients/{client_id}/remote-quality",
    response={201: RemoteQualityOut},
    summary="Vai attālināti pakalpojuma kvalitāte saglabājas (sociālais darbinieks)",
)
def decide_remote_quality(
    request: AuthedHttpRequest, client_id: int, payload: RemoteQualityIn
) -> tuple[int, dict[str, Any]]:
    client = people_selectors.client_get(user=request.user, pk=client_id)
    decision = remote_quality_decide(actor=request.user, client=client, data=payload.model_dump())
    return 201, {
        "id": decision.pk,
        "client_id": decision.client_id,
        "service_type_id": decision.service_type_id,
        "keeps_quality": decision.keeps_quality,
        "decided_on": decision.decided_on,
    }


# --- pauses of plan lines ----------------------------------------------------------------------


class PauseIn(StrictSchema):
    line_key: str = Field(max_length=40)
    start: dt.date
    end: dt.date
    reason: PauseReason
    note: str = Field("", max_length=500)


class PauseOut(Schema):
    id: int
    line_key: str
    service_type_id: int
    start: dt.date
    end: dt.date
    reason: str


def _pause_out(p: PlanLinePause) -> dict[str, Any]:
    return {
        "id": p.pk,
        "line_key": str(p.line_key),
        "service_type_id": p.service_type_id,
        "start": p.start,
        "end": p.end,
        "reason": p.reason,
    }


@plans_router.get("/plans/{plan_id}/pauses", response=list[PauseOut], summary="Pārtraukumi")
def list_pauses(request: AuthedHttpRequest, plan_id: int) -> list[dict[str, Any]]:
    plan = plans_selectors.plan_get(user=request.user, pk=plan_id)
    return [_pause_out(p) for p in plan_pauses(plan_id=plan.pk)]


@plans_router.post(
    "/plans/{plan_id}/pauses",
    response={201: PauseOut},
    summary="Pārtraukt plāna rindu (slimnīca, atvaļinājums)",
)
def create_pause(
    request: AuthedHttpRequest, plan_id: int, payload: PauseIn
) -> tuple[int, dict[str, Any]]:
    plan = plans_selectors.plan_get(user=request.user, pk=plan_id)
    pause = line_pause(actor=request.user, plan=plan, data=payload.model_dump())
    return 201, _pause_out(pause)


# --- provider contracts and free places --------------------------------------------------------


class ContractServiceIn(StrictSchema):
    service_type: int
    unit_price: Decimal = Field(max_digits=14, decimal_places=2)


class ContractIn(StrictSchema):
    number: str = Field(max_length=60)
    signed_on: dt.date | None = None
    valid_from: dt.date
    valid_to: dt.date | None = None
    note: str = Field("", max_length=500)
    services: list[ContractServiceIn] = Field(max_length=100)


class ContractServiceOut(Schema):
    service_type_id: int
    unit_price: Decimal


class ContractOut(Schema):
    id: int
    municipality_id: int
    number: str
    signed_on: dt.date | None
    valid_from: dt.date
    valid_to: dt.date | None
    services: list[ContractServiceOut]


def _contract_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "municipality_id": c.municipality_id,
        "number": c.number,
        "signed_on": c.signed_on,
        "valid_from": c.valid_from,
        "valid_to": c.valid_to,
        "services": [
            {"service_type_id": s.service_type_id, "unit_price": s.unit_price}
            for s in c.services.all()
        ],
    }


@catalog_router.get(
    "/providers/{provider_id}/contracts", response=list[ContractOut], summary="Līgumi"
)
def list_contracts(request: AuthedHttpRequest, provider_id: int) -> list[dict[str, Any]]:
    provider = catalog_selectors.provider_get(user=request.user, pk=provider_id)
    return [
        _contract_out(c)
        for c in catalog_selectors.provider_contracts(user=request.user, provider=provider)
    ]


@catalog_router.post(
    "/providers/{provider_id}/contracts",
    response={201: ContractOut},
    summary="Reģistrēt līgumu ar sniedzēju (vadītājs)",
)
def create_contract(
    request: AuthedHttpRequest, provider_id: int, payload: ContractIn
) -> tuple[int, dict[str, Any]]:
    provider = catalog_selectors.provider_get(user=request.user, pk=provider_id)
    municipality = request.user.municipality
    if municipality is None:
        raise NotPermitted()
    contract = contract_create(
        actor=request.user, municipality=municipality, provider=provider, data=payload.model_dump()
    )
    return 201, _contract_out(contract)


class CapacityIn(StrictSchema):
    service_type: int
    free_places: int = Field(ge=0, le=10000)
    note: str = Field("", max_length=300)


class CapacityOut(Schema):
    service_type_id: int
    free_places: int


@catalog_router.put(
    "/providers/{provider_id}/capacity",
    response=CapacityOut,
    summary="Brīvās vietas pakalpojumam (sniedzēja darbinieks)",
)
def set_capacity(
    request: AuthedHttpRequest, provider_id: int, payload: CapacityIn
) -> dict[str, Any]:
    provider = catalog_selectors.provider_get(user=request.user, pk=provider_id)
    capacity = capacity_set(actor=request.user, provider=provider, data=payload.model_dump())
    return {"service_type_id": capacity.service_type_id, "free_places": capacity.free_places}
