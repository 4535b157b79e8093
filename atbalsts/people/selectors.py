"""Reads of the people register; every query goes through the people policies."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from atbalsts.core.collation import latvian_order
from atbalsts.core.models import AuditEvent
from atbalsts.core.policies import Action

from .models import CaseAssignment, Client, ClientStatus, Consent, Referral, TargetGroup
from .policies import client_policy, referral_policy
from .pseudonyms import client_pseudonym

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

_NAMES = ("last_name", "first_name", "municipality__name")
# Names in Latvian order (core.collation): Ābele, Avotiņa, Cālītis, Čakste, Šteins, Zariņš.
CLIENT_SORTS = {
    "name": latvian_order("last_name", "first_name", "id", text=_NAMES),
    "-name": latvian_order("-last_name", "-first_name", "-id", text=_NAMES),
    "municipality": latvian_order("municipality__name", "last_name", "id", text=_NAMES),
    "-municipality": latvian_order("-municipality__name", "-last_name", "-id", text=_NAMES),
    "start": ("start_date", "id"),
    "-start": ("-start_date", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
}
_CODE_LIKE = re.compile(r"^[\d-]{2,12}$")


@dataclass(frozen=True)
class ClientFilters:
    search: str = ""
    municipality_id: int | None = None
    status: str = ""
    target_group: str = ""
    sort: str = "name"
    worker: str = ""  # a social worker's id: the cases they hold today; "none": nobody's


def _held_today() -> Q:
    today = timezone.localdate()
    return Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


def client_list(*, user: Viewer, filters: ClientFilters | None = None) -> QuerySet[Client]:
    filters = filters or ClientFilters()
    qs = client_policy.visible(user, Client.objects.select_related("municipality"))
    if filters.municipality_id:
        qs = qs.filter(municipality_id=filters.municipality_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.target_group:
        qs = qs.filter(target_group=filters.target_group)
    if filters.worker:
        held = CaseAssignment.objects.filter(_held_today(), client=OuterRef("pk"))
        if filters.worker == "none":
            qs = qs.exclude(Exists(held))
        else:
            qs = qs.filter(Exists(held.filter(social_worker_id=int(filters.worker))))
    term = filters.search.strip()
    if term:
        qs = qs.filter(_client_search(user, term))
    return qs.order_by(*CLIENT_SORTS.get(filters.sort, CLIENT_SORTS["name"]))


def _client_search(user: Viewer, term: str) -> Q:
    if not client_policy.can(user, Action.VIEW_IDENTITY):
        # Those who may not see names or codes may not search by them either.
        return Q(pk__in=[])
    if _CODE_LIKE.match(term):
        digits = term.replace("-", "")
        code = digits[:6] + ("-" + digits[6:] if len(digits) > 6 else "")
        return Q(personal_code__startswith=code)
    query = Q()
    for word in term.split():
        query &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return query


@dataclass(frozen=True)
class PseudonymRow:
    """A client as the ministry analyst sees one in a list: no id, name, code or birth."""

    pseudonym: str
    municipality: str  # its name
    municipality_code: str
    target_group: str  # the codes; the labels below
    status: str
    start_date: dt.date

    @property
    def target_group_label(self) -> str:
        return str(dict(TargetGroup.choices).get(self.target_group, self.target_group))

    @property
    def status_label(self) -> str:
        return str(dict(ClientStatus.choices).get(self.status, self.status))


def client_pseudonym_rows(
    *, user: Viewer, filters: ClientFilters | None = None
) -> list[PseudonymRow]:
    """The clients the user sees only as pseudonyms (`client_policy.pseudonymous_only`), in
    the order of their pseudonyms (an order that says nothing about names or registration).
    The policy limits them to those whose research consent is in force; a search term finds
    nothing (names and codes are not theirs to search by)."""
    filters = filters or ClientFilters()
    if filters.search.strip():
        return []
    qs = client_policy.visible(user, Client.objects.all())
    if filters.municipality_id:
        qs = qs.filter(municipality_id=filters.municipality_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.target_group:
        qs = qs.filter(target_group=filters.target_group)
    rows = [
        PseudonymRow(
            pseudonym=client_pseudonym(pk),
            municipality=name,
            municipality_code=code,
            target_group=group,
            status=status,
            start_date=start,
        )
        for pk, name, code, group, status, start in qs.values_list(
            "pk",
            "municipality__name",
            "municipality__code",
            "target_group",
            "status",
            "start_date",
        ).iterator(chunk_size=5000)
    ]
    rows.sort(key=lambda r: r.pseudonym)
    return rows


def client_get(*, user: Viewer, pk: Any) -> Client:
    """The client if the user may see them; Http404 otherwise."""
    return client_policy.get_visible(user, Client.objects.select_related("municipality"), pk=pk)


def client_current_assignment(*, client: Client) -> CaseAssignment | None:
    return client.assignments.filter(end_date__isnull=True).select_related("social_worker").first()


def consent_current(*, client: Client) -> dict[str, list[Consent]]:
    """Consents split into active and revoked, newest first."""
    consents = list(client.consents.select_related("given_by_representative"))
    return {
        "active": [c for c in consents if c.is_active],
        "revoked": [c for c in consents if not c.is_active],
    }


def referral_list(*, user: Viewer, decision: str = "", search: str = "") -> QuerySet[Referral]:
    qs = referral_policy.visible(user, Referral.objects.select_related("municipality", "client"))
    if decision:
        qs = qs.filter(decision=decision)
    for word in search.split():
        qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return qs


def referral_get(*, user: Viewer, pk: Any) -> Referral:
    return referral_policy.get_visible(user, Referral.objects.select_related("municipality"), pk=pk)


def client_audit_events(*, client: Client) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(client_id=client.pk).select_related("actor")


def my_active_cases(*, user: Viewer) -> QuerySet[Client]:
    """The clients whose case the user holds today."""
    if not user.is_authenticated:
        return Client.objects.none()
    today = timezone.localdate()
    return (
        client_policy.visible(user, Client.objects.all())
        .filter(
            assignments__social_worker=user,
            assignments__start_date__lte=today,
            assignments__end_date__isnull=True,
        )
        .distinct()
    )


def may_assign_cases(user: Viewer) -> bool:
    """Does the user give cases to social workers (the start page lists clients without one)."""
    return user.is_authenticated and client_policy.can(
        user, Action.ASSIGN, getattr(user, "municipality_id", None)
    )


def clients_without_case_worker(*, user: Viewer) -> QuerySet[Client]:
    """Clients not closed whom no social worker holds today (the head assigns them)."""
    if not user.is_authenticated:
        return Client.objects.none()
    today = timezone.localdate()
    held = CaseAssignment.objects.filter(client=OuterRef("pk"), start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return (
        client_policy.visible(user, Client.objects.all())
        .exclude(status=ClientStatus.CLOSED)
        .exclude(Exists(held))
        .order_by(*latvian_order("last_name", "first_name", "pk", text=_NAMES))
    )
