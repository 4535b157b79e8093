"""What real history needs (issue 15): a price agreed for the person, the budget as it was
granted, repeated keys refused in every sheet, errors under their cause, services named by
their Latvian names."""

from decimal import Decimal

import pytest

from atbalsts.assessment.models import IndicativeBudget
from atbalsts.assessment.selectors import budget_explanation
from atbalsts.billing.models import InvoiceLine
from atbalsts.bundle.errors import BundleRejected, error_groups
from atbalsts.bundle.example import PROVIDER, csv_files
from atbalsts.bundle.models import ImportRun
from atbalsts.bundle.services import bundle_import
from atbalsts.catalog.models import ServiceType
from atbalsts.delivery.models import Session
from atbalsts.plans.models import GuaranteeLetter, PlanLine

from .conftest import counts, example
from .test_history import history

pytestmark = pytest.mark.django_db

ADULT = "140388-11237"
SUPPORT = "support-person-for-decision-making"


def rejected(head, sheets):
    before = counts()
    with pytest.raises(BundleRejected) as caught:
        bundle_import(actor=head, municipality=head.municipality, files=csv_files(sheets))
    assert counts() == before, "nothing may be written"
    return [(r.sheet, r.row, r.column, r.message) for r in caught.value.rows]


def imported(head, sheets):
    return bundle_import(actor=head, municipality=head.municipality, files=csv_files(sheets))


def with_agreed_price(price="14,00", **approval):
    """The example with the adult's line at an agreed price; sessions and invoice at it."""
    sheets = example()
    header = sheets["plan_lines"][0]
    extra = ["agreed_unit_price", "agreed_price_reason", *approval]
    sheets["plan_lines"][0] = [*header, *extra]
    sheets["plan_lines"][1] = [
        *sheets["plan_lines"][1],
        price,
        "90 minūšu nodarbības pēc pašvaldības lēmuma",
        *approval.values(),
    ]
    sheets["plan_lines"][2] = [*sheets["plan_lines"][2], "", "", *["" for _ in approval]]
    for row in sheets["sessions"][1:3]:
        row[-1] = price
    sheets["invoice_lines"][1][-2:] = [price, ""]
    return sheets


def test_a_price_agreed_above_the_tariff_with_the_heads_approval_prices_the_history(head):
    imported(
        head, with_agreed_price(price_approved_by="Daina Vadone", price_approved_on="20.12.2025")
    )

    line = PlanLine.objects.get(version__plan__client__personal_code=ADULT)
    assert (line.unit_price, line.list_price) == (Decimal("14.00"), Decimal("12.50"))
    assert line.price_approved_by == head and line.price_approved_by_name == "Daina Vadone"
    assert line.price_approved_at.date().isoformat() == "2025-12-20"
    letter = GuaranteeLetter.objects.get(version=line.version)
    assert letter.lines[0]["agreed_unit_price"] == "14.00"
    sessions = Session.objects.filter(client__personal_code=ADULT)
    assert {s.unit_price for s in sessions} == {Decimal("14.00")}
    billed = InvoiceLine.objects.get(client__personal_code=ADULT)
    assert (billed.unit_price, billed.amount, billed.differences) == (
        Decimal("14.00"),
        Decimal("28.00"),
        [],
    )


def test_a_price_above_the_tariff_without_an_approval_is_refused_on_its_line(head):
    """The line is the cause; the sessions and the invoice line that needed its letter are
    counted under it, not reported each on its own."""
    with pytest.raises(BundleRejected) as caught:
        imported(head, with_agreed_price())

    (error,) = caught.value.rows
    assert (error.sheet, error.row, error.column, error.message) == (
        "plan_lines",
        2,
        "agreed_unit_price",
        "Norunātā cena ir augstāka par tarifu (12,50\xa0€): ierakstiet, kurš vadītājs to "
        "apstiprināja un kad (kolonnas „price_approved_by” un „price_approved_on”), vai "
        "importējiet plānu kā melnrakstu.",
    )
    assert error.knock_on == {"sessions": 2, "invoice_lines": 1}
    run = ImportRun.objects.get()
    assert run.errors == [error.as_dict()]
    assert run.errors[0]["knock_on"] == {"sessions": 2, "invoice_lines": 1}


def test_errors_are_grouped_by_cause_with_counts_and_the_first_rows():
    errors = [
        {"sheet": "sessions", "row": n, "column": "unit_price",
         "message": f"Cena {n},00 nesakrīt ar garantijas vēstules cenu 12,50."}
        for n in range(2, 12)
    ] + [
        {"sheet": "plan_lines", "row": 3, "column": "provider_registration_number",
         "message": "Nezināms sniedzējs „123”: tā nav ne lapā „providers”, ne sistēmā.",
         "knock_on": {"sessions": 40}},
    ]  # fmt: skip

    groups = error_groups(errors)

    assert [(g["sheet"], g["count"], g["rows"], g["knock_on"]) for g in groups] == [
        ("plan_lines", 1, [3], {"sessions": 40}),
        ("sessions", 10, [2, 3, 4, 5, 6], {}),
    ]
    assert groups[1]["message"] == "Cena 2,00 nesakrīt ar garantijas vēstules cenu 12,50."


