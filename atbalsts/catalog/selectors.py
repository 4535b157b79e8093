"""Reads of the catalogue: the one "price on date D" rule, registration status, search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, DecimalField, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.collation import latvian_order
from atbalsts.core.dates import dmy
from atbalsts.core.money import round_money
from atbalsts.people.models import Municipality

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

from .errors import TariffNotValidOnDate
from .geography import distance_km, distances_from
from .models import (
    MunicipalPrice,
    Provider,
    ProviderLocation,
    ProviderRegistration,
    ServiceCategory,
    ServiceType,
    ServiceUnit,
    Tariff,
)
from .policies import (
    municipal_price_policy,
    provider_policy,
    service_type_policy,
)

# --- the price on a date ------------------------------------------------------------------------


class PriceSource:
    TARIFF = "tariff"
    MUNICIPAL = "municipal_default"
    DI_UNIT_COST = "di_unit_cost"
    CATALOGUE = "catalogue_default"

    LABELS = {
        TARIFF: _("sniedzēja tarifs"),
        MUNICIPAL: _("pašvaldības cena"),
        DI_UNIT_COST: _("DI vienības izmaksas"),
        CATALOGUE: _("kataloga cena"),
    }


@dataclass(frozen=True)
class PriceOnDate:
    unit_price: Decimal
    source: str
    session_minutes: int | None
    tariff_id: int | None = None
    remote_allowed: bool = False

    @property
    def source_label(self) -> str:
        return str(PriceSource.LABELS[self.source])


def _valid_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def price_on(
    *,
    provider: Provider | None,
    service_type: ServiceType,
    day: dt.date,
    location: ProviderLocation | None = None,
    municipality: Municipality | None = None,
) -> PriceOnDate:
    """The unit price of `service_type` on `day`, the one rule every plan line and invoice uses.

    In order: the provider's tariff for the location (when one is given), else its tariff with
    no location; the paying municipality's own price; the DI unit cost (the municipality's, then
    the catalogue's); the catalogue default. Periods include both `valid_from` and `valid_to`.
    """
    minutes = service_type.default_session_minutes
    if provider is not None:
        tariffs = Tariff.objects.filter(
            _valid_on(day), provider=provider, service_type=service_type
        ).order_by("-valid_from")
        tariff = tariffs.filter(location=location).first() if location is not None else None
        if tariff is None:
            tariff = tariffs.filter(location__isnull=True).first()
        if tariff is not None:
            return PriceOnDate(
                unit_price=tariff.unit_price,
                source=PriceSource.TARIFF,
                session_minutes=tariff.session_minutes or minutes,
                tariff_id=tariff.pk,
                remote_allowed=tariff.remote_allowed,
            )
    remote = service_type.remote_allowed
    if municipality is not None:
        local = (
            MunicipalPrice.objects.filter(
                _valid_on(day), municipality=municipality, service_type=service_type
            )
            .order_by("-valid_from")
            .first()
        )
        if local is not None and local.unit_price is not None:
            return PriceOnDate(local.unit_price, PriceSource.MUNICIPAL, minutes, None, remote)
        if local is not None and local.di_unit_cost is not None:
            return PriceOnDate(local.di_unit_cost, PriceSource.DI_UNIT_COST, minutes, None, remote)
    if service_type.di_unit_cost is not None:
        return PriceOnDate(
            service_type.di_unit_cost, PriceSource.DI_UNIT_COST, minutes, None, remote
        )
    if service_type.default_unit_price is not None:
        return PriceOnDate(
            service_type.default_unit_price, PriceSource.CATALOGUE, minutes, None, remote
        )
    raise TariffNotValidOnDate(
        _("Pakalpojumam „%(service)s” %(day)s nav spēkā esošas cenas.")
        % {"service": service_type.name_lv, "day": dmy(day)},
        field="service_type",
    )


# --- registrations --------------------------------------------------------------------------


class RegistrationStatus:
    OK = "ok"
    LAPSED = "lapsed"
    MISSING = "missing"

    LABELS = {
        OK: _("reģistrācija derīga"),
        LAPSED: _("reģistrācijas termiņš beidzies"),
        MISSING: _("reģistrācijas nav"),
    }


def provider_registration_status(
    *, provider: Provider, service_type: ServiceType, day: dt.date
) -> str:
    """ok: a registration covering the service is valid on `day` (or none is required);
    lapsed: the only covering registrations ended before `day`; missing: otherwise."""
    if not service_type.registration_required:
        return RegistrationStatus.OK
    covering = ProviderRegistration.objects.filter(provider=provider, service_types=service_type)
    if covering.filter(_valid_on(day)).exists():
        return RegistrationStatus.OK
    if covering.filter(valid_to__lt=day).exists():
        return RegistrationStatus.LAPSED
    return RegistrationStatus.MISSING


@dataclass(frozen=True)
class ServiceFlag:
    service_type: ServiceType
    status: str

    @property
    def label(self) -> str:
        return str(RegistrationStatus.LABELS[self.status])

    @property
    def flagged(self) -> bool:
        return self.status != RegistrationStatus.OK


def provider_service_flags(*, provider: Provider, day: dt.date) -> list[ServiceFlag]:
    """The registration status of every service the provider has a tariff or registration for."""
    service_ids = set(provider.tariffs.values_list("service_type_id", flat=True))
    service_ids |= set(
        ProviderRegistration.service_types.through.objects.filter(
            providerregistration__provider=provider
        ).values_list("servicetype_id", flat=True)
    )
    return [
        ServiceFlag(st, provider_registration_status(provider=provider, service_type=st, day=day))
        for st in ServiceType.objects.filter(pk__in=service_ids).order_by("name_lv")
    ]


# --- service types and prices -----------------------------------------------------------------


def service_type_list(
    *, user: Viewer, category: str = "", include_retired: bool = False, search: str = ""
) -> QuerySet[ServiceType]:
    qs = service_type_policy.visible(user, ServiceType.objects.all())
    if category:
        qs = qs.filter(category=category)
    if not include_retired:
        qs = qs.filter(retired_at__isnull=True)
    for word in search.split():
        qs = qs.filter(Q(name_lv__icontains=word) | Q(name_en__icontains=word))
    return qs.order_by("category", "name_lv")


def service_type_get(*, user: Viewer, pk: Any) -> ServiceType:
    return service_type_policy.get_visible(user, ServiceType.objects.all(), pk=pk)


def service_type_in_use(*, service_type: ServiceType) -> bool:
    return (
        service_type.tariffs.exists()
        or service_type.municipal_prices.exists()
        or service_type.registrations.exists()
    )


def municipal_price_list(
    *, user: Viewer, municipality_id: int | None = None, service_type_id: int | None = None
) -> QuerySet[MunicipalPrice]:
    qs = municipal_price_policy.visible(
        user, MunicipalPrice.objects.select_related("municipality", "service_type")
    )
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    if service_type_id:
        qs = qs.filter(service_type_id=service_type_id)
    return qs.order_by("municipality__name", "service_type__name_lv", "-valid_from")


def municipal_price_get(*, user: Viewer, pk: Any) -> MunicipalPrice:
    return municipal_price_policy.get_visible(
        user, MunicipalPrice.objects.select_related("municipality", "service_type"), pk=pk
    )


# --- providers --------------------------------------------------------------------------------

_NAMES = ("name", "municipality__name")
# Names in Latvian order (core.collation).
PROVIDER_SORTS = {
    "name": latvian_order("name", "id", text=_NAMES),
    "-name": latvian_order("-name", "-id", text=_NAMES),
    "municipality": latvian_order("municipality__name", "name", "id", text=_NAMES),
    "-municipality": latvian_order("-municipality__name", "-name", "-id", text=_NAMES),
    "distance": latvian_order("distance", "name", "id", text=_NAMES),
    "-distance": latvian_order("-distance", "-name", "-id", text=_NAMES),
}


@dataclass(frozen=True)
class ProviderFilters:
    search: str = ""
    service_type_id: int | None = None
    municipality_id: int | None = None
    near_municipality_id: int | None = None
    max_km: Decimal | None = None
    registration_status: str = ""
    include_inactive: bool = False
    day: dt.date | None = None
    sort: str = "name"


def _covering(service_type_id: int | None) -> QuerySet[ProviderRegistration]:
    qs = ProviderRegistration.objects.filter(provider=OuterRef("pk"))
    return qs.filter(service_types=service_type_id) if service_type_id else qs


def provider_list(*, user: Viewer, filters: ProviderFilters | None = None) -> QuerySet[Provider]:
    """Providers the user may see, filtered; annotated with `distance` (km or None) and
    `registration_ok` / `registration_lapsed` for the chosen service (or any registration)."""
    filters = filters or ProviderFilters()
    day = filters.day or timezone.localdate()
    qs = provider_policy.visible(user, Provider.objects.select_related("municipality"))
    if not filters.include_inactive:
        qs = qs.filter(active=True)
    for word in filters.search.split():
        qs = qs.filter(Q(name__icontains=word) | Q(registration_number__startswith=word))
    if filters.service_type_id:
        qs = qs.filter(
            Exists(
                Tariff.objects.filter(
                    provider=OuterRef("pk"), service_type_id=filters.service_type_id
                )
            )
            | Exists(_covering(filters.service_type_id))
        )
    if filters.municipality_id:
        qs = qs.filter(
            Q(municipality_id=filters.municipality_id)
            | Exists(
                ProviderLocation.objects.filter(
                    provider=OuterRef("pk"), municipality_id=filters.municipality_id, active=True
                )
            )
        )
    required = True
    if filters.service_type_id:
        required = (
            ServiceType.objects.filter(pk=filters.service_type_id)
            .values_list("registration_required", flat=True)
            .first()
            is not False
        )
    qs = qs.annotate(
        registration_ok=Exists(_covering(filters.service_type_id).filter(_valid_on(day)))
        if required
        else Value(True),
        registration_lapsed=Exists(_covering(filters.service_type_id).filter(valid_to__lt=day)),
    )
    if filters.registration_status == RegistrationStatus.OK:
        qs = qs.filter(registration_ok=True)
    elif filters.registration_status == RegistrationStatus.LAPSED:
        qs = qs.filter(registration_ok=False, registration_lapsed=True)
    elif filters.registration_status == RegistrationStatus.MISSING:
        qs = qs.filter(registration_ok=False, registration_lapsed=False)
    qs = _with_distance(qs, filters)
    sort = filters.sort if filters.sort in PROVIDER_SORTS else "name"
    if "distance" in sort and not filters.near_municipality_id:
        sort = "name"
    return qs.order_by(*PROVIDER_SORTS[sort])


def _with_distance(qs: QuerySet[Provider], filters: ProviderFilters) -> QuerySet[Provider]:
    """Annotate the distance from the chosen municipality's centre to the nearest place where
    the provider delivers (its premises or clients' homes in a municipality)."""
    origin = (
        Municipality.objects.filter(pk=filters.near_municipality_id).first()
        if filters.near_municipality_id
        else None
    )
    if origin is None:
        return qs.annotate(distance=Value(None, output_field=DecimalField()))
    km_by_municipality = distances_from(origin)
    nearest: dict[int, Decimal] = {}
    for provider_id, municipality_id in ProviderLocation.objects.filter(
        active=True, municipality__isnull=False
    ).values_list("provider_id", "municipality_id"):
        km = km_by_municipality[municipality_id]
        if provider_id not in nearest or km < nearest[provider_id]:
            nearest[provider_id] = km
    if filters.max_km is not None:
        qs = qs.filter(pk__in=[pk for pk, km in nearest.items() if km <= filters.max_km])
    whens = [When(pk=pk, then=Value(km)) for pk, km in nearest.items()]
    return qs.annotate(
        distance=Case(
            *whens,
            default=Value(None),
            output_field=DecimalField(max_digits=7, decimal_places=1),
        )
    )


def provider_get(*, user: Viewer, pk: Any) -> Provider:
    """The provider if the user may see it; Http404 otherwise."""
    return provider_policy.get_visible(
        user, Provider.objects.select_related("municipality", "seat_municipality"), pk=pk
    )


def provider_tariffs(*, provider: Provider) -> QuerySet[Tariff]:
    """Every tariff of the provider, by service and then over time."""
    return provider.tariffs.select_related("service_type", "location__municipality").order_by(
        "service_type__name_lv", "location_id", "valid_from"
    )


def provider_registrations(*, provider: Provider) -> QuerySet[ProviderRegistration]:
    return provider.registrations.select_related("verified_by").prefetch_related("service_types")


# --- transport --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransportEstimate:
    km: Decimal
    unit_price: Decimal
    amount: Decimal
    price_source: str


def transport_service_type() -> ServiceType | None:
    """The catalogue's kilometre-priced transport service, used for estimates."""
    return (
        ServiceType.objects.filter(
            category=ServiceCategory.TRANSPORT, unit=ServiceUnit.KM, retired_at__isnull=True
        )
        .order_by("pk")
        .first()
    )


def transport_cost_estimate(
    *,
    origin: Municipality,
    destination: Municipality,
    day: dt.date,
    service_type: ServiceType | None = None,
    provider: Provider | None = None,
    round_trip: bool = True,
) -> TransportEstimate:
    """Kilometres between the two centres (both ways when `round_trip`) × the price per km
    on `day`, rounded once to the cent."""
    service_type = service_type or transport_service_type()
    if service_type is None or service_type.unit != ServiceUnit.KM:
        raise TariffNotValidOnDate(
            _("Katalogā nav transporta pakalpojuma ar cenu par kilometru."), field="service_type"
        )
    km = distance_km(origin, destination) * (2 if round_trip else 1)
    price = price_on(provider=provider, service_type=service_type, day=day, municipality=origin)
    return TransportEstimate(
        km=km,
        unit_price=price.unit_price,
        amount=round_money(km * price.unit_price),
        price_source=price.source,
    )


# --- the start page --------------------------------------------------------------------------


def registrations_lapsing(
    *, user: Viewer, today: dt.date, within_days: int = 30
) -> QuerySet[ProviderRegistration]:
    """Registrations of the active providers the user keeps that ended in the last
    `within_days` days or end in the next `within_days` days: time to check the register."""
    window = dt.timedelta(days=within_days)
    kept = provider_policy.changeable(user, Provider.objects.filter(active=True))
    return (
        ProviderRegistration.objects.filter(
            provider__in=kept, valid_to__gte=today - window, valid_to__lte=today + window
        )
        .select_related("provider")
        .order_by("valid_to", "provider__name")
    )


# --- contracts, free places and complaints (issue 16) ------------------------------------------


def provider_contracts(*, user: Viewer, provider: Provider) -> QuerySet[Any]:
    """The provider's contracts the user may read, newest first, with their services."""
    from .models import ProviderContract
    from .policies import provider_quality_policy

    qs = ProviderContract.objects.filter(provider=provider).prefetch_related(
        "services__service_type"
    )
    result: QuerySet[Any] = provider_quality_policy.visible(user, qs).order_by("-valid_from", "-id")
    return result


def contracts_expiring(*, user: Viewer, today: dt.date, within_days: int = 30) -> QuerySet[Any]:
    """Contracts of the user's municipality that ended in the last `within_days` days or end
    in the next `within_days` days: flagged like a lapsing registration."""
    from .models import ProviderContract
    from .policies import provider_quality_policy

    window = dt.timedelta(days=within_days)
    qs = ProviderContract.objects.filter(
        provider__active=True, valid_to__gte=today - window, valid_to__lte=today + window
    ).select_related("provider")
    result: QuerySet[Any] = provider_quality_policy.visible(user, qs).order_by(
        "valid_to", "provider__name"
    )
    return result


def provider_capacities(*, user: Viewer, provider: Provider) -> QuerySet[Any]:
    from .models import ProviderCapacity

    qs = ProviderCapacity.objects.filter(provider=provider).select_related("service_type")
    result: QuerySet[Any] = provider_policy.visible_children(user, qs).order_by(
        "service_type__name_lv"
    )
    return result


def provider_complaints(*, user: Viewer, provider: Provider) -> QuerySet[Any]:
    from .models import ProviderComplaint
    from .policies import provider_quality_policy

    qs = ProviderComplaint.objects.filter(provider=provider).select_related("service_type")
    result: QuerySet[Any] = provider_quality_policy.visible_complaints(user, qs).order_by(
        "-received_on", "-id"
    )
    return result


@dataclass(frozen=True)
class ProviderChoiceNote:
    """What the social worker sees beside a provider when choosing one for a plan line."""

    free_places: int | None  # None: the provider has not said
    open_complaints: int
    complaints: int


def provider_choice_notes(
    *, user: Viewer, provider_ids: list[int], service_type_id: int | None
) -> dict[int, ProviderChoiceNote]:
    """Free places for the service and the complaints (open and all) the user may see, per
    provider, for the plan line's provider choice."""
    from .models import ProviderCapacity, ProviderComplaint
    from .policies import provider_quality_policy

    places: dict[int, int] = {}
    if service_type_id is not None:
        places = dict(
            provider_policy.visible_children(
                user,
                ProviderCapacity.objects.filter(
                    provider_id__in=provider_ids, service_type_id=service_type_id
                ),
            ).values_list("provider_id", "free_places")
        )
    counts: dict[int, list[int]] = {}
    complaints = provider_quality_policy.visible_complaints(
        user, ProviderComplaint.objects.filter(provider_id__in=provider_ids)
    )
    for provider_id, resolved_on in complaints.values_list("provider_id", "resolved_on"):
        entry = counts.setdefault(provider_id, [0, 0])
        entry[1] += 1
        if resolved_on is None:
            entry[0] += 1
    return {
        pk: ProviderChoiceNote(
            free_places=places.get(pk),
            open_complaints=counts.get(pk, [0, 0])[0],
            complaints=counts.get(pk, [0, 0])[1],
        )
        for pk in provider_ids
    }
