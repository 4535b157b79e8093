"""Who may see and do what with sessions, no-show rules and emergency situations.

- Provider staff see and record only their own organisation's sessions, for clients whose
  letter to that organisation is in force (see `selectors.letters_for_recording`).
- Social workers and the head of the client's municipality (and administrators) see every
  session of the municipality's clients, may record them (paper attendance sheets) and alone
  confirm the exceptions: a duration that differs from the letter, a remote session without
  evidence, a signature by the social worker.
- Accountants read sessions and amounts, never the notes of the shared card.
- Auditors read, change nothing. Ministry analysts see nothing personal here.
- Only the head (or an administrator) sets the no-show rule and declares emergencies.
- A month's sessions file is imported by provider staff or the social service; the calendar
  is read by provider staff, the social service and auditors.

The notes of the shared client card follow `card_access` below: the content of confidential
services (psychologist, psychotherapist, medical) stays with the provider that wrote it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from atbalsts.catalog.policies import own_provider_id
from atbalsts.core.policies import Action, Policy, role_of
from atbalsts.core.roles import Role
from atbalsts.core.scoping import in_scope, scoped
from atbalsts.people.models import Client, Municipality
from atbalsts.plans.models import GuaranteeLetter

from .models import EmergencySituation, NoShowRule, Session

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

_SOCIAL_SERVICE = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ADMIN})
_READERS = _SOCIAL_SERVICE | {Role.ACCOUNTANT, Role.AUDITOR}
_NOTE_READERS = _SOCIAL_SERVICE | {Role.AUDITOR}
_DECIDERS = frozenset({Role.HEAD, Role.ADMIN})
_CALENDAR_READERS = _SOCIAL_SERVICE | {Role.PROVIDER, Role.AUDITOR}


def _municipality_id_of(obj: Any) -> int | None:
    if isinstance(obj, Municipality):
        return obj.pk
    if isinstance(obj, Client):
        return obj.municipality_id
    if isinstance(obj, Session):
        return obj.client.municipality_id
    if isinstance(obj, GuaranteeLetter | EmergencySituation | NoShowRule):
        return obj.municipality_id
    return getattr(obj, "municipality_id", None)


def _provider_id_of(obj: Any) -> int | None:
    return getattr(obj, "provider_id", None)


class DeliveryPolicy(Policy[Session]):
    """Sessions. `obj` is a Session, or for CREATE the GuaranteeLetter it is recorded under.

    VIEW: the session and its amount; VIEW_NOTES: the shared card notes (further limited by
    `card_access`); CREATE/CHANGE: record and correct; DECIDE: confirm an exception.
    """

    def visible(self, user: Viewer, queryset: QuerySet[Session]) -> QuerySet[Session]:
        role = role_of(user)
        if role == Role.PROVIDER:
            provider_id = own_provider_id(user)
            return queryset.filter(provider_id=provider_id) if provider_id else queryset.none()
        return scoped(user, queryset, "client__municipality_id", _READERS)

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        if role is None:
            return False
        if role == Role.PROVIDER:
            provider_id = own_provider_id(user)
            if provider_id is None or action == Action.DECIDE:
                return False
            if obj is not None and _provider_id_of(obj) != provider_id:
                return False
            return action in (Action.VIEW, Action.VIEW_NOTES, Action.CREATE, Action.CHANGE)
        if not in_scope(user, obj, _municipality_id_of):
            return False
        if action == Action.VIEW:
            return role in _READERS
        if action == Action.VIEW_NOTES:
            return role in _NOTE_READERS
        if action in (Action.CREATE, Action.CHANGE, Action.DECIDE):
            return role in _SOCIAL_SERVICE
        return False

    def is_social_service(self, user: Viewer) -> bool:
        """The municipality's social service (or an administrator): records paper attendance
        sheets and alone confirms the exceptions (signature, duration, missing evidence)."""
        return role_of(user) in _SOCIAL_SERVICE

    def is_provider_staff(self, user: Viewer) -> bool:
        """Provider staff reach clients, letters and the calendar only through their own
        organisation's letters, never through the people register or a provider filter."""
        return role_of(user) == Role.PROVIDER

    def serves_clients(self, user: Viewer) -> bool:
        """Provider staff of an organisation: they have clients of their own to serve."""
        return own_provider_id(user) is not None

    def provider_wrote(self, user: Viewer, session: Session) -> bool:
        """The user works for the provider that recorded the session (its notes are theirs;
        anyone else reading its conclusion is audited)."""
        return session.provider_id == own_provider_id(user)

    def may_print_attendance(self, user: Viewer) -> bool:
        """A client's monthly attendance sheet to sign on paper: provider staff (for their own
        clients) and the social service (the sessions shown are those the user may see)."""
        return self.serves_clients(user) or self.is_social_service(user)

    def attendance_batch_scope(self, user: Viewer) -> tuple[str, int] | None:
        """Whose sheets of a month the user may have in one PDF: provider staff their own
        organisation's ("provider", id), the municipality's social workers and head their
        municipality's ("municipality", id); anybody else (an administrator, who has no
        municipality of their own, too) none."""
        role = role_of(user)
        if role == Role.PROVIDER:
            provider_id = own_provider_id(user)
            return ("provider", provider_id) if provider_id is not None else None
        municipality_id = getattr(user, "municipality_id", None)
        if role in (Role.SOCIAL_WORKER, Role.HEAD) and municipality_id is not None:
            return ("municipality", int(municipality_id))
        return None

    def letter_visible(self, user: Viewer, letter: GuaranteeLetter) -> bool:
        """May the user see a letter to record or read sessions under it: provider staff only
        their own organisation's letters, the municipality's staff those of their clients."""
        return self.can(user, Action.VIEW, letter)

    def may_import_sessions(self, user: Viewer) -> bool:
        """A month's sessions file is imported by provider staff (for their organisation) or
        by the social service (paper sheets); each row is then checked like one typed in."""
        return self.serves_clients(user) or self.is_social_service(user)

    def may_see_calendar(self, user: Viewer) -> bool:
        """The calendar of planned and recorded sessions: provider staff, the social service
        and auditors (accountants and analysts have no use for it)."""
        return role_of(user) in _CALENDAR_READERS


