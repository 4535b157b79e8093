"""Writes for users, their sign-in and their API tokens; each checks permission and leaves an
audit event."""

from .otp import (
    NoAuthenticator,
    otp_device_confirm,
    otp_device_pending,
    otp_enrolled,
    otp_grace_begin,
    otp_grace_deadline,
    otp_match,
    otp_normalise,
    otp_recovery_codes_left,
    otp_recovery_codes_renew,
)
from .tokens import (
    api_token_authenticate,
    api_token_create,
    api_token_default_expiry,
    api_token_find,
    api_token_latest_expiry,
    api_token_revoke,
)
from .users import (
    USER_AUDITED_FIELDS,
    login_record,
    password_changed_record,
    profile_save,
    user_admin_saved,
)

__all__ = [
    "USER_AUDITED_FIELDS",
    "NoAuthenticator",
    "api_token_authenticate",
    "api_token_create",
    "api_token_default_expiry",
    "api_token_find",
    "api_token_latest_expiry",
    "api_token_revoke",
    "login_record",
    "otp_device_confirm",
    "otp_device_pending",
    "otp_enrolled",
    "otp_grace_begin",
    "otp_grace_deadline",
    "otp_match",
    "otp_normalise",
    "otp_recovery_codes_left",
    "otp_recovery_codes_renew",
    "password_changed_record",
    "profile_save",
    "user_admin_saved",
]
