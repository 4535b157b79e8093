"""Who may see and do what with invoices and the budget ledger, decided in one place.

- Provider staff see and submit only their own organisation's invoices.
- The social worker (or the head) of the municipality confirms an invoice's content and may
  enter a paper invoice; they may also reject it.
- The accountant of the municipality approves payment, records it as paid, rejects, and
  exports; they see the money but never case notes (invoices hold none).
- The head sees everything of the municipality and, importing its history, records the
  invoices' historic approvals and payments as facts of the past (by name and date);
  auditors read only; analysts see nothing personal here; administrators see all and change
  nothing that moves money.
- Credit notes: a social worker, the head or an accountant of the municipality proposes one
  for an approved or paid invoice; the head or an accountant who did not propose it approves
  or rejects it (four eyes).
- The programme's money: the ministry (analysts) and administrators set co-financing shares
  and envelopes; they, and the heads, accountants and auditors of a municipality (its own
  envelopes), read them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import QuerySet

from atbalsts.catalog.models import Provider
from atbalsts.catalog.policies import own_provider_id
from atbalsts.core.errors import NotPermitted
from atbalsts.core.policies import Action, Policy, municipality_scope, role_of
from atbalsts.core.roles import Role
from atbalsts.core.scoping import in_scope, scoped
from atbalsts.people.models import Client
from atbalsts.people.policies import municipality_id_of

from .models import CreditNote, Invoice

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


class BillingAction(models.TextChoices):
    VIEW = "view"
    SUBMIT = "submit"
    ENTER_PAPER = "enter_paper"
    CONFIRM = "confirm"
    APPROVE = "approve"
    PAY = "pay"
    REJECT = "reject"
    EXPORT = "export"
    VIEW_LEDGER = "view_ledger"
    RECORD_HISTORY = "record_history"
    CREDIT_PROPOSE = "credit_propose"
    CREDIT_DECIDE = "credit_decide"
    PROGRAMME_VIEW = "programme_view"
    PROGRAMME_MANAGE = "programme_manage"


_MUNICIPAL_READERS = frozenset(
    {Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR, Role.ADMIN}
)
_CONTENT_CHECKERS = frozenset({Role.SOCIAL_WORKER, Role.HEAD})
_PAYERS = frozenset({Role.ACCOUNTANT})
_REJECTERS = _CONTENT_CHECKERS | _PAYERS
# Who imports a municipality's history records its historic approvals as facts (never as
# an approval in someone's name): the head of social service.
_HISTORIANS = frozenset({Role.HEAD})
_CREDIT_PROPOSERS = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT})
_CREDIT_DECIDERS = frozenset({Role.HEAD, Role.ACCOUNTANT})
_PROGRAMME_MANAGERS = frozenset({Role.ANALYST, Role.ADMIN})
_PROGRAMME_READERS = _PROGRAMME_MANAGERS | {Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR}
# Differences that tell the client's individual budget: providers do not see them.
BUDGET_CODES = frozenset({"budget_exceeded", "no_budget_period", "no_budget"})


class BillingPolicy(Policy[Invoice]):
    """`obj` is an Invoice; for SUBMIT the Provider; for ENTER_PAPER and EXPORT the
    Municipality; for VIEW_LEDGER the Client; for CREDIT_PROPOSE the Invoice, for
    CREDIT_DECIDE the CreditNote; for PROGRAMME_VIEW a Municipality (or None)."""

    def visible(self, user: Viewer, queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
        role = role_of(user)
        if role == Role.PROVIDER:
            return queryset.filter(provider_id=own_provider_id(user) or -1)
        return scoped(user, queryset, "municipality_id", _MUNICIPAL_READERS)

    def can(self, user: Viewer, action: Action | BillingAction, obj: Any = None) -> bool:
        role = role_of(user)
        if role is None:
            return False
        if role == Role.PROVIDER:
            return self._provider_can(user, action, obj)
        if not in_scope(user, obj, municipality_id_of):
            return False
        if action in (BillingAction.VIEW, Action.VIEW):
            return role in _MUNICIPAL_READERS
        if action == BillingAction.VIEW_LEDGER:
            return role in _MUNICIPAL_READERS and (obj is None or isinstance(obj, Client))
        if action in (BillingAction.ENTER_PAPER, BillingAction.CONFIRM):
            return role in _CONTENT_CHECKERS
        if action in (BillingAction.APPROVE, BillingAction.PAY, BillingAction.EXPORT):
            return role in _PAYERS
        if action == BillingAction.REJECT:
            return role in _REJECTERS
        if action == BillingAction.RECORD_HISTORY:
            return role in _HISTORIANS
        if action == BillingAction.CREDIT_PROPOSE:
            return role in _CREDIT_PROPOSERS
        if action == BillingAction.CREDIT_DECIDE:
            return role in _CREDIT_DECIDERS
        if action == BillingAction.PROGRAMME_VIEW:
            return role in _PROGRAMME_READERS
        if action == BillingAction.PROGRAMME_MANAGE:
            return role in _PROGRAMME_MANAGERS
        return False

    @staticmethod
    def _provider_can(user: Viewer, action: Action | BillingAction, obj: Any) -> bool:
        own = own_provider_id(user)
        if own is None:
            return False
        if isinstance(obj, Invoice):
            provider_id: int | None = obj.provider_id
        elif isinstance(obj, Provider):
            provider_id = obj.pk
        else:
            provider_id = None if obj is None else -1
        mine = provider_id is None or provider_id == own
        if action in (BillingAction.VIEW, Action.VIEW, BillingAction.SUBMIT):
            return mine
        return False

    def require(self, user: Viewer, action: Action | BillingAction, obj: Any = None) -> None:
        if not self.can(user, action, obj):
            raise NotPermitted()

    def submitting_provider(self, user: Viewer) -> Provider | None:
        """The provider organisation the user submits invoices for (provider staff only)."""
        provider_id = own_provider_id(user)
        return Provider.objects.filter(pk=provider_id).first() if provider_id else None

    def sees_many_providers(self, user: Viewer) -> bool:
        """Whether the user's invoices may come from several providers (so a list of them can
        be filtered by provider): everyone but provider staff, who see only their own."""
        return role_of(user) != Role.PROVIDER

    def shown_differences(
        self, user: Viewer, differences: Iterable[dict[str, str]]
    ) -> list[dict[str, str]]:
        """The reconciliation differences the user may read: provider staff do not learn how
        much of a client's individual budget is left."""
        hide_budget = role_of(user) == Role.PROVIDER
        return [d for d in differences if not (hide_budget and d["code"] in BUDGET_CODES)]

    def confirmed_content(self, user: Viewer, invoice: Invoice) -> bool:
        """Whether the user confirmed the invoice's content: then another person approves its
        payment (the four-eyes rule)."""
        return bool(invoice.confirmed_by_id == user.pk)

    def proposed_credit(self, user: Viewer, note: CreditNote) -> bool:
        """Whether the user proposed the credit note: then another person decides it."""
        return bool(note.created_by_id == user.pk)

    def visible_credit_notes(
        self, user: Viewer, queryset: QuerySet[CreditNote]
    ) -> QuerySet[CreditNote]:
        """Credit notes of the invoices the user sees, for the municipal readers."""
        return scoped(user, queryset, "municipality_id", _MUNICIPAL_READERS)

    def programme_municipality_ids(self, user: Viewer) -> list[int] | None:
        """The municipalities whose programme money the user reads: None for all (the
        ministry, administrators, an auditor bound to none), else the user's own or none."""
        if role_of(user) not in _PROGRAMME_READERS:
            return []
        scope = municipality_scope(user)
        if scope is False:
            return []
        return None if scope is None else [scope]


billing_policy = BillingPolicy()
