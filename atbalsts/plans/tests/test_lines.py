"""Plan lines: the total to the cent, quantities, dates, prices and tariffs, what the individual
budget may pay for, the provider's registration, recipients, and a child's weekly load."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.catalog.errors import ProviderNotQualified, TariffNotValidOnDate
from atbalsts.catalog.tests.factories import make_tariff
from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.people import services as people_services
from atbalsts.people.tests.factories import make_client
from atbalsts.plans import selectors, services
from atbalsts.plans.errors import NoPriceForBudget, NotBudgetFundable
from atbalsts.plans.models import FundingSource, PlanLine
from atbalsts.plans.spread import line_total

from .factories import add_line, fresh, line_data, make_plan

pytestmark = pytest.mark.django_db


def test_line_takes_the_tariff_valid_at_its_start_and_totals_to_the_cent(world):
    version = make_plan(world)
    line = add_line(world, version, quantity=Decimal("7.5"), months=12)
    assert line.unit_price == Decimal("20.00")
    assert line.price_source == "tariff"
    assert line.total == Decimal("1800.00")
    assert line.end == dt.date(2026, 12, 31)
    assert fresh(version).revision == 2
    event = AuditEvent.objects.get(event_type=AuditEventType.PLAN_LINE_ADDED)
    assert event.extra_data["total"] == "1800.00" and event.client_id == world.client.pk


def test_total_is_rounded_once_half_up():
    # 33.33 × 0.5 × 3 = 49.995 → 50.00 (rounding each month first would give 49.98)
    assert line_total(Decimal("33.33"), Decimal("0.5"), 3) == Decimal("50.00")
    assert line_total(None, Decimal("4"), 3) == Decimal("0.00")


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    price=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2),
    quantity=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2),
    months=st.integers(min_value=1, max_value=36),
)
def test_total_is_price_times_quantity_times_months_to_the_cent(price, quantity, months):
    total = line_total(price, quantity, months)
    assert total == (price * quantity * months).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert total.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (Decimal("0"), "Daudzumam mēnesī jābūt lielākam par nulli."),
        (Decimal("-3"), "Daudzumam mēnesī jābūt lielākam par nulli."),
        (
            Decimal("501"),
            "Daudzums 501 mēnesī ir neticami liels; augstākais pieļaujamais ir 500.",
        ),
        ("daudz", "Daudzumam jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
        (2.5, "Daudzumam jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
        ("1,234", "Daudzumam jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
        (None, "Obligāts lauks."),
    ],
)
def test_zero_negative_absurd_or_malformed_quantity_is_refused(world, quantity, message):
    version = make_plan(world)
    with pytest.raises(ValidationFailed) as exc:
        add_line(world, version, quantity=quantity)
    assert exc.value.errors["quantity"] == [message]
    assert not PlanLine.objects.exists()
    assert fresh(version).revision == 1


def test_quantity_ceiling_is_configurable(world, settings):
    settings.PLAN_MAX_MONTHLY_QUANTITY = 20
    version = make_plan(world)
    with pytest.raises(ValidationFailed) as exc:
        add_line(world, version, quantity=Decimal("21"))
    assert exc.value.errors["quantity"] == [
        "Daudzums 21 mēnesī ir neticami liels; augstākais pieļaujamais ir 20."
    ]


def test_quantity_typed_with_a_comma_is_read(world):
    line = add_line(world, make_plan(world), quantity="2,5", months=2)
    assert line.quantity == Decimal("2.50") and line.total == Decimal("100.00")


def test_end_before_start_is_refused(world):
    version = make_plan(world)
    with pytest.raises(ValidationFailed) as exc:
        add_line(world, version, start=dt.date(2026, 5, 1), end=dt.date(2026, 4, 30), months=None)
    assert exc.value.errors["end"] == ["Beigu datums nevar būt pirms sākuma datuma."]
    with pytest.raises(ValidationFailed) as exc:
        services.plan_create(
            actor=world.worker,
            client=world.client,
            start=dt.date(2026, 5, 1),
            end=dt.date(2026, 4, 1),
        )
    assert exc.value.errors["end"] == ["Beigu datums nevar būt pirms sākuma datuma."]


def test_end_may_be_given_instead_of_months_in_whole_months(world):
    version = make_plan(world)
    line = add_line(
        world, version, start=dt.date(2026, 3, 1), end=dt.date(2026, 5, 31), months=None
    )
    assert line.months == 3
    with pytest.raises(ValidationFailed) as exc:
        add_line(world, version, start=dt.date(2026, 3, 1), end=dt.date(2026, 5, 20), months=None)
    assert exc.value.errors["end"] == [
        "Rinda aptver veselus mēnešus: no 01.03.2026 ar 3 mēnešiem tā beidzas 31.05.2026."
    ]


def test_line_outside_the_plan_period_is_refused(world):
    version = make_plan(world)
    with pytest.raises(ValidationFailed) as exc:
        add_line(world, version, start=dt.date(2026, 7, 1), months=7)
    assert exc.value.errors["months"] == [
        "Rindai (01.07.2026–31.01.2027) jābūt plāna periodā 01.01.2026–31.12.2026."
    ]


def test_unknown_field_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        add_line(world, make_plan(world), colour="zaļš")
    assert exc.value.errors == {"colour": ["Nezināms lauks."]}


def test_state_paid_assistant_is_never_paid_from_the_individual_budget(world):
    version = make_plan(world)
    with pytest.raises(NotBudgetFundable) as exc:
        add_line(world, version, service_type=world.assistant)
    assert exc.value.message == (
        "„Valsts apmaksātais asistents pašvaldībā” nekad netiek apmaksāts no individuālā "
        "budžeta (to apmaksā valsts). Izvēlieties citu finansējuma avotu."
    )
    assert exc.value.field == "funding_source"
    line = add_line(
        world, version, service_type=world.assistant, funding_source=FundingSource.STATE
    )
    assert line.funding_source == FundingSource.STATE and line.unit_price == Decimal("5.00")
    assert selectors.version_budget_total(fresh(version)) == Decimal("0.00")


def test_service_without_a_price_is_not_paid_from_the_budget(world):
    version = make_plan(world)
    with pytest.raises(NoPriceForBudget) as exc:
        add_line(world, version, service_type=world.unpriced)
    assert exc.value.message == (
        "Pakalpojumam „Dienas centrs (plāna tests)” 01.01.2026 nav noteiktas cenas, tāpēc no "
        "individuālā budžeta to apmaksāt nevar (ja vien tam nav DI vienības izmaksu). "
        "Izvēlieties citu finansējuma avotu."
    )
    municipal = add_line(
        world, version, service_type=world.unpriced, funding_source=FundingSource.MUNICIPAL
    )
    assert municipal.unit_price is None and municipal.total == Decimal("0.00")


def test_service_without_a_price_but_with_a_di_unit_cost_is_paid_at_that_cost(world):
    line = add_line(world, make_plan(world), service_type=world.di_service, quantity=2, months=3)
    assert line.unit_price == Decimal("15.00")
    assert line.price_source == "di_unit_cost"
    assert line.total == Decimal("90.00")


def test_tariff_not_valid_on_the_start_is_refused(world):
    tariff_from_march = make_tariff(
        actor=world.head,
        provider=world.other_provider,
        service_type=world.di_service,
        unit_price="18.00",
        valid_from=dt.date(2026, 3, 1),
    )
    version = make_plan(world)
    with pytest.raises(TariffNotValidOnDate) as exc:
        add_line(
            world,
            version,
            service_type=world.di_service,
            provider=world.other_provider,
            override_reason="Vienīgais tuvumā",
        )
    assert exc.value.message == (
        "Sniedzēja „SIA Ķiršu dārzs” tarifs pakalpojumam „Grupu dzīvoklis (plāna tests)” "
        "01.01.2026 nav spēkā."
    )
    line = add_line(
        world,
        version,
        service_type=world.di_service,
        provider=world.other_provider,
        start=dt.date(2026, 3, 1),
        months=2,
        override_reason="Vienīgais tuvumā",
    )
    assert line.tariff == tariff_from_march and line.unit_price == Decimal("18.00")


def test_tariff_ending_before_the_line_ends_is_refused(world):
    make_tariff(
        actor=world.head,
        provider=world.provider,
        service_type=world.di_service,
        unit_price="16.00",
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 6, 30),
    )
    version = make_plan(world)
    with pytest.raises(TariffNotValidOnDate) as exc:
        add_line(world, version, service_type=world.di_service, months=7)
    assert exc.value.message == (
        "Sniedzēja tarifs ir spēkā tikai līdz 30.06.2026, bet rinda turpinās līdz 31.07.2026. "
        "Sadaliet rindu divās daļās pa tarifu periodiem."
    )
    assert add_line(world, version, service_type=world.di_service, months=6).total == Decimal(
        "960.00"
    )


def test_provider_not_registered_is_refused_unless_overridden_with_a_reason(world):
    version = make_plan(world)
    with pytest.raises(ProviderNotQualified) as exc:
        add_line(world, version, provider=world.other_provider, service_type=world.di_service)
    assert exc.value.message == (
        "Sniedzējs „SIA Ķiršu dārzs” nav reģistrēts pakalpojumam „Grupu dzīvoklis (plāna tests)” "
        "01.01.2026. Izvēlieties citu sniedzēju vai norādiet izņēmuma pamatojumu."
    )
    assert not PlanLine.objects.exists()
    line = add_line(
        world,
        version,
        provider=world.other_provider,
        service_type=world.di_service,
        override_reason="Reģistrācija iesniegta, gaida lēmumu",
    )
    assert line.registration_status == "missing"
    assert line.override_reason == "Reģistrācija iesniegta, gaida lēmumu"
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.CATALOG_REGISTRATION_OVERRIDDEN
    ).exists()


def test_reason_is_dropped_when_the_provider_is_registered(world):
    line = add_line(world, make_plan(world), override_reason="Nevajadzīgs")
    assert line.registration_status == "ok" and line.override_reason == ""


def test_recipient_is_the_client_or_a_member_of_their_circle(world, social_worker, balvi):
    mother = people_services.circle_member_create(
        actor=social_worker,
        client=world.client,
        data={"first_name": "Māra", "last_name": "Bērziņa", "relation": "parent"},
    )
    stranger_client = make_client(actor=social_worker, municipality=balvi, first_name="Cits")
    stranger = people_services.circle_member_create(
        actor=social_worker,
        client=stranger_client,
        data={"first_name": "Svešs", "relation": "friend"},
    )
    version = make_plan(world)
    line = add_line(world, version, recipient=mother, months=2)
    assert line.recipient == mother
    with pytest.raises(ValidationFailed) as exc:
        add_line(world, version, recipient=stranger.pk)
    assert exc.value.errors == {"recipient": ["Nav atrasts."]}


def test_goal_must_belong_to_the_same_version(world):
    from .factories import add_goal

    first = make_plan(world)
    goal = add_goal(world, first)
    line = add_line(world, first, goal=goal, months=2)
    assert line.goal == goal
    with pytest.raises(ValidationFailed) as exc:
        add_line(world, first, goal=999999)
    assert exc.value.errors == {"goal": ["Nav atrasts."]}


def test_line_update_and_remove_change_the_revision_and_audit(world):
    version = make_plan(world)
    line = add_line(world, version, months=2)
    version = fresh(version)
    line = services.line_update(
        actor=world.worker,
        line=line,
        revision=version.revision,
        data={"quantity": Decimal("5")},
    )
    assert line.total == Decimal("200.00")
    version = fresh(version)
    assert version.revision == 3
    services.line_remove(actor=world.worker, line=line, revision=version.revision)
    assert not PlanLine.objects.exists()
    assert set(AuditEvent.objects.values_list("event_type", flat=True)) >= {
        "plan.line_added",
        "plan.line_changed",
        "plan.line_removed",
    }


def test_child_plan_warns_when_weekly_sessions_pass_the_limit(child_world):
    world = child_world
    version = make_plan(world)
    # 26 sessions a month × 12 / 52 = 6.0 a week: at the limit, no warning yet
    add_line(world, version, service_type=world.session_service, quantity=26, months=2)
    assert selectors.version_warnings(fresh(version)) == []
    add_line(world, version, service_type=world.session_service, quantity=1, months=1)
    # 27 × 12 / 52 = 6.23 sessions and 27 × 45 min = 20.25 h × 12 / 52 = 4.67 h a week
    assert selectors.version_warnings(fresh(version)) == [
        "Bērnam plānotas 6,2 nodarbības nedēļā (01.2026), vairāk nekā ieteicamās 6. "
        "Pārāk daudz pakalpojumu vienlaikus var bērnu pārslogot."
    ]


def test_child_weekly_hour_limit_is_configurable(child_world, settings):
    settings.PLAN_CHILD_MAX_WEEKLY_HOURS = 2
    world = child_world
    version = make_plan(world)
    add_line(world, version, service_type=world.session_service, quantity=13, months=2)
    # 13 × 45 min = 9.75 h a month → 2.25 h a week
    assert selectors.version_warnings(fresh(version)) == [
        "Bērnam plānotas 2,3 nodarbību stundas nedēļā (01.2026), vairāk nekā ieteicamās 2. "
        "Pārāk daudz pakalpojumu vienlaikus var bērnu pārslogot."
    ]


def test_adult_plan_has_no_weekly_warning(world):
    version = make_plan(world)
    add_line(world, version, quantity=100, months=1)
    assert selectors.version_warnings(fresh(version)) == []


def test_line_data_factory_is_complete(world):
    assert set(line_data(world)) <= set(services.LINE_FIELDS)


def test_changing_only_the_end_recounts_the_months(world):
    version = make_plan(world)
    line = add_line(world, version, months=2)
    line = services.line_update(
        actor=world.worker,
        line=line,
        revision=fresh(version).revision,
        data={"end": dt.date(2026, 4, 30)},
    )
    assert line.months == 4 and line.total == Decimal("800.00")


def test_services_for_the_family_do_not_count_in_the_childs_load(child_world):
    world = child_world
    mother = people_services.circle_member_create(
        actor=world.worker,
        client=world.client,
        data={"first_name": "Ilze", "relation": "parent"},
    )
    version = make_plan(world)
    add_line(
        world, version, service_type=world.session_service, quantity=40, months=1, recipient=mother
    )
    assert selectors.version_warnings(fresh(version)) == []
