"""Reads of the address register: search as you type, and one address by id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from atbalsts.core.validation import id_or_none

from .extract import search_key
from .models import Address
from .policies import address_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

MIN_QUERY = 3
LIMIT = 15


def address_search(*, user: Viewer, query: str, limit: int = LIMIT) -> list[Address]:
    """Existing addresses whose text holds every word of `query` (case and diacritics
    aside), the shortest first: „brīvības 4 balvi” finds „Brīvības iela 4, Balvi, …”."""
    words = search_key(query).replace(",", " ").split()
    if len("".join(words)) < MIN_QUERY:
        return []
    qs: QuerySet[Address] = address_policy.visible(user, Address.objects.filter(active=True))
    for word in words[:6]:
        qs = qs.filter(search_text__contains=word)
    found = list(qs.order_by("text", "code")[: limit * 4])
    found.sort(key=lambda a: (len(a.text), a.text))
    return found[:limit]


def address_get(*, user: Viewer, pk: object) -> Address | None:
    """The address if the user may see the register; None for a bad or unknown id."""
    found = id_or_none(pk)
    if found is None:
        return None
    return address_policy.visible(user, Address.objects.all()).filter(pk=found).first()
