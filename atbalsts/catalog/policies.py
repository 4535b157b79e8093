"""Who may see and change the catalogue and the provider register, decided in one place.

- The catalogue of service types is shared by every municipality: every staff role reads it,
  the heads of social service and the system administrator change it.
- Municipal prices belong to one municipality: its staff read them, its head writes them.
- The provider register is read across municipalities (a provider in Rīga serves people from
  Balvi), but a provider record is changed only by the head of the municipality that
  registered it (or the administrator). Provider staff see only their own organisation.
- A natural person's registration number is their personal code: only writers see it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet

from atbalsts.core.policies import Action, Policy, municipality_scope, role_of
from atbalsts.core.roles import Role
from atbalsts.core.scoping import scoped
from atbalsts.people.models import Municipality

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

from .models import (
    MunicipalPrice,
    Provider,
    ProviderLocation,
    ProviderRegistration,
    ServiceType,
    Tariff,
)

_WRITERS = frozenset({Role.HEAD, Role.ADMIN})
_STAFF_READERS = frozenset(
    {Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR, Role.ADMIN}
)
_CATALOGUE_READERS = _STAFF_READERS | {Role.ANALYST, Role.PROVIDER}


def _provider_of(obj: Any) -> Provider | None:
    if isinstance(obj, Provider):
        return obj
    if isinstance(obj, ProviderRegistration | ProviderLocation | Tariff):
        return obj.provider
    return None


def own_provider_id(user: Viewer) -> int | None:
    """The provider organisation a provider-staff user works for, if any."""
    if role_of(user) != Role.PROVIDER:
        return None
    membership = getattr(user, "provider_membership", None)
    return membership.provider_id if membership is not None else None


def _own_municipality(user: Viewer, municipality_id: int | None) -> bool:
    scope = municipality_scope(user)
    if scope is False:
        return False
    return scope is None or municipality_id is None or municipality_id == scope


def names_other_municipality(user: Viewer, code: str | None) -> bool:
    """A user of one municipality writes prices and providers only for it: a request that
    names another municipality by `code` is refused as not permitted."""
    own = getattr(user, "municipality", None)
    return own is not None and bool(code) and code != own.code


class ServiceTypePolicy(Policy[ServiceType]):
    """`obj` is a ServiceType (or None for the catalogue as a whole)."""

    def visible(self, user: Viewer, queryset: QuerySet[ServiceType]) -> QuerySet[ServiceType]:
        return queryset if role_of(user) in _CATALOGUE_READERS else queryset.none()

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        if action == Action.VIEW:
            return role in _CATALOGUE_READERS
        if action in (Action.CREATE, Action.CHANGE, Action.DELETE):
            return role in _WRITERS
        return False

    def may_exchange_files(self, user: Viewer) -> bool:
        """Importing and exporting catalogue files is for the municipality's staff who read
        the catalogue, not for provider organisations (they see only their own records)."""
        return self.can(user, Action.VIEW) and role_of(user) != Role.PROVIDER


class MunicipalPricePolicy(Policy[MunicipalPrice]):
    """`obj` is a MunicipalPrice or the Municipality (its id) the price would belong to."""

    def visible(self, user: Viewer, queryset: QuerySet[MunicipalPrice]) -> QuerySet[MunicipalPrice]:
        return scoped(user, queryset, "municipality_id", _STAFF_READERS)

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        if role not in _STAFF_READERS:
            return False
        municipality_id = (
            obj.municipality_id
            if isinstance(obj, MunicipalPrice)
            else getattr(obj, "pk", obj)
            if obj is not None
            else None
        )
        if not _own_municipality(user, municipality_id):
            return False
        if action == Action.VIEW:
            return True
        if action in (Action.CREATE, Action.CHANGE):
            return role in _WRITERS
        return False


class ProviderPolicy(Policy[Provider]):
    """Providers and what hangs off them (registrations, locations, tariffs, staff).

    `obj` is a Provider, one of its children, or (for CREATE) the registering Municipality.
    """

    def visible(self, user: Viewer, queryset: QuerySet[Provider]) -> QuerySet[Provider]:
        role = role_of(user)
        if role in _STAFF_READERS:
            return queryset
        if role == Role.PROVIDER:
            return queryset.filter(pk=own_provider_id(user) or -1)
        return queryset.none()

    def visible_children(self, user: Viewer, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Registrations, locations or tariffs of the providers the user may see."""
        role = role_of(user)
        if role in _STAFF_READERS:
            return queryset
        if role == Role.PROVIDER:
            return queryset.filter(provider_id=own_provider_id(user) or -1)
        return queryset.none()

    def changeable(self, user: Viewer, queryset: QuerySet[Provider]) -> QuerySet[Provider]:
        """The providers the user keeps: a head, their municipality's; the admin, all."""
        return scoped(user, queryset, "municipality_id", _WRITERS)

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        provider = _provider_of(obj)
        if role is None:
            return False
        if action == Action.VIEW:
            if role == Role.PROVIDER:
                return provider is not None and provider.pk == own_provider_id(user)
            return role in _STAFF_READERS
        if action == Action.VIEW_IDENTITY:
            # the registration number of a natural person is their personal code
            return role in _WRITERS and self._owns(user, provider, obj)
        if action in (Action.CREATE, Action.CHANGE):
            return role in _WRITERS and self._owns(user, provider, obj)
        return False

    @staticmethod
    def _owns(user: Viewer, provider: Provider | None, obj: Any) -> bool:
        if provider is not None:
            return _own_municipality(user, provider.municipality_id)
        if isinstance(obj, Model):
            return _own_municipality(user, obj.pk)
        return _own_municipality(user, obj if isinstance(obj, int) else None)


