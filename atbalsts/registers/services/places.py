"""Where a provider's premises are in the address register (the point distances are measured
to). Changed by whoever may change the provider."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.addresses.models import Address
from atbalsts.catalog.models import LocationKind, ProviderLocation
from atbalsts.catalog.policies import provider_policy
from atbalsts.catalog.services import location_update
from atbalsts.core.actors import Actor
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.policies import Action

from ..models import LocationPlace


@transaction.atomic
def location_place_set(
    *, actor: Actor, location: ProviderLocation, address: Address | None
) -> LocationPlace | None:
    """Point the premises at an address of the register (its text becomes the location's
    address), or, with None, back to a free-text address that is not geocoded."""
    provider_policy.require(actor, Action.CHANGE, location.provider)
    if address is None:
        LocationPlace.objects.filter(location=location).delete()
        return None
    if location.kind != LocationKind.PREMISES:
        raise ValidationFailed({"address": [_("Adresi norāda tikai sniedzēja telpām.")]})
    if not address.active:
        raise ValidationFailed({"address": [_("Šī adrese adrešu reģistrā vairs nepastāv.")]})
    location_update(actor=actor, location=location, data={"address": address.text[:200]})
    place, _created = LocationPlace.objects.update_or_create(
        location=location, defaults={"address": address}
    )
    return place
