"""The retention run anonymises closed cases past their period, keeps the pseudonym, the
money and every report exact, leaves the audit log alone and reports what it did."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from atbalsts.addresses.models import Address
from atbalsts.billing.models import MonthlySpend
from atbalsts.core.audit import chain_verify
from atbalsts.core.models import AuditEvent
from atbalsts.delivery.models import Session
from atbalsts.delivery.tests.factories import make_delivery_world, make_letter, make_session
from atbalsts.delivery.tests.test_evidence import picture
from atbalsts.notifications.models import Notification, NotificationKind
from atbalsts.people import services as people_services
from atbalsts.people.models import Client, Representative, SupportCircleMember
from atbalsts.people.pseudonyms import client_pseudonym
from atbalsts.people.tests.factories import make_client
from atbalsts.privacy.registry import ANON_NAME
from atbalsts.privacy.retention import RETENTION_EVENT, retention_run
from atbalsts.reporting.selectors import pilot_report, pilot_report_evaluated
from atbalsts.reporting.tests.factories import make_spend, rollup_contents, service

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LATER = TODAY.replace(year=TODAY.year + 11, day=1)  # past every default period


@pytest.fixture
def case(social_worker: Any, head: Any, balvi: Any) -> dict[str, Any]:
    """A client with representative, circle, consent, sessions with notes and evidence and
    ledger rows; then the case is closed. An active client beside it."""
    world = make_delivery_world(worker=social_worker, head=head, municipality=balvi)
    c = world.client
    c.address_point = Address.objects.create(  # the home chosen from the address register
        code=105000001, text="Brīvības iela 1, Balvi", search_text="brivibas iela 1, balvi"
    )
    c.save(update_fields=["address_point"])
    rep = people_services.representative_create(
        actor=head,
        client=c,
        data={
            "kind": "guardian",
            "first_name": "Ilze",
            "last_name": "Kalna",
            "personal_code": "",
            "phone": "29999999",
            "valid_from": "2026-01-01",
        },
    )
    member = people_services.circle_member_create(
        actor=head, client=c, data={"first_name": "Māra", "relation": "parent", "phone": "2111"}
    )
    letter = make_letter(world, service_type=world.psychologist, quantity=Decimal("4"))
    notes = make_session(letter, goals_worked_on="Trauksme", techniques="KBT", conclusion="Labāk")
    remote = make_session(
        letter,
        mode="remote",
        start_time=dt.time(14),
        evidence_file=SimpleUploadedFile("a.png", picture()),
    )
    fizio = service("Fizioterapeita konsultācijas")
    for month, amount in ((1, "100.00"), (2, "33.33")):
        make_spend(client=c, service_type=fizio, month=dt.date(2020, month, 1), amount=amount)
    other = make_client(actor=head, municipality=balvi, last_name="Aktīvā")
    make_spend(client=other, service_type=fizio, month=dt.date(2020, 1, 1), amount="10.00")
    Client.objects.filter(pk=c.pk).update(status="closed")
    return {
        "client": Client.objects.get(pk=c.pk),
        "other": other,
        "rep": rep,
        "member": member,
        "notes": notes,
        "remote": remote,
        "evidence": Path(settings.PRIVATE_MEDIA_ROOT) / remote.evidence_file.name,
    }


def _reports(head: Any) -> tuple[Any, Any]:
    params = {
        "municipalities": None,
        "target_group": None,
        "date_from": dt.date(2020, 1, 1),
        "date_to": dt.date(2020, 12, 31),
    }
    return pilot_report(user=head, **params), pilot_report_evaluated(user=head, **params)


def _audit_rows() -> list[tuple[Any, ...]]:
    return list(AuditEvent.objects.order_by("pk").values_list())


def test_closed_case_past_its_period_is_anonymised_and_the_money_kept(
    case: dict[str, Any], head: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c, other = case["client"], case["other"]
    pseudonym = client_pseudonym(c.pk)
    reports, rollups = _reports(head), rollup_contents()
    ledger = list(MonthlySpend.objects.order_by("pk").values_list("client_id", "amount"))
    amounts = list(Session.objects.order_by("pk").values_list("amount", "units", "date"))
    audit = _audit_rows()

    with django_capture_on_commit_callbacks(execute=True):  # files go once it committed
        report = retention_run(on=LATER)

    c.refresh_from_db()
    assert c.first_name == ANON_NAME and c.last_name == pseudonym
    assert c.personal_code == f"ANON{c.pk:08d}" and c.date_of_birth.month == 1
    assert c.date_of_birth.year == case["client"].date_of_birth.year
    assert (c.address, c.phone, c.email, c.notes) == ("", "", "", "")
    assert c.address_point is None
    assert client_pseudonym(c.pk) == pseudonym  # the research extract's pseudonym stays
    rep = Representative.objects.get(pk=case["rep"].pk)
    assert (rep.first_name, rep.last_name, rep.phone) == (ANON_NAME, "", "")
    member = SupportCircleMember.objects.get(pk=case["member"].pk)
    assert (member.first_name, member.phone) == (ANON_NAME, "")
    notes = Session.objects.get(pk=case["notes"].pk)
    assert (notes.goals_worked_on, notes.techniques, notes.conclusion) == ("", "", "")
    remote = Session.objects.get(pk=case["remote"].pk)
    assert not remote.evidence_file and not case["evidence"].exists()
    other.refresh_from_db()
    assert other.last_name == "Aktīvā"  # an active case is not touched

    assert _reports(head) == reports and rollup_contents() == rollups
    assert list(MonthlySpend.objects.order_by("pk").values_list("client_id", "amount")) == ledger
    assert list(Session.objects.order_by("pk").values_list("amount", "units", "date")) == amounts
    after = _audit_rows()
    assert after[: len(audit)] == audit  # no audit event changed or removed
    assert chain_verify().problem == ""  # and the hash chain still verifies
    [event] = AuditEvent.objects.filter(event_type=RETENTION_EVENT)
    assert event.extra_data["counts"] == report.counts
    assert report.counts["people.Client"] == 1 and report.counts["delivery.Session"] == 2
    assert report.counts["people.Representative"] == 1

    again = retention_run(on=LATER)
    assert again.total == 0  # nothing left to do


def test_notifications_naming_clients_are_anonymised_after_their_period(
    social_worker: Any,
) -> None:
    def note(key: str, days: int) -> Notification:
        return Notification.objects.create(
            recipient=social_worker,
            kind=NotificationKind.choices[0][0],
            title=f"Nodarbība gaida jūsu lēmumu: Anna Bērziņa ({key})",
            dedupe_key=key,
            created_at=timezone.now() - dt.timedelta(days=days),
        )

    old, recent = note("old", 3 * 366), note("recent", 30)
    report = retention_run(on=TODAY)
    assert report.counts["notifications.Notification:notifications"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.title == ANON_NAME and "Bērziņa" in recent.title


def test_a_dry_run_counts_and_changes_nothing(case: dict[str, Any]) -> None:
    before = list(Client.objects.order_by("pk").values_list())
    report = retention_run(on=LATER, dry_run=True)
    assert report.counts["people.Client"] == 1 and report.total > 1
    assert list(Client.objects.order_by("pk").values_list()) == before
    assert case["evidence"].exists()
    assert not AuditEvent.objects.filter(event_type=RETENTION_EVENT).exists()


def test_periods_come_from_settings(case: dict[str, Any]) -> None:
    notes_only = LATER.replace(year=TODAY.year + 6)  # past case notes (5), not identity (10)
    report = retention_run(on=notes_only, dry_run=True)
    assert report.counts["delivery.Session"] == 2 and report.counts["people.Client"] == 0
    with override_settings(RETENTION_YEARS={"case_notes": 7}):
        assert retention_run(on=notes_only, dry_run=True).counts["delivery.Session"] == 0


def test_recently_closed_cases_are_kept(case: dict[str, Any]) -> None:
    assert retention_run(on=TODAY).total == 0


def test_the_command_reports_counts_per_type(case: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("retention_run", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "closed cases considered" in text and "people.Client" in text
    assert "Total: would anonymise 0 records." in text
    with pytest.raises(CommandError):
        call_command("retention_run", "--date", "31.02.2026")
    with pytest.raises(CommandError):
        call_command("retention_run", "--date", LATER.isoformat())
