"""Sign-in: Argon2 hashes, lockout after repeated failures, the optional TOTP step, tokens."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from atbalsts.accounts.models import ApiToken
from atbalsts.accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from atbalsts.accounts.tests.factories import PASSWORD
from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import NotPermitted
from atbalsts.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_production_hasher_is_argon2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert identify_hasher(make_password("x" * 12)).algorithm == "argon2"


def test_login_success_is_audited_and_redirects_home(client, social_worker):
    response = client.post(
        reverse("accounts:login"), {"username": social_worker.username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEvent.objects.filter(event_type=AuditEventType.LOGIN, actor=social_worker).exists()


def test_wrong_password_shows_latvian_error(client, social_worker):
    response = client.post(
        reverse("accounts:login"), {"username": social_worker.username, "password": "nepareizi"}
    )
    assert response.status_code == 200
    assert "Nepareizs lietotājvārds vai parole." in response.content.decode()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_out(client, social_worker):
    url = reverse("accounts:login")
    for _ in range(3):
        client.post(url, {"username": social_worker.username, "password": "nepareizi"})
    locked = client.post(url, {"username": social_worker.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "uz laiku bloķēta" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_totp_user_needs_a_valid_code(client, social_worker):
    device = TOTPDevice.objects.create(user=social_worker, name="t", confirmed=True)
    url = reverse("accounts:login")
    creds = {"username": social_worker.username, "password": PASSWORD}
    no_code = client.post(url, creds)
    assert "Ievadiet sešu ciparu kodu" in no_code.content.decode()
    wrong = client.post(url, {**creds, "otp_token": "000000"})
    assert "Kods nav pareizs vai ir novecojis." in wrong.content.decode()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    ok = client.post(url, {**creds, "otp_token": str(totp.token()).zfill(6)})
    assert ok.status_code == 302


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_confirming_a_new_totp_device(client, social_worker):
    client.force_login(social_worker)
    page = client.get(reverse("accounts:two_factor"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=social_worker, confirmed=False)
    wrong = client.post(reverse("accounts:otp_confirm"), {"token": "000001"})
    assert wrong.status_code == 400 and "Kods nav pareizs" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post(reverse("accounts:otp_confirm"), {"token": str(totp.token()).zfill(6)})
    device.refresh_from_db()
    assert device.confirmed


def test_token_lifecycle(social_worker, make_user):
    token, raw = api_token_create(actor=social_worker, user=social_worker, name="grāmatvedība")
    assert raw.startswith("atb_") and raw not in token.key_hash
    assert api_token_authenticate(raw) == social_worker
    other = make_user()
    with pytest.raises(NotPermitted):
        api_token_revoke(actor=other, token=token)
    api_token_revoke(actor=social_worker, token=token)
    assert api_token_authenticate(raw) is None
    assert ApiToken.objects.get().last_used_at is not None


def test_token_pages(client, social_worker):
    client.force_login(social_worker)
    expires = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    created = client.post(
        reverse("accounts:token_create"), {"name": "sistēma", "expires_on": expires}
    )
    assert "atb_" in created.content.decode()
    token = ApiToken.objects.get()
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    empty = client.post(reverse("accounts:token_create"), {"name": "", "expires_on": expires})
    assert empty.status_code == 400 and ApiToken.objects.count() == 1


def test_settings_are_latvian_first():
    assert (
        settings.LANGUAGE_CODE == "lv" and settings.USE_TZ and settings.TIME_ZONE == "Europe/Riga"
    )
