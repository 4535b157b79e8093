"""The catalogue API's input and output schemas (the routes are in api/catalog.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from atbalsts.api.schemas import BoundedSchema, Offset, StrictSchema
from atbalsts.catalog.models import (
    LocationKind,
    ProviderKind,
    RegisterKind,
    ServiceCategory,
    ServiceUnit,
)

MAX_PAGE = 200
Money = Decimal


class ServiceTypeIn(StrictSchema):
    code: str = Field("", max_length=80)
    name_lv: str = Field(max_length=200)
    name_en: str = Field("", max_length=200)
    category: ServiceCategory
    unit: ServiceUnit
    remote_allowed: bool = False
    for_adult_grt: bool = True
    for_child_ft: bool = True
    ib_fundable: bool = True
    confidential: bool = False
    registration_required: bool = True
    default_session_minutes: int | None = None
    default_unit_price: Money | None = None
    di_unit_cost: Money | None = None
    price_note: str = Field("", max_length=300)


class ServiceTypePatch(StrictSchema):
    code: str | None = Field(None, max_length=80)
    name_lv: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    category: ServiceCategory | None = None
    unit: ServiceUnit | None = None
    remote_allowed: bool | None = None
    for_adult_grt: bool | None = None
    for_child_ft: bool | None = None
    ib_fundable: bool | None = None
    confidential: bool | None = None
    registration_required: bool | None = None
    default_session_minutes: int | None = None
    default_unit_price: Money | None = None
    di_unit_cost: Money | None = None
    price_note: str | None = Field(None, max_length=300)


class ServiceTypeOut(Schema):
    id: int
    code: str
    name_lv: str
    name_en: str
    category: str
    unit: str
    remote_allowed: bool
    target_groups: list[str]
    ib_fundable: bool
    confidential: bool
    registration_required: bool
    default_session_minutes: int | None
    default_unit_price: Money | None
    di_unit_cost: Money | None
    price_note: str
    retired_at: dt.date | None


class RetireIn(StrictSchema):
    retired_at: dt.date | None


class PriceIn(StrictSchema):
    municipality: str | None = Field(None, description="tikai lietotājiem bez pašvaldības")
    service_type: str
    unit_price: Money | None = None
    di_unit_cost: Money | None = None
    valid_from: dt.date
    valid_to: dt.date | None = None


class PricePatch(StrictSchema):
    unit_price: Money | None = None
    di_unit_cost: Money | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class PriceOut(Schema):
    id: int
    municipality: str
    service_type: str
    unit_price: Money | None
    di_unit_cost: Money | None
    valid_from: dt.date
    valid_to: dt.date | None


class ProviderIn(StrictSchema):
    municipality: str | None = Field(None, description="tikai lietotājiem bez pašvaldības")
    kind: ProviderKind
    name: str = Field(max_length=200)
    registration_number: str = Field(max_length=30)
    contact_person: str = Field("", max_length=120)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=120)
    address: str = Field("", max_length=200)
    seat_municipality: str | None = None
    iban: str = Field("", max_length=50)
    notes: str = Field("", max_length=2000)


class ProviderPatch(StrictSchema):
    kind: ProviderKind | None = None
    name: str | None = Field(None, max_length=200)
    registration_number: str | None = Field(None, max_length=30)
    contact_person: str | None = Field(None, max_length=120)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=120)
    address: str | None = Field(None, max_length=200)
    seat_municipality: str | None = None
    iban: str | None = Field(None, max_length=50)
    active: bool | None = None
    notes: str | None = Field(None, max_length=2000)


class ProviderOut(Schema):
    id: int
    municipality: str
    kind: str
    name: str
    registration_number: str | None = Field(
        None, description="null: a natural person's personal code, shown only to writers"
    )
    contact_person: str
    phone: str
    email: str
    address: str
    seat_municipality: str | None
    iban: str
    active: bool
    distance_km: Decimal | None = None
    registration_ok: bool | None = None
    registration_lapsed: bool | None = None


class ProviderPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[ProviderOut]


class ProviderQuery(BoundedSchema):
    q: str = Field("", max_length=100)
    service_type: str = ""
    municipality: str = ""
    near: str = Field("", description="pašvaldības kods, no kuras centra mēra attālumu")
    max_km: Decimal | None = Field(None, ge=0, le=1000)
    status: str = Field("", pattern="^(|ok|lapsed|missing)$")
    include_inactive: bool = False
    sort: str = "name"
    offset: Offset = 0
    limit: int = Field(50, ge=1, le=MAX_PAGE)


class RegistrationIn(StrictSchema):
    register_kind: RegisterKind
    number: str = Field(max_length=40)
    service_types: list[str]
    valid_from: dt.date
    valid_to: dt.date | None = None
    verified_on: dt.date | None = None


class RegistrationPatch(StrictSchema):
    register_kind: RegisterKind | None = None
    number: str | None = Field(None, max_length=40)
    service_types: list[str] | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    verified_on: dt.date | None = None


class RegistrationOut(Schema):
    id: int
    provider_id: int
    register_kind: str = Field(description="social_service_providers / medical_practitioners")
    number: str
    service_types: list[str]
    valid_from: dt.date
    valid_to: dt.date | None
    verified_on: dt.date | None
    verified_by_id: int | None


class LocationIn(StrictSchema):
    kind: LocationKind
    municipality: str | None = None
    address: str = Field("", max_length=200)
    active: bool = True


class LocationPatch(StrictSchema):
    kind: LocationKind | None = None
    municipality: str | None = None
    address: str | None = Field(None, max_length=200)
    active: bool | None = None


class LocationOut(Schema):
    id: int
    provider_id: int
    kind: str
    municipality: str | None
    address: str
    active: bool


class TariffIn(StrictSchema):
    service_type: str
    location_id: int | None = None
    unit_price: Money
    session_minutes: int | None = None
    remote_allowed: bool = False
    valid_from: dt.date
    valid_to: dt.date | None = None


class TariffPatch(StrictSchema):
    unit_price: Money | None = None
    session_minutes: int | None = None
    remote_allowed: bool | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class TariffOut(Schema):
    id: int
    provider_id: int
    service_type: str
    location_id: int | None
    unit_price: Money
    session_minutes: int | None
    remote_allowed: bool
    valid_from: dt.date
    valid_to: dt.date | None


class PriceQuery(BoundedSchema):
    service_type: str
    day: dt.date
    provider: int | None = None
    location: int | None = None
    municipality: str = ""


class PriceOnDateOut(Schema):
    unit_price: Money
    source: str
    session_minutes: int | None
    tariff_id: int | None
    remote_allowed: bool


class StatusOut(Schema):
    provider_id: int
    service_type: str
    day: dt.date
    status: str


class TransportQuery(BoundedSchema):
    origin: str
    destination: str
    day: dt.date | None = None
    round_trip: bool = True


class TransportOut(Schema):
    km: Decimal
    unit_price: Money
    amount: Money
    price_source: str
