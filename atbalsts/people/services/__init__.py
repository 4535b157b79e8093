"""Writes to the people register. Each checks permission, enforces the rules, and audits.

- `clients`: registering, changing, deleting a client, and opening their record;
- `relations`: representatives, the support circle and consent;
- `intake`: referrals, the decision on them, and case assignment;
- `reminders`: the person's choice to get appointment reminders by e-mail;
- `checks`: what they share (personal codes, date order, the shape of their input).
"""

from .checks import Fields
from .clients import (
    ADULT_AGE,
    CLIENT_FIELDS,
    ClientHasConsents,
    ClientInUse,
    DuplicateClient,
    age_on,
    client_create,
    client_delete,
    client_update,
    client_view_record,
)
from .intake import REFERRAL_FIELDS, case_assign, referral_create, referral_decide, referral_update
from .relations import (
    CIRCLE_FIELDS,
    REPRESENTATIVE_FIELDS,
    circle_member_create,
    circle_member_delete,
    circle_member_update,
    consent_give,
    consent_revoke,
    relations_add,
    representative_create,
    representative_delete,
    representative_update,
)
from .reminders import reminder_choice_active, reminders_opt_in, reminders_opt_out

__all__ = [
    "ADULT_AGE",
    "CIRCLE_FIELDS",
    "CLIENT_FIELDS",
    "REFERRAL_FIELDS",
    "REPRESENTATIVE_FIELDS",
    "ClientHasConsents",
    "ClientInUse",
    "DuplicateClient",
    "Fields",
    "age_on",
    "case_assign",
    "circle_member_create",
    "circle_member_delete",
    "circle_member_update",
    "client_create",
    "client_delete",
    "client_update",
    "client_view_record",
    "consent_give",
    "consent_revoke",
    "referral_create",
    "referral_decide",
    "referral_update",
    "relations_add",
    "reminder_choice_active",
    "reminders_opt_in",
    "reminders_opt_out",
    "representative_create",
    "representative_delete",
    "representative_update",
]
