"""The user's own password (changed on "Mans konts", reset through an e-mailed link that does
not tell whether an address exists) and contact details (e-mail, phone)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from atbalsts.accounts.models import User
from atbalsts.accounts.tests.factories import PASSWORD
from atbalsts.core.audit import AuditEventType
from atbalsts.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW = "jauna-Parole-2026!"


def test_change_own_password(client, social_worker):
    client.force_login(social_worker)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"old_password": "nav", "new_password1": NEW, "new_password2": NEW})
    assert wrong.status_code == 400
    mismatch = client.post(
        url, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"}
    )
    assert mismatch.status_code == 400
    social_worker.refresh_from_db()
    assert social_worker.check_password(PASSWORD)
    done = client.post(url, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:account")
    social_worker.refresh_from_db()
    assert social_worker.check_password(NEW)
    assert client.get(reverse("accounts:account")).status_code == 200  # still signed in
    event = AuditEvent.objects.get(event_type=AuditEventType.USER_CHANGED, actor=social_worker)
    assert event.extra_data["password_changed"] is True
    assert NEW not in str(event.extra_data)


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_reset_by_email_answers_the_same_for_unknown_addresses(client, social_worker):
    social_worker.email = "darbiniece@balvi.lv"
    social_worker.save()
    url = reverse("accounts:password_reset")
    assert "Aizmirsāt paroli?" in client.get(reverse("accounts:login")).content.decode()
    unknown = client.post(url, {"email": "nav.tada@balvi.lv"})
    known = client.post(url, {"email": "Darbiniece@Balvi.lv"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["darbiniece@balvi.lv"]
    assert "jaunas paroles iestatīšana" in message.subject
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Iestatīt paroli" in form.content.decode()
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else link
    short = client.post(set_url, {"new_password1": "abc", "new_password2": "abc"})
    assert short.status_code == 400
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    social_worker.refresh_from_db()
    assert social_worker.check_password(NEW)
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.USER_CHANGED, actor=social_worker, extra_data__by_reset=True
    ).exists()
    used = client.get(link, follow=True)
    assert "Saite nav derīga" in used.content.decode()


def test_reset_page_refuses_a_malformed_address_with_400(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nav adrese"})
    assert response.status_code == 400
    assert not mail.outbox


def test_contact_details_saved_on_my_account(client, social_worker):
    client.force_login(social_worker)
    url = reverse("accounts:profile")
    saved = client.post(url, {"email": "  liga@balvi.lv ", "phone": "+371 26123456"})
    assert saved.status_code == 302
    social_worker.refresh_from_db()
    assert (social_worker.email, social_worker.phone) == ("liga@balvi.lv", "+371 26123456")
    event = AuditEvent.objects.get(event_type=AuditEventType.USER_CHANGED, actor=social_worker)
    assert sorted(event.extra_data["changed"]) == ["email", "phone"]
    page = client.get(reverse("accounts:account")).content.decode()
    assert 'value="+371 26123456"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "nav-adrese", "phone": ""}, "Ievadiet derīgu e-pasta adresi"),
        ({"email": "", "phone": "zvaniet man"}, "Tālrunim jābūt no cipariem"),
        ({"email": "", "phone": "1" * 31}, "Ne vairāk kā 30 zīmes."),
    ],
)
def test_bad_contact_details_are_400_and_change_nothing(client, social_worker, data, message):
    client.force_login(social_worker)
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.get(pk=social_worker.pk).email == social_worker.email