def test_two_tariff_rows_for_the_same_provider_service_and_day_are_refused(head):
    sheets = example()
    sheets["tariffs"].append(["balvi", PROVIDER, SUPPORT, "13,00", "60", "01.01.2025", ""])

    assert rejected(head, sheets) == [
        ("tariffs", 4, "valid_from", "Rinda atkārto 2. rindas atslēgu."),
    ]


def test_repeated_keys_are_refused_in_every_sheet(head):
    sheets = example()
    for name in ("providers", "registrations", "locations", "representatives", "plan_lines"):
        sheets[name].append(list(sheets[name][1]))
    sheets["invoice_lines"].append(list(sheets["invoice_lines"][1]))

    found = {
        (sheet, row) for sheet, row, _c, message in rejected(head, sheets) if "atkārto" in message
    }

    assert found == {
        ("providers", 3),
        ("registrations", 3),
        ("locations", 3),
        ("representatives", 3),
        ("plan_lines", 4),
        ("invoice_lines", 4),
    }


def test_services_may_be_named_by_their_latvian_names(head):
    names = dict(ServiceType.objects.values_list("code", "name_lv"))
    sheets = example()
    for sheet in ("tariffs", "plan_lines", "sessions", "invoice_lines"):
        column = sheets[sheet][0].index("service_type")
        for row in sheets[sheet][1:]:
            row[column] = f"  {names[row[column]].upper()} "
    column = sheets["registrations"][0].index("service_types")
    sheets["registrations"][1][column] = ";".join(
        names[c] for c in sheets["registrations"][1][column].split(";")
    )

    report = imported(head, sheets)

    assert report.counts["sessions"]["created"] == 4
    assert report.counts["invoice_lines"]["created"] == 2


def granted_history(**budget):
    """The history example with the adult's 50 hours a month from the individual budget
    (7 500 € a year), more than the rule gives (560 € a month: 6 720 €)."""
    sheets = history()
    sheets["plan_lines"][1][4] = "50"
    header = sheets["budgets"][0]
    sheets["budgets"][0] = [*header, *budget]
    sheets["budgets"][1] = [*sheets["budgets"][1][:5], "", *budget.values()]
    sheets["budgets"][2] = [*sheets["budgets"][2], *["" for _ in budget]]
    return sheets


def test_the_budget_as_granted_with_an_approved_overrun_carries_a_bigger_plan(head):
    imported(
        head,
        granted_history(
            granted_amount="7 000,00",
            decided_by="Anna Vadītāja",
            decided_on="20.12.2025",
            decision="Sociālā dienesta lēmums Nr. 2025/41",
            overrun_amount="600,00",
            overrun_approved_by="Anna Vadītāja",
            overrun_approved_on="10.01.2026",
            overrun_reason="Papildu stundas darba meklēšanai",
        ),
    )

    budget = IndicativeBudget.objects.get(period__client__personal_code=ADULT)
    assert budget.computed_period_amount == Decimal("6720.00")  # what the rule gives
    assert (budget.period_amount, budget.overrun_amount, budget.limit) == (
        Decimal("7000.00"),
        Decimal("600.00"),
        Decimal("7600.00"),
    )
    assert (budget.granted_by_name, budget.granted_on.isoformat()) == (
        "Anna Vadītāja",
        "2025-12-20",
    )
    assert budget.granted_recorded_by == head
    explanation = budget_explanation(budget)["override"]
    assert explanation.startswith(
        "Piešķirtā summa 7\xa0000,00\xa0€ periodā pēc lēmuma 20.12.2025 (lēma: Anna Vadītāja). "
        "Sociālā dienesta lēmums Nr. 2025/41"
    )
    assert "Papildu stundas darba meklēšanai" in explanation
    line = PlanLine.objects.get(version__plan__client__personal_code=ADULT)
    assert line.total == Decimal("7500.00")


def test_without_the_overrun_the_granted_budget_refuses_the_plan(head):
    with pytest.raises(BundleRejected) as caught:
        imported(
            head,
            granted_history(
                granted_amount="7000,00", decided_by="Anna Vadītāja", decided_on="20.12.2025"
            ),
        )

    (error,) = caught.value.rows
    assert (error.sheet, error.column) == ("plan_lines", "funding_source")
    assert "indikatīvais budžets ir 7\xa0000,00" in error.message
    assert error.knock_on["sessions"] == 2


def test_a_granted_amount_other_than_the_rules_names_who_decided_it(head):
    problems = rejected(head, granted_history(granted_amount="7000,00"))

    assert ("budgets", 2, "decided_by", "Obligāts lauks.") in problems
    assert ("budgets", 2, "decided_on", "Obligāts lauks.") in problems
