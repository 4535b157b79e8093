"""Importing history: support-circle members and services they receive, completed
assessments with their budgets, and the workflow's own past days (agreement, invoices)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from atbalsts.assessment.models import (
    ADULT_DOMAINS,
    AssessmentStatus,
    BudgetPeriod,
    IndicativeBudget,
)
from atbalsts.billing.models import Invoice, InvoiceStatus, MonthlySpend
from atbalsts.bundle import format as cells
from atbalsts.bundle.errors import BundleRejected
from atbalsts.bundle.example import PROVIDER, csv_files
from atbalsts.bundle.models import ImportedKey
from atbalsts.bundle.services import bundle_import
from atbalsts.core.models import AuditEvent
from atbalsts.delivery.models import Session
from atbalsts.people.models import Consent, ConsentPurpose, SupportCircleMember
from atbalsts.plans.models import FundingSource, GuaranteeLetter, PlanLine, PlanVersion

from .conftest import counts, edit, example

pytestmark = pytest.mark.django_db

ADULT, CHILD = "140388-11237", "020617-24563"
PARENTS = "psychologist-consultation-for-parents"
ADULT_SCORES = (
    "home_living=2; community_living=2; lifelong_learning=1; employment=3; health_safety=1; "
    "social_activities=2; protection_advocacy=1; behavioural_needs=0; medical_needs=1"
)  # 14 points: band B, 560 € a month


def history() -> dict[str, list[list[str]]]:
    """The example bundle as a history: the child's mother receives consultations, budgets
    come from completed assessments, and every step has its own past day."""
    sheets = example()
    sheets["registrations"][1][4] += f";{PARENTS}"
    sheets["tariffs"].append(["balvi", PROVIDER, PARENTS, "45.00", "60", "01.01.2025", ""])
    sheets["support_circle"] = [
        ["client_personal_code", "first_name", "relation", "last_name", "phone"],
        [CHILD, "Ilze", "parent", "Kalna", "+371 26000003"],
    ]
    sheets["consents"] = [
        [
            "client_personal_code",
            "purpose",
            "given_on",
            "given_by",
            "recipient",
            "revoked_on",
            "revoke_reason",
        ],
        [CHILD, "pseudonymised_evaluation", "01.12.2025", "Ilze Kalna", "", "", ""],
        [
            ADULT,
            "pseudonymised_evaluation",
            "01.12.2025",
            "",
            "",
            "15.01.2026",
            "Nevēlas, lai dati tiek izmantoti pētījumos.",
        ],
        [ADULT, "share_with_provider", "01.12.2025", "", "SIA Atbalsta punkts", "", ""],
    ]
    sheets["assessments"] = [
        ["client_personal_code", "assessed_on", "scores", "goals", "conclusions", "anamnesis",
         "completed_on"],
        [ADULT, "01.12.2025", ADULT_SCORES, "Uzzināt savas darba iespējas | Dzīvot patstāvīgi",
         "", "Vieglas garīgās attīstības traucējumi.", "03.12.2025"],
        [CHILD, "02.12.2025", "family_capacity=3; lost_function=2; functioning=3",
         "Skaidrāk runāt", "speech_therapist: Runa daļēji saprotama. | psychologist: Ātri nogurst.",
         "", "04.12.2025"],
    ]  # fmt: skip
    sheets["budgets"] = [
        ["client_personal_code", "start", "months", "assessed_on", "band", "monthly_amount"],
        [ADULT, "01.01.2026", "12", "01.12.2025", "B", "560.00"],
        [CHILD, "01.01.2026", "6", "", "D", "527,00"],
    ]
    sheets["plans"][0].append("agreed_on")
    for row in sheets["plans"][1:]:
        row.append("16.12.2025")
    sheets["plan_lines"][0].append("recipient")
    sheets["plan_lines"][1][7] = "individual_budget"
    sheets["plan_lines"][1].append("")
    sheets["plan_lines"][2].append("")
    sheets["plan_lines"].append(
        [CHILD, "P-2026-2", PARENTS, PROVIDER, "1", "01.01.2026", "6", "individual_budget", "M1",
         "2", "Ilze Kalna"]
    )  # fmt: skip
    sheets["sessions"][0].append("recipient")
    for row in sheets["sessions"][1:]:
        row.append("")
    sheets["sessions"].append(
        [CHILD, PROVIDER, PARENTS, "09.01.2026", "17:00", "60", "held", "in_person",
         "representative", "45.00", "Ilze Kalna"]
    )  # fmt: skip
    sheets["invoices"] = [
        ["provider_registration_number", "month", "number", "status", "submitted_on",
         "confirmed_on", "approved_by", "approved_on", "paid_on", "payment_reference"],
        [PROVIDER, "01.2026", "ZA-2026/01", "paid", "03.02.2026", "05.02.2026", "Rita Skaitle",
         "09.02.2026", "12.02.2026", "MU-2026-17"],
    ]  # fmt: skip
    sheets["invoice_lines"][0].append("recipient")
    for row in sheets["invoice_lines"][1:]:
        row.append("")
    sheets["invoice_lines"].append(
        [PROVIDER, "01.2026", CHILD, PARENTS, "1", "45.00", "45.00", "Ilze Kalna"]
    )
    return sheets


def run(head, accountant, sheets):
    return bundle_import(actor=head, municipality=head.municipality, files=csv_files(sheets))


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def test_a_history_imports_with_its_own_days(head, accountant):
    report = run(head, accountant, history())

    assert report.counts["support_circle"]["created"] == 1
    assert report.counts["consents"]["created"] == 3
    assert report.counts["assessments"]["created"] == 2
    assert report.counts["budgets"]["created"] == 2
    # the assessments are completed on their days; the budgets computed by the rule
    budgets = IndicativeBudget.objects.select_related("assessment", "period__client")
    adult = budgets.get(period__client__personal_code=ADULT)
    assert adult.band_code == "B" and adult.monthly_amount == Decimal("560.00")
    assert adult.assessment.status == AssessmentStatus.COMPLETED
    assert local_day(adult.assessment.completed_at) == dt.date(2025, 12, 3)
    assert adult.assessment.own_goals == ["Uzzināt savas darba iespējas", "Dzīvot patstāvīgi"]
    child = budgets.get(period__client__personal_code=CHILD)
    assert (child.band_code, child.period.months) == ("D", 6)
    assert child.assessment.conclusions.count() == 2
    # the mother receives the consultations: plan line, session, invoice line, ledger
    mother = SupportCircleMember.objects.get(client__personal_code=CHILD)
    line = PlanLine.objects.get(service_type__code=PARENTS)
    assert line.recipient == mother and line.funding_source == FundingSource.INDIVIDUAL_BUDGET
    assert Session.objects.get(service_type__code=PARENTS).recipient == mother
    spend = MonthlySpend.objects.get(service_type__code=PARENTS)
    assert (spend.recipient_id, spend.amount) == (mother.pk, Decimal("45.00"))
    # agreed, letters numbered and issued in 2025; the invoice's steps on their days
    versions = PlanVersion.objects.all()
    assert {local_day(v.agreed_at) for v in versions} == {dt.date(2025, 12, 16)}
    assert {local_day(v.activated_at) for v in versions} == {dt.date(2025, 12, 16)}
    letters = GuaranteeLetter.objects.all()
    assert {letter.number[:14] for letter in letters} == {"GV-BALVI-2025-"}
    assert {local_day(letter.issued_at) for letter in letters} == {dt.date(2025, 12, 16)}
    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.PAID and invoice.total == Decimal("120.00")
    assert [
        local_day(invoice.submitted_at),
        local_day(invoice.confirmed_at),
        local_day(invoice.approved_at),
        invoice.paid_on,
    ] == [dt.date(2026, 2, d) for d in (3, 5, 9, 12)]


def test_the_same_history_again_changes_nothing_and_a_changed_one_is_refused(head, accountant):
    run(head, accountant, history())
    before = counts()
    before["budgets"] = BudgetPeriod.objects.count()
    before["members"] = SupportCircleMember.objects.count()
    before["consents"] = Consent.objects.count()

    report = run(head, accountant, history())

    after = counts()
    after["budgets"] = BudgetPeriod.objects.count()
    after["members"] = SupportCircleMember.objects.count()
    after["consents"] = Consent.objects.count()
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1  # only BUNDLE_IMPORTED
    assert after == before
    for sheet in ("support_circle", "consents", "assessments", "budgets"):
        assert report.counts[sheet]["created"] == report.counts[sheet]["updated"] == 0
    assert ImportedKey.objects.filter(sheet="assessments").count() == 2

    # history is corrected in the system, not by importing it again
    changed = edit("budgets", 1, "months", "6", history())
    with pytest.raises(BundleRejected) as caught:
        run(head, accountant, changed)
    assert [(r.sheet, r.row, r.column) for r in caught.value.rows] == [("budgets", 2, "start")]
    assert "jau ir importēts ar citiem datiem" in caught.value.rows[0].message
    # a support-circle member's phone is a register row: updated through the service
    report = run(head, accountant, edit("support_circle", 1, "phone", "+371 29999999", history()))
    assert report.counts["support_circle"]["updated"] == 1
    assert SupportCircleMember.objects.get().phone == "+371 29999999"
    assert AuditEvent.objects.filter(event_type="circle_member.changed").count() == 1


def test_consents_are_imported_as_records_and_a_later_revocation_revokes(head, accountant):
    run(head, accountant, history())
    child = Consent.objects.get(client__personal_code=CHILD)
    assert child.purpose == ConsentPurpose.PSEUDONYMISED_EVALUATION
    assert child.given_by_representative.first_name == "Ilze"
    assert child.given_on == dt.date(2025, 12, 1) and child.revoked_on is None
    adult = Consent.objects.get(
        client__personal_code=ADULT, purpose=ConsentPurpose.PSEUDONYMISED_EVALUATION
    )
    assert adult.given_by_representative is None  # the adult agreed themself
    assert (adult.revoked_on, adult.revoke_reason) == (
        dt.date(2026, 1, 15),
        "Nevēlas, lai dati tiek izmantoti pētījumos.",
    )
    shared = Consent.objects.get(purpose=ConsentPurpose.SHARE_WITH_PROVIDER)
    assert shared.recipient == "SIA Atbalsta punkts"
    assert AuditEvent.objects.filter(event_type="consent.given").count() == 3
    assert AuditEvent.objects.filter(event_type="consent.revoked").count() == 1

    # the child's consent revoked in the spreadsheet afterwards: importing again revokes it
    later = edit("consents", 1, "revoked_on", "20.01.2026", history())
    report = run(head, accountant, later)
    assert report.counts["consents"] == {"created": 0, "updated": 1, "unchanged": 2}
    child.refresh_from_db()
    assert child.revoked_on == dt.date(2026, 1, 20)


BAD = [
    # (sheet, data row, column, value) → the row and column reported, part of the message
    ("assessments", 1, "scores", "employment:3", ("assessments", 2, "scores"), "joma=intensitāte"),
    ("assessments", 1, "scores", "employment=7", ("assessments", 2, "scores"), "no 0 līdz 4"),
    ("assessments", 2, "scores", "employment=2", ("assessments", 3, "scores"), "mērķa grupu"),
    ("assessments", 1, "goals", " | ", ("assessments", 2, "goals"), "Obligāts lauks"),
    ("assessments", 1, "conclusions", "psychologist: Teksts", ("assessments", 2, "conclusions"),
     "tikai uz bērniem"),
    ("assessments", 2, "conclusions", "bez kola", ("assessments", 3, "conclusions"),
     "speciālists: teksts"),
    ("assessments", 2, "conclusions", "dentist: Teksts", ("assessments", 3, "conclusions"),
     "Izvēlieties speciālistu"),
    ("assessments", 1, "completed_on", "30.11.2025", ("assessments", 2, "completed_on"),
     "nevar būt pirms 01.12.2025"),
    ("assessments", 1, "assessed_on", "01.12.2099", ("assessments", 2, "assessed_on"),
     "nākotnē"),
    ("budgets", 1, "assessed_on", "02.12.2025", ("budgets", 2, "assessed_on"),
     "nav pabeigta vajadzību izvērtējuma 02.12.2025"),
    ("budgets", 1, "band", "E", ("budgets", 2, "band"), "ir „B”, nevis „E”"),
    ("budgets", 1, "monthly_amount", "735", ("budgets", 2, "monthly_amount"), "560.00 €"),
    ("budgets", 1, "months", "0", ("budgets", 2, "months"), "no 1 līdz 36"),
    ("budgets", 1, "months", "x", ("budgets", 2, "months"), "veselam pozitīvam"),
    ("consents", 1, "given_by", "Anna Kalna", ("consents", 2, "given_by"),
     "nav pārstāvja „Anna Kalna”"),
    ("consents", 1, "purpose", "research", ("consents", 2, "purpose"), "atļautās:"),
    ("consents", 2, "revoked_on", "30.11.2025", ("consents", 3, "revoked_on"),
     "agrāk, nekā piekrišana dota"),
    ("consents", 1, "given_on", "01.12.2099", ("consents", 2, "given_on"), "nākotnē"),
    ("consents", 1, "client_personal_code", "010101-20028",
     ("consents", 2, "client_personal_code"), "Nezināms klients"),
    ("support_circle", 1, "relation", "mother", ("support_circle", 2, "relation"),
     "atļautās: parent"),
    ("support_circle", 1, "client_personal_code", "010101-20028",
     ("support_circle", 2, "client_personal_code"), "Nezināms klients"),
    ("plan_lines", 3, "recipient", "Anna Kalna", ("plan_lines", 4, "recipient"),
     "nav atbalsta loka dalībnieka „Anna Kalna”"),
    ("sessions", 5, "recipient", "", ("sessions", 6, "service_type"), "nav šī sniedzēja"),
    ("invoice_lines", 3, "recipient", "", ("invoice_lines", 4, "service_type"),
     "nav šī sniedzēja"),
    ("plans", 1, "agreed_on", "14.12.2025", ("plans", 2, "agreed_on"),
     "nevar būt pirms 15.12.2025"),
    ("plans", 1, "agreed_on", "01.01.2099", ("plans", 2, "agreed_on"), "nākotnē"),
    ("invoices", 1, "submitted_on", "31.12.2025", ("invoices", 2, "submitted_on"),
     "nevar būt pirms 01.01.2026"),
    ("invoices", 1, "confirmed_on", "02.02.2026", ("invoices", 2, "confirmed_on"),
     "nevar būt pirms 03.02.2026"),
    ("invoices", 1, "approved_on", "04.02.2026", ("invoices", 2, "approved_on"),
     "nevar būt pirms 05.02.2026"),
    ("invoices", 1, "paid_on", "06.02.2026", ("invoices", 2, "paid_on"),
     "pirms apmaksas apstiprināšanas"),
    ("invoices", 1, "approved_by", "", ("invoices", 2, "approved_by"), "Obligāts lauks"),
    ("invoices", 1, "approved_on", "01.01.2099", ("invoices", 2, "approved_on"), "pagātnē"),
    ("invoices", 1, "approved_on", "", ("invoices", 2, "approved_on"), "Obligāts lauks"),
]  # fmt: skip


@pytest.mark.parametrize(("sheet", "row", "column", "value", "where", "message"), BAD)
def test_bad_history_is_reported_by_row_and_column_and_nothing_is_written(
    head, accountant, sheet, row, column, value, where, message
):
    sheets = edit(sheet, row, column, value, history())
    before = counts()
    before["members"] = SupportCircleMember.objects.count()
    before["periods"] = BudgetPeriod.objects.count()

    with pytest.raises(BundleRejected) as caught:
        run(head, accountant, sheets)

    after = counts()
    after["members"] = SupportCircleMember.objects.count()
    after["periods"] = BudgetPeriod.objects.count()
    assert after == before, "nothing may be written"
    found = [(r.sheet, r.row, r.column, r.message) for r in caught.value.rows]
    assert any((s, r, c) == where and message in m for s, r, c, m in found), found


def test_a_budget_needs_a_completed_assessment_and_periods_may_not_overlap(head, accountant):
    sheets = history()
    sheets["assessments"] = [sheets["assessments"][0], sheets["assessments"][2]]  # no adult's
    sheets["budgets"][1][3] = ""  # the latest completed assessment by the period's start
    sheets["budgets"].append([CHILD, "01.03.2026", "6", "", "D", ""])  # overlaps the first

    with pytest.raises(BundleRejected) as caught:
        run(head, accountant, sheets)

    found = {(r.sheet, r.row, r.column): r.message for r in caught.value.rows}
    assert "līdz perioda sākumam" in found[("budgets", 2, "assessed_on")]
    assert "pārklājas" in found[("budgets", 4, "start")]
    assert not BudgetPeriod.objects.exists()


@given(
    st.dictionaries(
        st.sampled_from([d.value for d in ADULT_DOMAINS]), st.integers(0, 4), min_size=1
    )
)
def test_scores_read_back_what_was_written(scores):
    written = "; ".join(f"{domain}={intensity}" for domain, intensity in scores.items())
    assert cells.scores(written) == scores


@given(st.text(max_size=60))
def test_any_scores_cell_is_read_or_refused_with_a_cell_error(raw):
    try:
        result = cells.scores(raw)
    except cells.CellError as exc:
        assert exc.message
    else:
        assert result is None or all(0 <= i <= 9 for i in result.values())


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="|"), max_size=30)))
def test_goals_are_split_on_the_bar_and_trimmed(goals):
    cleaned = [g.replace("\x00", "").strip() for g in goals]  # a cell never keeps a NUL
    assert cells.texts(" | ".join(goals)) == [g for g in cleaned if g]
