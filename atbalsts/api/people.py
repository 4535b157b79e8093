"""API for clients and representatives: the same services, rules and policies as the pages."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from atbalsts.api.schemas import BoundedSchema, Offset, StrictSchema
from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.read_audit import list_read_record, read_record
from atbalsts.people import selectors, services
from atbalsts.people.models import (
    Client,
    ClientStatus,
    DisabilityGroup,
    LegalCapacity,
    Municipality,
    Representative,
    RepresentativeKind,
    TargetGroup,
)
from atbalsts.people.policies import client_policy
from atbalsts.people.pseudonyms import client_pseudonym

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor, Viewer

router = Router(tags=["people"])
MAX_PAGE = 200


class ClientIn(StrictSchema):
    municipality: str | None = Field(
        None, description="Pašvaldības kods; tikai lietotājiem bez pašvaldības"
    )
    target_group: TargetGroup
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    personal_code: str = Field(max_length=20)
    date_of_birth: dt.date | None = None
    start_date: dt.date
    disability_group: DisabilityGroup = DisabilityGroup.NONE
    disability_valid_until: dt.date | None = None
    legal_capacity: LegalCapacity = LegalCapacity.FULL
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=120)
    languages: str = Field("", max_length=120)
    notes: str = Field("", max_length=5000)


class ClientPatch(StrictSchema):
    target_group: TargetGroup | None = None
    status: ClientStatus | None = None
    first_name: str | None = Field(None, max_length=80)
    last_name: str | None = Field(None, max_length=80)
    personal_code: str | None = Field(None, max_length=20)
    date_of_birth: dt.date | None = None
    start_date: dt.date | None = None
    disability_group: DisabilityGroup | None = None
    disability_valid_until: dt.date | None = None
    legal_capacity: LegalCapacity | None = None
    address: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=120)
    languages: str | None = Field(None, max_length=120)
    notes: str | None = Field(None, max_length=5000)


class ClientOut(Schema):
    id: int | None = Field(description="null for users who see clients only as pseudonyms")
    pseudonym: str
    municipality: str
    target_group: str
    status: str
    first_name: str | None = Field(None, description="null for users who may not see identities")
    last_name: str | None = None
    personal_code: str | None = None
    date_of_birth: dt.date | None = None
    birth_year: int | None = Field(None, description="null for the ministry analyst")
    start_date: dt.date
    disability_group: str | None = None
    disability_valid_until: dt.date | None = None
    legal_capacity: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    languages: str | None = None
    notes: str | None = None


class ClientPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[ClientOut]


class RepresentativeIn(StrictSchema):
    kind: RepresentativeKind
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    personal_code: str = Field("", max_length=20)
    authority: str = Field("", max_length=300)
    valid_from: dt.date
    valid_to: dt.date | None = None
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=120)


class RepresentativePatch(StrictSchema):
    kind: RepresentativeKind | None = None
    first_name: str | None = Field(None, max_length=80)
    last_name: str | None = Field(None, max_length=80)
    personal_code: str | None = Field(None, max_length=20)
    authority: str | None = Field(None, max_length=300)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=120)


class RepresentativeOut(Schema):
    id: int
    client_id: int
    kind: str
    first_name: str
    last_name: str
    personal_code: str
    authority: str
    valid_from: dt.date
    valid_to: dt.date | None
    phone: str
    email: str


class ClientQuery(BoundedSchema):
    q: str = Field("", max_length=100, description="vārds, uzvārds vai personas koda sākums")
    municipality: str = ""
    status: ClientStatus | None = None
    target_group: TargetGroup | None = None
    sort: str = "name"
    offset: Offset = 0
    limit: int = Field(50, ge=1, le=MAX_PAGE)


def _client_out(user: Viewer, client: Client) -> dict[str, Any]:
    identity = client_policy.can(user, Action.VIEW_IDENTITY, client)
    notes = client_policy.can(user, Action.VIEW_NOTES, client)
    out: dict[str, Any] = {
        "id": client.pk,
        "pseudonym": client_pseudonym(client.pk),
        "municipality": client.municipality.code,
        "target_group": client.target_group,
        "status": client.status,
        "birth_year": client.date_of_birth.year,
        "start_date": client.start_date,
        "disability_group": client.disability_group,
        "disability_valid_until": client.disability_valid_until,
        "legal_capacity": client.legal_capacity,
    }
    if identity:
        out.update(
            first_name=client.first_name,
            last_name=client.last_name,
            personal_code=client.personal_code,
            date_of_birth=client.date_of_birth,
            address=client.address,
            phone=client.phone,
            email=client.email,
            languages=client.languages,
        )
    if notes:
        out["notes"] = client.notes
    return out


def _municipality_for_create(user: Actor, code: str | None) -> Municipality:
    own = user.municipality
    if own is not None:
        if code and code != own.code:
            raise NotPermitted()
        return own
    if not code:
        raise ValidationFailed({"municipality": [_("Norādiet pašvaldības kodu.")]})
    return get_object_or_404(Municipality, code=code)


@router.get("/clients", response=ClientPage, summary="Klientu saraksts")
def list_clients(request: AuthedHttpRequest, query: Query[ClientQuery]) -> dict[str, Any]:
    municipality_id = None
    if query.municipality:
        municipality_id = (
            Municipality.objects.filter(code=query.municipality)
            .values_list("pk", flat=True)
            .first()
            or -1
        )
    filters = selectors.ClientFilters(
        search=query.q,
        municipality_id=municipality_id,
        status=query.status or "",
        target_group=query.target_group or "",
        sort=query.sort,
    )
    if client_policy.pseudonymous_only(request.user):
        rows = selectors.client_pseudonym_rows(user=request.user, filters=filters)
        return {
            "count": len(rows),
            "offset": query.offset,
            "limit": query.limit,
            "items": [_pseudonym_out(r) for r in rows[query.offset : query.offset + query.limit]],
        }
    qs = selectors.client_list(user=request.user, filters=filters)
    items = list(qs[query.offset : query.offset + query.limit])
    if client_policy.can(request.user, Action.VIEW_IDENTITY) or query.q.strip():
        list_read_record(
            actor=request.user,
            subject_type="people.client",
            ids=[c.pk for c in items],
            search=query.q,
            via="api",
        )
    return {
        "count": qs.count(),
        "offset": query.offset,
        "limit": query.limit,
        "items": [_client_out(request.user, c) for c in items],
    }


def _pseudonym_out(row: selectors.PseudonymRow) -> dict[str, Any]:
    """A client as the analyst gets one: a pseudonym, no id, no birth, no disability."""
    return {
        "id": None,
        "pseudonym": row.pseudonym,
        "municipality": row.municipality_code,
        "target_group": row.target_group,
        "status": row.status,
        "start_date": row.start_date,
    }


@router.post("/clients", response={201: ClientOut}, summary="Reģistrēt klientu")
def create_client(request: AuthedHttpRequest, payload: ClientIn) -> tuple[int, dict[str, Any]]:
    data = payload.model_dump(exclude={"municipality"})
    municipality = _municipality_for_create(request.user, payload.municipality)
    client = services.client_create(actor=request.user, municipality=municipality, data=data)
    return 201, _client_out(request.user, client)


@router.get("/clients/{client_id}", response=ClientOut, summary="Klients")
def get_client(request: AuthedHttpRequest, client_id: int) -> dict[str, Any]:
    client = selectors.client_get(user=request.user, pk=client_id)
    if client_policy.can(request.user, Action.VIEW_IDENTITY, client):
        services.client_view_record(actor=request.user, client=client)
    return _client_out(request.user, client)


@router.patch("/clients/{client_id}", response=ClientOut, summary="Mainīt klienta datus")
def update_client(
    request: AuthedHttpRequest, client_id: int, payload: ClientPatch
) -> dict[str, Any]:
    client = selectors.client_get(user=request.user, pk=client_id)
    data = payload.model_dump(exclude_unset=True)
    client = services.client_update(actor=request.user, client=client, data=data)
    return _client_out(request.user, client)


def _visible_client_for_identity(request: AuthedHttpRequest, client_id: int) -> Client:
    client = selectors.client_get(user=request.user, pk=client_id)
    if not client_policy.can(request.user, Action.VIEW_IDENTITY, client):
        raise NotPermitted()
    return client


@router.get(
    "/clients/{client_id}/representatives",
    response=list[RepresentativeOut],
    summary="Klienta pārstāvji",
)
def list_representatives(request: AuthedHttpRequest, client_id: int) -> Any:
    client = _visible_client_for_identity(request, client_id)
    representatives = list(client.representatives.all())
    read_record(
        actor=request.user,
        event=AuditEventType.REPRESENTATIVES_READ,
        subject_type="people.representative",
        ids=[r.pk for r in representatives],
        client=client,
        via="api",
    )
    return representatives


@router.post(
    "/clients/{client_id}/representatives",
    response={201: RepresentativeOut},
    summary="Pievienot pārstāvi",
)
def create_representative(
    request: AuthedHttpRequest, client_id: int, payload: RepresentativeIn
) -> tuple[int, Representative]:
    client = selectors.client_get(user=request.user, pk=client_id)
    rep = services.representative_create(
        actor=request.user, client=client, data=payload.model_dump()
    )
    return 201, rep


def _representative(request: AuthedHttpRequest, representative_id: int) -> Representative:
    rep = get_object_or_404(Representative.objects.select_related("client"), pk=representative_id)
    # Seen only through a client the user may see; otherwise it does not exist for them.
    selectors.client_get(user=request.user, pk=rep.client_id)
    return rep


@router.get("/representatives/{representative_id}", response=RepresentativeOut, summary="Pārstāvis")
def get_representative(request: AuthedHttpRequest, representative_id: int) -> Representative:
    rep = _representative(request, representative_id)
    _visible_client_for_identity(request, rep.client_id)
    return rep


@router.patch(
    "/representatives/{representative_id}", response=RepresentativeOut, summary="Mainīt pārstāvi"
)
def update_representative(
    request: AuthedHttpRequest, representative_id: int, payload: RepresentativePatch
) -> Representative:
    rep = _representative(request, representative_id)
    return services.representative_update(
        actor=request.user, representative=rep, data=payload.model_dump(exclude_unset=True)
    )


@router.delete(
    "/representatives/{representative_id}", response={204: None}, summary="Dzēst pārstāvi"
)
def delete_representative(request: AuthedHttpRequest, representative_id: int) -> tuple[int, None]:
    rep = _representative(request, representative_id)
    services.representative_delete(actor=request.user, representative=rep)
    return 204, None
