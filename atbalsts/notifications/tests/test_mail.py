"""Mails: one per notification or a daily digest, only the kinds chosen, and never any
personal or special-category data — the mail context is an allow-list."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.delivery.tests.factories import LAST_MONTH, make_letter, make_session
from atbalsts.notifications import mail as notification_mail
from atbalsts.notifications.models import Notification, NotificationKind
from atbalsts.notifications.run import run_daily
from atbalsts.notifications.services import mail_send, preferences_save
from atbalsts.people.models import Client

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("locmem_mail"),
]

SECRETS = (
    "DIAGNOZE-F20-SLEPENA",
    "PIEZIME-PAR-VESELIBU",
    "ANAMNEZE-SLEPENA",
    "ATZINUMS-SLEPENS",
    "METODES-SLEPENAS",
)


@pytest.fixture
def locmem_mail():
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SITE_URL="https://atbalsts.example.lv",
    ):
        yield


def _note(user, kind=NotificationKind.SESSION_AWAITING, key="k", title="Virsraksts", **extra):
    return Notification.objects.create(
        recipient=user,
        kind=kind,
        title=title,
        link="/delivery/sessions/1/",
        dedupe_key=key,
        **extra,
    )


def _bodies():
    out = []
    for message in mail.outbox:
        out.append(message.subject)
        out.append(message.body)
        out.extend(content for content, _ in message.alternatives)
    return "\n".join(out)


def test_no_special_category_data_reaches_a_mail(world, accountant):
    """A client with a diagnosis in the notes, an assessment with an anamnesis, a session
    with a specialist's conclusion: the day's mails say none of it, nor the client's name or
    personal code."""
    Client.objects.filter(pk=world.client.pk).update(
        notes=f"{SECRETS[0]} {SECRETS[1]}", disability_group="1"
    )
    make_assessment(
        actor=world.worker,
        client=world.client,
        anamnesis=SECRETS[2],
        assessed_on=dt.date(2025, 1, 1),
    )
    letter = make_letter(world)
    make_session(letter, duration_minutes=90, conclusion=SECRETS[3], techniques=SECRETS[4])
    world.worker.email = "darbiniece@example.lv"
    world.worker.save()
    result = run_daily(LAST_MONTH + dt.timedelta(days=35))
    assert result.counts[NotificationKind.SESSION_AWAITING] == 1
    assert result.mail["digests"] == 1
    assert len(mail.outbox) == 1
    text = _bodies()
    client = Client.objects.get(pk=world.client.pk)
    for secret in (*SECRETS, client.personal_code, client.first_name, client.last_name):
        assert secret not in text
    assert "https://atbalsts.example.lv/delivery/sessions/" in text
    assert "gaida sociālā darbinieka lēmumu" in text


def test_the_mail_context_is_an_allow_list(social_worker):
    """Even a title that (wrongly) held special-category data stays out of the mail: the
    context has only the allowed keys, and every template renders only from it."""
    note = _note(
        social_worker, title=f"{SECRETS[0]} Anna Bērziņa 010101-12345", due_on=dt.date(2026, 5, 4)
    )
    context = notification_mail.mail_context([note])
    assert set(context) == notification_mail.CONTEXT_FIELDS
    assert all(set(item) == notification_mail.ITEM_FIELDS for item in context["items"])
    subject, text, html = notification_mail.render_mail([note])
    for rendered in (subject, text, html):
        assert SECRETS[0] not in rendered
        assert "Bērziņa" not in rendered
        assert "010101-12345" not in rendered
    assert "04.05.2026" in text
    assert "https://atbalsts.example.lv/delivery/sessions/1/" in html


def test_digest_is_one_mail_a_day(social_worker):
    social_worker.email = "sd@example.lv"
    social_worker.save()
    today = timezone.localdate()
    _note(social_worker, key="a")
    _note(social_worker, key="b", kind=NotificationKind.REASSESSMENT_DUE)
    assert mail_send(today=today).digests == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sd@example.lv"]
    assert mail.outbox[0].subject == "Atbalsts: 2 jauni paziņojumi"
    _note(social_worker, key="c")
    assert mail_send(today=today).digests == 0  # one digest a day
    assert mail_send(today=today + dt.timedelta(days=1)).digests == 1
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_single_mails_and_chosen_kinds_only(social_worker):
    social_worker.email = "sd@example.lv"
    social_worker.save()
    preferences_save(
        actor=social_worker,
        data={"email_kinds": [NotificationKind.SESSION_AWAITING], "digest": False},
    )
    _note(social_worker, key="a")
    _note(social_worker, key="b")
    _note(social_worker, key="c", kind=NotificationKind.BUDGET_UNUSED)
    counts = mail_send(today=timezone.localdate())
    assert (counts.single, counts.digests) == (2, 0)
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == "Atbalsts: 1 jauns paziņojums"
    assert Notification.objects.get(dedupe_key="c").emailed_at is None
    assert mail_send(today=timezone.localdate()).single == 0


def test_no_mail_without_an_address_or_for_read_notifications(social_worker, head):
    _note(social_worker, key="a")
    head.email = "head@example.lv"
    head.save()
    _note(head, key="a", read_at=timezone.now())
    assert mail_send(today=timezone.localdate()).as_dict() == {
        "single": 0,
        "digests": 0,
        "failed": 0,
    }
    assert mail.outbox == []


def test_a_refused_mail_is_tried_again(social_worker, monkeypatch):
    social_worker.email = "sd@example.lv"
    social_worker.save()
    _note(social_worker)

    def refuse(self, *args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert mail_send(today=timezone.localdate()).failed == 1
    assert Notification.objects.get().emailed_at is None
    monkeypatch.undo()
    assert mail_send(today=timezone.localdate()).digests == 1
