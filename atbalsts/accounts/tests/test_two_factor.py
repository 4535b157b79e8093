"""Two-step sign-in required of heads, accountants, auditors, analysts and administrators:
the grace period with its banner, the block after it, and the recovery codes."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from atbalsts.accounts.middleware import _is_open
from atbalsts.accounts.policies import account_policy
from atbalsts.accounts.services import otp_device_confirm, otp_recovery_codes_left
from atbalsts.accounts.tests.factories import PASSWORD
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("no_throttle"),
]

BANNER = "divpakāpju pieteikšanās ir obligāta"


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(6)


def _enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=False)
    codes = otp_device_confirm(actor=user, device=device, token=_code(device))
    assert codes is not None
    return device, codes


def _past_grace(user) -> None:
    user.otp_grace_started_at = timezone.now() - dt.timedelta(days=15)
    user.save(update_fields=["otp_grace_started_at"])


@pytest.mark.parametrize(
    ("role", "required"),
    [
        (Role.HEAD, True),
        (Role.ACCOUNTANT, True),
        (Role.AUDITOR, True),
        (Role.ANALYST, True),
        (Role.ADMIN, True),
        (Role.SOCIAL_WORKER, False),
        (Role.PROVIDER, False),
    ],
)
def test_which_roles_must_use_two_step_sign_in(make_user, balvi, role, required):
    assert account_policy.must_use_two_factor(make_user(role, balvi)) is required


def test_grace_period_shows_a_banner_then_blocks_until_enrolled(client, head):
    client.force_login(head)
    home = client.get("/")
    assert home.status_code == 200
    assert BANNER in home.content.decode()
    assert reverse("accounts:two_factor") in home.content.decode()
    head.refresh_from_db()
    assert head.otp_grace_started_at is not None
    deadline = (head.otp_grace_started_at + dt.timedelta(days=14)).astimezone()
    assert deadline.strftime("%d.%m.%Y") in home.content.decode()

    _past_grace(head)
    for path in ("/", "/people/", reverse("accounts:account"), reverse("accounts:password_change")):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked["Location"] == reverse("accounts:two_factor")
    api = client.get("/api/people/clients")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
    htmx = client.get("/people/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("accounts:two_factor")
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_open_paths_after_the_grace_period():
    assert _is_open("/static/css/app.css")
    assert _is_open(reverse("accounts:two_factor")) and _is_open(reverse("accounts:logout"))
    assert not _is_open("/") and not _is_open("/admin/")


def test_grace_period_starts_at_sign_in_and_is_a_setting(client, head, settings):
    settings.OTP_ENROL_GRACE_DAYS = 3
    client.post(reverse("accounts:login"), {"username": head.username, "password": PASSWORD})
    head.refresh_from_db()
    started = head.otp_grace_started_at
    assert started is not None and timezone.now() - started < dt.timedelta(minutes=1)
    head.otp_grace_started_at = timezone.now() - dt.timedelta(days=4)
    head.save(update_fields=["otp_grace_started_at"])
    assert client.get("/").status_code == 302


def test_roles_without_the_rule_are_never_blocked(client, social_worker):
    _past_grace(social_worker)
    client.force_login(social_worker)
    home = client.get("/")
    assert home.status_code == 200 and BANNER not in home.content.decode()
    social_worker.refresh_from_db()
    assert social_worker.otp_grace_started_at is not None  # set above, not by the middleware


def test_enrolling_shows_ten_recovery_codes_once_and_unblocks(client, head):
    _past_grace(head)
    client.force_login(head)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=head, confirmed=False)
    done = client.post(reverse("accounts:otp_confirm"), {"token": _code(device)})
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    codes = list(StaticToken.objects.filter(device__user=head).values_list("token", flat=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in done.content.decode() for code in codes)
    home = client.get("/")
    assert home.status_code == 200 and BANNER not in home.content.decode()
    again = client.get(reverse("accounts:two_factor")).content.decode()
    assert not any(code in again for code in codes)
    assert "Neizmantoti 10 rezerves kodi" in again


def test_a_recovery_code_signs_in_once(client, head):
    _device, codes = _enrol(head)
    url = reverse("accounts:login")
    creds = {"username": head.username, "password": PASSWORD}
    typed = codes[0][:4].upper() + "-" + codes[0][4:]  # as people copy it: case and hyphen
    ok = client.post(url, {**creds, "otp_token": typed})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    assert otp_recovery_codes_left(user=head) == 9
    client.post(reverse("accounts:logout"))
    reused = client.post(url, {**creds, "otp_token": codes[0]})
    assert reused.status_code == 200
    assert "Kods nav pareizs vai ir novecojis." in reused.content.decode()
    assert client.post(url, {**creds, "otp_token": codes[1]}).status_code == 302


def test_renewing_codes_needs_confirmation_and_voids_the_old(client, head):
    _device, old = _enrol(head)
    creds = {"username": head.username, "password": PASSWORD, "otp_token": old[-1]}
    assert client.post(reverse("accounts:login"), creds).status_code == 302
    url = reverse("accounts:recovery_codes_renew")
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert "Apstipriniet, ka vecie kodi vairs nederēs." in refused.content.decode()
    assert otp_recovery_codes_left(user=head) == 9
    renewed = client.post(url, {"confirm": "on"})
    assert renewed.status_code == 200
    new = set(StaticToken.objects.filter(device__user=head).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)
    assert all(code in renewed.content.decode() for code in new)
    assert (
        AuditEvent.objects.filter(actor=head, extra_data__changed=["recovery_codes"]).count() == 2
    )


def test_renewing_codes_without_an_app_is_refused(client, social_worker):
    client.force_login(social_worker)
    refused = client.post(reverse("accounts:recovery_codes_renew"), {"confirm": "on"})
    assert refused.status_code == 400
    assert "Vispirms ieslēdziet divpakāpju pieteikšanos" in refused.content.decode()
    assert not StaticToken.objects.exists()


@pytest.mark.parametrize("past_grace", [False, True])
def test_an_enrolled_user_who_skipped_the_second_step_is_signed_out(client, head, past_grace):
    _enrol(head)
    if past_grace:
        _past_grace(head)
    client.force_login(head)  # a session that never passed the second step
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    client.force_login(head)
    api = client.get("/api/people/clients")
    assert api.status_code == 401 and api.json()["code"] == "not_authenticated"


@override_settings(OTP_REQUIRED_ROLES=[])
def test_the_rule_can_be_switched_off(client, head):
    _past_grace(head)
    client.force_login(head)
    home = client.get("/")
    assert home.status_code == 200 and BANNER not in home.content.decode()
