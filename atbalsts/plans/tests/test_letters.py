"""Guarantee letters: one numbered letter per provider of an agreed plan, amended letters for a
new version, the stored snapshot, numbering under concurrency, and the PDF in Latvian."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from atbalsts.core.audit import AuditEventType
from atbalsts.core.models import AuditEvent
from atbalsts.people.services import case_assign
from atbalsts.plans import documents, services
from atbalsts.plans.models import FundingSource, GuaranteeLetter, LetterCounter, LetterStatus

from .factories import add_goal, add_line, agree, make_plan, make_world

pytestmark = pytest.mark.django_db

LETTERS = "ā č ē ģ ī ķ ļ ņ š ū ž"


def _plan_with_two_providers(world):
    version = make_plan(world)
    goal = add_goal(world, version)
    add_line(world, version, quantity=10, months=6, session_minutes=60, goal=goal)
    add_line(
        world,
        version,
        service_type=world.di_service,
        provider=world.other_provider,
        override_reason="Vienīgais tuvumā",
        quantity=4,
        months=3,
        funding_source=FundingSource.MUNICIPAL,
    )
    add_line(world, version, quantity=2, months=2, funding_source=FundingSource.OWN_MONEY)
    return version


def test_agreeing_issues_one_numbered_letter_per_provider(world):
    version = agree(world, _plan_with_two_providers(world))
    letters = list(GuaranteeLetter.objects.order_by("sequence"))
    assert [(x.number, x.provider) for x in letters] == [
        ("GV-BALVI-2026-0001", world.provider),
        ("GV-BALVI-2026-0002", world.other_provider),
    ]
    first = letters[0]
    assert first.version == version and first.status == LetterStatus.ISSUED
    # own money pays the provider directly: it is not in the municipality's guarantee
    assert [row["total"] for row in first.lines] == ["1200.00"]
    row = first.lines[0]
    assert row["service"] == "Atbalsta persona (plāna tests)"
    assert row["quantity"] == "10.00" and row["unit_price"] == "20.00"
    assert row["session_minutes"] == 60 and row["months"] == 6
    assert (row["start"], row["end"]) == ("2026-01-01", "2026-06-30")
    assert first.total == Decimal("1200.00") and first.budget_total == Decimal("1200.00")
    assert letters[1].total == Decimal("180.00") and letters[1].budget_total == Decimal("0.00")
    assert first.client_identity == {"name": "Anna Bērziņa", "date_of_birth": "1985-09-03"}
    assert "personal_code" not in first.client_identity
    assert first.social_worker_contact["name"] == world.worker.get_full_name()
    assert AuditEvent.objects.filter(event_type=AuditEventType.LETTER_ISSUED).count() == 2


def test_letter_names_the_social_worker_holding_the_case(world, make_user):
    from atbalsts.core.roles import Role

    holder = make_user(Role.SOCIAL_WORKER, world.municipality, phone="+371 20000000")
    case_assign(
        actor=world.head, client=world.client, social_worker=holder, start_date=dt.date(2026, 1, 1)
    )
    agree(world, _plan_with_two_providers(world))
    contact = GuaranteeLetter.objects.first().social_worker_contact
    assert contact["name"] == holder.get_full_name() and contact["phone"] == "+371 20000000"


def test_a_new_agreed_version_issues_amended_letters_and_replaces_the_old(world):
    first = services.version_activate(
        actor=world.worker, version=agree(world, _plan_with_two_providers(world))
    )
    draft = services.version_new(actor=world.worker, version=first)
    dropped = draft.lines.get(provider=world.other_provider)
    services.line_remove(actor=world.worker, line=dropped, revision=draft.revision)
    agree(world, draft)
    old_main, old_other, amended = GuaranteeLetter.objects.order_by("sequence")
    assert amended.number == "GV-BALVI-2026-0003" and amended.version == draft
    assert old_main.status == LetterStatus.REPLACED and old_main.replaced_by == amended
    assert old_other.status == LetterStatus.REPLACED and old_other.replaced_by is None
    assert amended.status == LetterStatus.ISSUED
    assert AuditEvent.objects.filter(event_type=AuditEventType.LETTER_REPLACED).count() == 2


def test_numbers_run_per_municipality_and_year(world, make_user, tukums):
    from atbalsts.core.roles import Role

    agree(world, _plan_with_two_providers(world))
    worker = make_user(Role.SOCIAL_WORKER, tukums)
    head = make_user(Role.HEAD, tukums)
    other = make_world(worker=worker, head=head, municipality=tukums, suffix=" T")
    version = make_plan(other)
    add_goal(other, version)
    add_line(other, version, months=1)
    agree(other, version)
    assert list(GuaranteeLetter.objects.order_by("id").values_list("number", flat=True)) == [
        "GV-BALVI-2026-0001",
        "GV-BALVI-2026-0002",
        "GV-TUKUMS-2026-0001",
    ]


def test_letter_numbers_are_sequential_without_gaps(balvi, db):
    from atbalsts.plans.services.letters import _next_letter_number

    numbers = [_next_letter_number(balvi, 2027)[1] for _ in range(5)]
    assert numbers == [f"GV-BALVI-2027-{n:04d}" for n in range(1, 6)]
    assert LetterCounter.objects.get(municipality=balvi, year=2027).last_sequence == 5


def test_letter_pdf_is_latvian_with_every_diacritic_and_the_client_name(world):
    world.client.first_name = "Ģirts"
    world.client.last_name = "Ķēniņš-Čakste"
    world.client.save()
    version = make_plan(world)
    add_goal(world, version)
    add_line(world, version, months=2, session_minutes=45)
    agree(world, version)
    letter = GuaranteeLetter.objects.get()
    letter.lines[0]["service"] = f"Pakalpojums {LETTERS}"
    data = documents.letter_pdf(letter)
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Garantijas vēstule Nr. GV-BALVI-2026-0001" in text
    assert "Ģirts Ķēniņš-Čakste" in text
    for letter_char in LETTERS.split():
        assert letter_char in text
    assert "Biedrība Ūdensrožu māja" in text
    assert world.client.personal_code not in text


def test_summary_pdf_speaks_plainly_in_large_type(world):
    version = make_plan(world)
    add_goal(world, version, text="Kļūt par dīdžeju un spēlēt mūziku ballītēs")
    add_line(world, version, months=2, quantity=4)
    data = documents.summary_pdf(version, spent=Decimal("40.00"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for heading in ("Mani mērķi", "Kas man palīdz", "Mana nauda"):
        assert heading in text
    assert "Kļūt par dīdžeju un spēlēt mūziku ballītēs" in text
    assert "Anna Bērziņa: mans atbalsta plāns" in text
    assert "4 stundas mēnesī" in text
    # the budget, what was paid from it (not the 160,00 € planned) and what is left
    assert "6 000,00 €" in text.replace("\xa0", " ") and "40,00 €" in text.replace("\xa0", " ")
    assert "5 960,00 €" in text.replace("\xa0", " ")