class MunicipalRulePolicy(Policy[Any]):
    """No-show rules and emergency situations: read by the municipality's staff (and by
    provider staff, who need to know when remote work is allowed), written by the head."""

    def visible(self, user: Viewer, queryset: QuerySet[Any]) -> QuerySet[Any]:
        role = role_of(user)
        if role == Role.PROVIDER:
            return queryset if own_provider_id(user) else queryset.none()
        return scoped(user, queryset, "municipality_id", _READERS)

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        if role is None:
            return False
        if action == Action.VIEW:
            if role == Role.PROVIDER:
                return own_provider_id(user) is not None
            return role in _READERS and in_scope(user, obj, _municipality_id_of)
        if action in (Action.CREATE, Action.CHANGE):
            return role in _DECIDERS and in_scope(user, obj, _municipality_id_of)
        return False


delivery_policy = DeliveryPolicy()
municipal_rule_policy = MunicipalRulePolicy()


def visible_cancellations(user: Viewer, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Cancellations are read like sessions: provider staff their own organisation's, the
    municipality's readers those of its clients."""
    role = role_of(user)
    if role == Role.PROVIDER:
        provider_id = own_provider_id(user)
        return queryset.filter(provider_id=provider_id) if provider_id else queryset.none()
    return scoped(user, queryset, "client__municipality_id", _READERS)


def may_decide_remote_quality(user: Viewer, client: Client) -> bool:
    """Whether remote delivery keeps a service's quality for a person is the social service's
    decision (the social worker, the head; never the provider)."""
    return delivery_policy.can(user, Action.DECIDE, client)