service_type_policy = ServiceTypePolicy()
municipal_price_policy = MunicipalPricePolicy()
provider_policy = ProviderPolicy()


# --- contracts, free places and complaints (issue 16) -------------------------------------------

_CONTRACT_READERS = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR})
_COMPLAINT_READERS = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.AUDITOR, Role.ADMIN})
_COMPLAINT_WRITERS = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ADMIN})


class ProviderQualityPolicy(Policy[Any]):
    """A provider's contracts with municipalities, its free places and complaints about it.

    - Contracts belong to the contracting municipality: its social service, accountants and
      auditors read them, its head (or the administrator) registers them. Provider staff read
      their own organisation's contracts.
    - Free places are entered by the provider's own staff alone and read by every staff role
      that chooses providers.
    - Complaints are recorded by the municipality's social service (the social worker, also
      for the person or their representative) and read by it and its auditors; provider staff
      and analysts do not see them.
    """

    def visible(self, user: Viewer, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Contracts the user may read."""
        role = role_of(user)
        if role == Role.PROVIDER:
            return queryset.filter(provider_id=own_provider_id(user) or -1)
        if role == Role.ADMIN:
            return queryset
        return scoped(user, queryset, "municipality_id", _CONTRACT_READERS)

    def visible_complaints(self, user: Viewer, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return scoped(user, queryset, "municipality_id", _COMPLAINT_READERS)

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        """CREATE/CHANGE a contract (`obj`: the Municipality or the contract)."""
        if action not in (Action.CREATE, Action.CHANGE):
            return False
        if isinstance(obj, Municipality):
            municipality_id: int | None = obj.pk
        else:
            municipality_id = getattr(obj, "municipality_id", None)
        return role_of(user) in _WRITERS and _own_municipality(user, municipality_id)

    def may_set_capacity(self, user: Viewer, provider: Provider) -> bool:
        return own_provider_id(user) == provider.pk

    def may_record_complaint(self, user: Viewer, municipality_id: int | None) -> bool:
        return role_of(user) in _COMPLAINT_WRITERS and _own_municipality(user, municipality_id)

    def may_see_complaints(self, user: Viewer) -> bool:
        return role_of(user) in _COMPLAINT_READERS


provider_quality_policy = ProviderQualityPolicy()
