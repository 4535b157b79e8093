"""The list page, marking read, the unread count in the top bar and the e-mail choices on the
account page: own notifications only (another user's is 404), no 500 on bad input."""

import pytest
from django.urls import reverse
from django.utils import timezone

from atbalsts.core.models import AuditEvent
from atbalsts.notifications.models import (
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationSettings,
)

pytestmark = pytest.mark.django_db


def _note(user, key="k", read=False, link="/people/clients/1/", title="Atgādinājums"):
    return Notification.objects.create(
        recipient=user,
        kind=NotificationKind.REASSESSMENT_DUE,
        title=title,
        link=link,
        dedupe_key=key,
        read_at=timezone.now() if read else None,
    )


def test_list_shows_unread_first_and_the_count(client, social_worker):
    _note(social_worker, "old", read=True, title="Izlasītais")
    _note(social_worker, "new", title="Nelasītais")
    client.force_login(social_worker)
    page = client.get(reverse("notifications:list")).content.decode()
    assert page.index("Nelasītais") < page.index("Izlasītais")
    assert '<strong title="nelasīti">(1)</strong>' in page


def test_top_bar_count_is_one_query(client, social_worker, django_assert_max_num_queries):
    for n in range(3):
        _note(social_worker, f"k{n}")
    client.force_login(social_worker)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "(3)</strong>" in page
    from atbalsts.notifications.selectors import unread_count

    with django_assert_max_num_queries(1):
        assert unread_count(user=social_worker) == 3


def test_mark_one_and_all_read(client, social_worker):
    first = _note(social_worker, "a")
    _note(social_worker, "b")
    client.force_login(social_worker)
    response = client.post(reverse("notifications:mark_read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    response = client.post(reverse("notifications:mark_read", args=[first.pk]), {"open": "1"})
    assert response["Location"] == "/people/clients/1/"
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert not AuditEvent.objects.filter(event_type__startswith="notification").exists()


def test_another_users_notification_is_not_found(client, social_worker, head):
    theirs = _note(head)
    client.force_login(social_worker)
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    client.post(reverse("notifications:mark_all_read"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "Atgādinājums" not in client.get(reverse("notifications:list")).content.decode()


def test_bad_input_is_not_a_500(client, social_worker):
    note = _note(social_worker)
    client.force_login(social_worker)
    assert client.get(reverse("notifications:list"), {"page": "x'--"}).status_code == 200
    assert client.get(reverse("notifications:list"), {"page": "99999"}).status_code == 200
    assert client.get(reverse("notifications:mark_read", args=[note.pk])).status_code == 405
    assert client.post("/pazinojumi/abc/lasits/").status_code == 404
    response = client.post(
        reverse("notifications:mark_read", args=[note.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notifications:list")
    response = client.post(
        reverse("accounts:notification_preferences"), {"email_kinds": ["nav"], "digest": "7"}
    )
    assert response.status_code == 302
    assert not NotificationPreference.objects.exists()


def test_signed_out_users_are_sent_to_sign_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_email_choices_on_the_account_page(client, social_worker):
    client.force_login(social_worker)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Paziņojumi e-pastā" in page
    response = client.post(
        reverse("accounts:notification_preferences"),
        {
            "email_kinds": [NotificationKind.PLAN_ENDING, NotificationKind.LETTER_ENDING],
            "digest": "0",
        },
    )
    assert response.status_code == 302
    wanted = set(
        NotificationPreference.objects.filter(user=social_worker, email=True).values_list(
            "kind", flat=True
        )
    )
    assert wanted == {NotificationKind.PLAN_ENDING, NotificationKind.LETTER_ENDING}
    assert NotificationSettings.objects.get(user=social_worker).digest is False
    event = AuditEvent.objects.filter(event_type="user.changed").latest("id")
    assert event.extra_data["notification_preferences"]["to"]["digest"] is False
