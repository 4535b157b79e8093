"""API for the service catalogue and the provider register: the same services, rules and
policies as the pages. Service types and municipalities are named by their codes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from atbalsts.api.catalog_schemas import (
    LocationIn,
    LocationOut,
    LocationPatch,
    PriceIn,
    PriceOnDateOut,
    PriceOut,
    PricePatch,
    PriceQuery,
    ProviderIn,
    ProviderOut,
    ProviderPage,
    ProviderPatch,
    ProviderQuery,
    RegistrationIn,
    RegistrationOut,
    RegistrationPatch,
    RetireIn,
    ServiceTypeIn,
    ServiceTypeOut,
    ServiceTypePatch,
    StatusOut,
    TariffIn,
    TariffOut,
    TariffPatch,
    TransportOut,
    TransportQuery,
)
from atbalsts.catalog import selectors, services
from atbalsts.catalog.models import (
    MunicipalPrice,
    Provider,
    ProviderKind,
    ProviderLocation,
    ProviderRegistration,
    ServiceType,
    Tariff,
)
from atbalsts.catalog.policies import names_other_municipality, provider_policy
from atbalsts.core.actors import Actor, Viewer
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.people.models import Municipality

router = Router(tags=["catalog"])


# --- helpers -----------------------------------------------------------------------------------


def _service_type(code: str, field: str = "service_type") -> ServiceType:
    found = ServiceType.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed(
            {field: [_("Nezināms pakalpojuma kods „%(code)s”.") % {"code": code}]}
        )
    return found


def _municipality(code: str | None, field: str = "municipality") -> Municipality | None:
    if not code:
        return None
    found = Municipality.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed({field: [_("Nezināma pašvaldība „%(code)s”.") % {"code": code}]})
    return found


def _own_municipality(user: Actor, code: str | None) -> Municipality:
    """The municipality a price or provider is written for: the user's own, or (for a user of
    no municipality) the one the payload names."""
    if user.municipality is not None:
        if names_other_municipality(user, code):
            raise NotPermitted()
        return user.municipality
    municipality = _municipality(code)
    if municipality is None:
        raise ValidationFailed({"municipality": [_("Norādiet pašvaldības kodu.")]})
    return municipality


def _service_type_out(st: ServiceType) -> dict[str, Any]:
    return {
        **{f: getattr(st, f) for f in ServiceTypeOut.model_fields if f != "target_groups"},
        "target_groups": st.target_groups,
    }


def _price_out(p: MunicipalPrice) -> dict[str, Any]:
    return {
        "id": p.pk,
        "municipality": p.municipality.code,
        "service_type": p.service_type.code,
        "unit_price": p.unit_price,
        "di_unit_cost": p.di_unit_cost,
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
    }


def _provider_out(user: Viewer, p: Provider) -> dict[str, Any]:
    identity = p.kind == ProviderKind.LEGAL or provider_policy.can(user, Action.VIEW_IDENTITY, p)
    return {
        "id": p.pk,
        "municipality": p.municipality.code,
        "kind": p.kind,
        "name": p.name,
        "registration_number": p.registration_number if identity else None,
        "contact_person": p.contact_person,
        "phone": p.phone,
        "email": p.email,
        "address": p.address,
        "seat_municipality": p.seat_municipality.code if p.seat_municipality else None,
        "iban": p.iban,
        "active": p.active,
        "distance_km": getattr(p, "distance", None),
        "registration_ok": getattr(p, "registration_ok", None),
        "registration_lapsed": getattr(p, "registration_lapsed", None),
    }


def _registration_out(r: ProviderRegistration) -> dict[str, Any]:
    return {
        "id": r.pk,
        "provider_id": r.provider_id,
        "register_kind": r.register,
        "number": r.number,
        "service_types": sorted(st.code for st in r.service_types.all()),
        "valid_from": r.valid_from,
        "valid_to": r.valid_to,
        "verified_on": r.verified_on,
        "verified_by_id": r.verified_by_id,
    }


def _location_out(loc: ProviderLocation) -> dict[str, Any]:
    return {
        "id": loc.pk,
        "provider_id": loc.provider_id,
        "kind": loc.kind,
        "municipality": loc.municipality.code if loc.municipality else None,
        "address": loc.address,
        "active": loc.active,
    }


def _tariff_out(t: Tariff) -> dict[str, Any]:
    return {
        "id": t.pk,
        "provider_id": t.provider_id,
        "service_type": t.service_type.code,
        "location_id": t.location_id,
        "unit_price": t.unit_price,
        "session_minutes": t.session_minutes,
        "remote_allowed": t.remote_allowed,
        "valid_from": t.valid_from,
        "valid_to": t.valid_to,
    }


def _child(request: AuthedHttpRequest, model: Any, pk: int) -> Any:
    """A registration, location or tariff, seen only through a provider the user may see."""
    item = get_object_or_404(model.objects.select_related("provider"), pk=pk)
    selectors.provider_get(user=request.user, pk=item.provider_id)
    return item


# --- service types -----------------------------------------------------------------------------


@router.get("/service-types", response=list[ServiceTypeOut], summary="Pakalpojumu katalogs")
def list_service_types(
    request: AuthedHttpRequest, category: str = "", include_retired: bool = False, q: str = ""
) -> list[dict[str, Any]]:
    qs = selectors.service_type_list(
        user=request.user, category=category, include_retired=include_retired, search=q[:100]
    )
    return [_service_type_out(st) for st in qs]


@router.get(
    "/service-types/{service_type_id}", response=ServiceTypeOut, summary="Pakalpojuma veids"
)
def get_service_type(request: AuthedHttpRequest, service_type_id: int) -> dict[str, Any]:
    return _service_type_out(selectors.service_type_get(user=request.user, pk=service_type_id))


@router.post("/service-types", response={201: ServiceTypeOut}, summary="Jauns pakalpojuma veids")
def create_service_type(
    request: AuthedHttpRequest, payload: ServiceTypeIn
) -> tuple[int, dict[str, Any]]:
    st = services.service_type_create(actor=request.user, data=payload.model_dump())
    return 201, _service_type_out(st)


@router.patch(
    "/service-types/{service_type_id}", response=ServiceTypeOut, summary="Mainīt pakalpojuma veidu"
)
def update_service_type(
    request: AuthedHttpRequest, service_type_id: int, payload: ServiceTypePatch
) -> dict[str, Any]:
    st = selectors.service_type_get(user=request.user, pk=service_type_id)
    st = services.service_type_update(
        actor=request.user, service_type=st, data=payload.model_dump(exclude_unset=True)
    )
    return _service_type_out(st)


@router.post(
    "/service-types/{service_type_id}/retire",
    response=ServiceTypeOut,
    summary="Izņemt no lietošanas (null — atjaunot)",
)
def retire_service_type(
    request: AuthedHttpRequest, service_type_id: int, payload: RetireIn
) -> dict[str, Any]:
    st = selectors.service_type_get(user=request.user, pk=service_type_id)
    st = services.service_type_retire(
        actor=request.user, service_type=st, retired_at=payload.retired_at
    )
    return _service_type_out(st)


@router.delete(
    "/service-types/{service_type_id}", response={204: None}, summary="Dzēst neizmantotu veidu"
)
def delete_service_type(request: AuthedHttpRequest, service_type_id: int) -> tuple[int, None]:
    st = selectors.service_type_get(user=request.user, pk=service_type_id)
    services.service_type_delete(actor=request.user, service_type=st)
    return 204, None


# --- municipal prices --------------------------------------------------------------------------


@router.get("/municipal-prices", response=list[PriceOut], summary="Pašvaldību cenas")
def list_prices(request: AuthedHttpRequest, service_type: str = "") -> list[dict[str, Any]]:
    service_type_id = _service_type(service_type).pk if service_type else None
    qs = selectors.municipal_price_list(user=request.user, service_type_id=service_type_id)
    return [_price_out(p) for p in qs]


@router.post("/municipal-prices", response={201: PriceOut}, summary="Noteikt pašvaldības cenu")
def create_price(request: AuthedHttpRequest, payload: PriceIn) -> tuple[int, dict[str, Any]]:
    municipality = _own_municipality(request.user, payload.municipality)
    data = payload.model_dump(exclude={"municipality"})
    data["service_type"] = _service_type(payload.service_type)
    price = services.municipal_price_create(
        actor=request.user, municipality=municipality, data=data
    )
    return 201, _price_out(price)


@router.patch("/municipal-prices/{price_id}", response=PriceOut, summary="Mainīt pašvaldības cenu")
def update_price(request: AuthedHttpRequest, price_id: int, payload: PricePatch) -> dict[str, Any]:
    price = selectors.municipal_price_get(user=request.user, pk=price_id)
    price = services.municipal_price_update(
        actor=request.user, price=price, data=payload.model_dump(exclude_unset=True)
    )
    return _price_out(price)


# --- the price on a date, registration status, transport ------------------------------------


@router.get("/price", response=PriceOnDateOut, summary="Cena datumā (viens noteikums visur)")
def price(request: AuthedHttpRequest, query: Query[PriceQuery]) -> dict[str, Any]:
    service_type = _service_type(query.service_type)
    provider = (
        selectors.provider_get(user=request.user, pk=query.provider) if query.provider else None
    )
    location = None
    if query.location is not None:
        location = _child(request, ProviderLocation, query.location)
    result = selectors.price_on(
        provider=provider,
        service_type=service_type,
        day=query.day,
        location=location,
        municipality=_municipality(query.municipality),
    )
    return {
        "unit_price": result.unit_price,
        "source": result.source,
        "session_minutes": result.session_minutes,
        "tariff_id": result.tariff_id,
        "remote_allowed": result.remote_allowed,
    }


@router.get(
    "/providers/{provider_id}/registration-status",
    response=StatusOut,
    summary="Sniedzēja reģistrācija pakalpojumam datumā: ok / lapsed / missing",
)
def registration_status(
    request: AuthedHttpRequest, provider_id: int, service_type: str, day: dt.date | None = None
) -> dict[str, Any]:
    provider = selectors.provider_get(user=request.user, pk=provider_id)
    st = _service_type(service_type)
    day = day or timezone.localdate()
    status = selectors.provider_registration_status(provider=provider, service_type=st, day=day)
    return {"provider_id": provider.pk, "service_type": st.code, "day": day, "status": status}


@router.get("/transport-estimate", response=TransportOut, summary="Transporta izmaksu aprēķins")
def transport_estimate(request: AuthedHttpRequest, query: Query[TransportQuery]) -> dict[str, Any]:
    if not provider_policy.can(request.user, Action.VIEW):
        raise NotPermitted()
    origin = _municipality(query.origin, "origin")
    destination = _municipality(query.destination, "destination")
    if origin is None or destination is None:
        raise ValidationFailed({"origin": [_("Norādiet abas pašvaldības.")]})
    estimate = selectors.transport_cost_estimate(
        origin=origin,
        destination=destination,
        day=query.day or timezone.localdate(),
        round_trip=query.round_trip,
    )
    return {
        "km": estimate.km,
        "unit_price": estimate.unit_price,
        "amount": estimate.amount,
        "price_source": estimate.price_source,
    }


# --- providers ---------------------------------------------------------------------------------


@router.get("/providers", response=ProviderPage, summary="Sniedzēju meklēšana")
def list_providers(request: AuthedHttpRequest, query: Query[ProviderQuery]) -> dict[str, Any]:
    def pk_of(code: str, field: str) -> int | None:
        found = _municipality(code, field)
        return found.pk if found else None

    filters = selectors.ProviderFilters(
        search=query.q,
        service_type_id=_service_type(query.service_type).pk if query.service_type else None,
        municipality_id=pk_of(query.municipality, "municipality"),
        near_municipality_id=pk_of(query.near, "near"),
        max_km=query.max_km,
        registration_status=query.status,
        include_inactive=query.include_inactive,
        sort=query.sort,
    )
    qs = selectors.provider_list(user=request.user, filters=filters)
    items = qs[query.offset : query.offset + query.limit]
    return {
        "count": qs.count(),
        "offset": query.offset,
        "limit": query.limit,
        "items": [_provider_out(request.user, p) for p in items],
    }


def _provider_data(payload: Any, *, exclude_unset: bool) -> dict[str, Any]:
    data = payload.model_dump(exclude={"municipality"}, exclude_unset=exclude_unset)
    if "seat_municipality" in data:
        data["seat_municipality"] = _municipality(data["seat_municipality"], "seat_municipality")
    return data


@router.post("/providers", response={201: ProviderOut}, summary="Reģistrēt sniedzēju")
def create_provider(request: AuthedHttpRequest, payload: ProviderIn) -> tuple[int, dict[str, Any]]:
    municipality = _own_municipality(request.user, payload.municipality)
    provider = services.provider_create(
        actor=request.user,
        municipality=municipality,
        data=_provider_data(payload, exclude_unset=False),
    )
    return 201, _provider_out(request.user, provider)


@router.get("/providers/{provider_id}", response=ProviderOut, summary="Sniedzējs")
def get_provider(request: AuthedHttpRequest, provider_id: int) -> dict[str, Any]:
    return _provider_out(request.user, selectors.provider_get(user=request.user, pk=provider_id))


@router.patch("/providers/{provider_id}", response=ProviderOut, summary="Mainīt sniedzēja datus")
def update_provider(
    request: AuthedHttpRequest, provider_id: int, payload: ProviderPatch
) -> dict[str, Any]:
    provider = selectors.provider_get(user=request.user, pk=provider_id)
    provider = services.provider_update(
        actor=request.user, provider=provider, data=_provider_data(payload, exclude_unset=True)
    )
    return _provider_out(request.user, provider)


# --- registrations, locations, tariffs ---------------------------------------------------------


def _registration_data(payload: Any, *, exclude_unset: bool) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=exclude_unset)
    # "register" would shadow a pydantic attribute; the API calls it register_kind
    if "register_kind" in data:
        data["register"] = data.pop("register_kind")
    if data.get("service_types") is not None:
        data["service_types"] = [_service_type(c, "service_types") for c in data["service_types"]]
    return data


@router.get(
    "/providers/{provider_id}/registrations",
    response=list[RegistrationOut],
    summary="Sniedzēja reģistrācijas",
)
def list_registrations(request: AuthedHttpRequest, provider_id: int) -> list[dict[str, Any]]:
    provider = selectors.provider_get(user=request.user, pk=provider_id)
    return [_registration_out(r) for r in selectors.provider_registrations(provider=provider)]


@router.post(
    "/providers/{provider_id}/registrations",
    response={201: RegistrationOut},
    summary="Pievienot reģistrāciju",
)
def create_registration(
    request: AuthedHttpRequest, provider_id: int, payload: RegistrationIn
) -> tuple[int, dict[str, Any]]:
    provider = selectors.provider_get(user=request.user, pk=provider_id)
    registration = services.registration_create(
        actor=request.user,
        provider=provider,
        data=_registration_data(payload, exclude_unset=False),
    )
    return 201, _registration_out(registration)


@router.patch(
    "/registrations/{registration_id}", response=RegistrationOut, summary="Mainīt reģistrāciju"
)
def update_registration(
    request: AuthedHttpRequest, registration_id: int, payload: RegistrationPatch
) -> dict[str, Any]:
    registration = _child(request, ProviderRegistration, registration_id)
    registration = services.registration_update(
        actor=request.user,
        registration=registration,
        data=_registration_data(payload, exclude_unset=True),
    )
    return _registration_out(registration)


def _location_data(payload: Any, *, exclude_unset: bool) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=exclude_unset)
    if "municipality" in data:
        data["municipality"] = _municipality(data["municipality"])
    return data


@router.get(
    "/providers/{provider_id}/locations", response=list[LocationOut], summary="Sniegšanas vietas"
)
def list_locations(request: AuthedHttpRequest, provider_id: int) -> list[dict[str, Any]]:
    provider = selectors.provider_get(user=request.user, pk=provider_id)
    return [_location_out(loc) for loc in provider.locations.select_related("municipality")]


@router.post(
    "/providers/{provider_id}/locations", response={201: LocationOut}, summary="Pievienot vietu"
)
def create_location(
    request: AuthedHttpRequest, provider_id: int, payload: LocationIn
) -> tuple[int, dict[str, Any]]:
    provider = selectors.provider_get(user=request.user, pk=provider_id)
    location = services.location_create(
        actor=request.user, provider=provider, data=_location_data(payload, exclude_unset=False)
    )
    return 201, _location_out(location)


@router.patch("/locations/{location_id}", response=LocationOut, summary="Mainīt vietu")
def update_location(
    request: AuthedHttpRequest, location_id: int, payload: LocationPatch
) -> dict[str, Any]:
    location = _child(request, ProviderLocation, location_id)
    location = services.location_update(
        actor=request.user, location=location, data=_location_data(payload, exclude_unset=True)
    )
    return _location_out(location)


@router.get("/providers/{provider_id}/tariffs", response=list[TariffOut], summary="Tarifi")
def list_tariffs(request: AuthedHttpRequest, provider_id: int) -> list[dict[str, Any]]:
    provider = selectors.provider_get(user=request.user, pk=provider_id)
    return [_tariff_out(t) for t in selectors.provider_tariffs(provider=provider)]


@router.post("/providers/{provider_id}/tariffs", response={201: TariffOut}, summary="Jauns tarifs")
def create_tariff(
    request: AuthedHttpRequest, provider_id: int, payload: TariffIn
) -> tuple[int, dict[str, Any]]:
    provider = selectors.provider_get(user=request.user, pk=provider_id)
    data = payload.model_dump(exclude={"location_id", "service_type"})
    data["service_type"] = _service_type(payload.service_type)
    data["location"] = (
        provider.locations.filter(pk=payload.location_id).first()
        if payload.location_id is not None
        else None
    )
    if payload.location_id is not None and data["location"] is None:
        raise ValidationFailed({"location_id": [_("Vieta pieder citam sniedzējam.")]})
    tariff = services.tariff_create(actor=request.user, provider=provider, data=data)
    return 201, _tariff_out(tariff)


@router.patch("/tariffs/{tariff_id}", response=TariffOut, summary="Mainīt tarifu")
def update_tariff(
    request: AuthedHttpRequest, tariff_id: int, payload: TariffPatch
) -> dict[str, Any]:
    tariff = _child(request, Tariff, tariff_id)
    tariff = services.tariff_update(
        actor=request.user, tariff=tariff, data=payload.model_dump(exclude_unset=True)
    )
    return _tariff_out(tariff)
