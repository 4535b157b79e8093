"""Import and export: round trips, the row-by-row error report, nothing written on error."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from atbalsts.catalog import exchange, services
from atbalsts.catalog.exchange import ImportRejected, RowError, catalog_import
from atbalsts.catalog.models import (
    MunicipalPrice,
    Provider,
    ProviderLocation,
    ProviderRegistration,
    ServiceType,
    Tariff,
)
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role

from .factories import (
    make_location,
    make_municipal_price,
    make_provider,
    make_registration,
    make_tariff,
    valid_iban,
)

D = dt.date


@pytest.fixture
def register(admin_user, balvi, tukums):
    """A small but complete register: prices, providers, registrations, locations, tariffs."""
    actor = admin_user
    psych = ServiceType.objects.get(code="psychologist-consultation")
    km = ServiceType.objects.get(code="transport-compensation")
    services.service_type_retire(
        actor=actor, service_type=ServiceType.objects.get(code="massage"), retired_at=D(2026, 1, 1)
    )
    make_municipal_price(
        actor=actor,
        municipality=balvi,
        service_type=psych,
        unit_price="40.00",
        valid_from=D(2025, 1, 1),
    )
    make_municipal_price(actor=actor, municipality=balvi, service_type=psych, unit_price="42.50")
    make_municipal_price(actor=actor, municipality=tukums, service_type=km, di_unit_cost="0.12")
    saulstari = make_provider(
        actor=actor, municipality=balvi, name="Saulstari, biedrība", email="info@saulstari.lv"
    )
    make_registration(
        actor=actor,
        provider=saulstari,
        service_types=[psych, km],
        valid_from=D(2024, 1, 1),
        valid_to=D(2026, 12, 31),
        verified_on=D(2025, 2, 1),
    )
    office = make_location(actor=actor, provider=saulstari, municipality=balvi, address="Ezera 1")
    make_location(actor=actor, provider=saulstari, municipality=None, kind="remote")
    make_tariff(
        actor=actor,
        provider=saulstari,
        service_type=psych,
        unit_price="45.00",
        valid_from=D(2025, 1, 1),
        valid_to=D(2025, 12, 31),
        session_minutes=60,
    )
    make_tariff(
        actor=actor,
        provider=saulstari,
        service_type=psych,
        unit_price="47.10",
        valid_from=D(2026, 1, 1),
        remote_allowed=True,
    )
    make_tariff(actor=actor, provider=saulstari, service_type=psych, unit_price="50.00",
                valid_from=D(2026, 1, 1), location=office)  # fmt: skip
    make_provider(actor=actor, municipality=tukums, name="Jānis Ozols", kind="natural",
                  registration_number="170380-12340", iban="")  # fmt: skip
    return saulstari


def _everything(actor):
    return {table: exchange.export_csv(actor=actor, table=table) for table in exchange.TABLES}


def _wipe():
    Tariff.objects.all().delete()
    ProviderLocation.objects.all().delete()
    ProviderRegistration.objects.all().delete()
    Provider.objects.all().delete()
    MunicipalPrice.objects.all().delete()
    ServiceType.objects.all().delete()


def _changes():
    return AuditEvent.objects.filter(
        event_type__regex=r"^catalog\.[a-z_]+_(created|changed|retired)$"
    ).count()


def test_xlsx_round_trip_into_an_empty_catalogue(admin_user, register):
    before = _everything(admin_user)
    catalogue = exchange.export_xlsx(actor=admin_user, dataset="catalogue")
    providers = exchange.export_xlsx(actor=admin_user, dataset="register")
    _wipe()
    result = catalog_import(actor=admin_user, name="k.xlsx", content=catalogue, dataset="catalogue")
    assert result.created == {"service_types": 46, "municipal_prices": 3}
    result = catalog_import(actor=admin_user, name="s.xlsx", content=providers, dataset="register")
    assert result.created == {"providers": 2, "registrations": 1, "locations": 2, "tariffs": 3}
    assert _everything(admin_user) == before

    changes = _changes()
    again = catalog_import(actor=admin_user, name="s.xlsx", content=providers, dataset="register")
    catalog_import(actor=admin_user, name="k.xlsx", content=catalogue, dataset="catalogue")
    assert again.created == {} and again.updated == {}
    assert again.unchanged == {"providers": 2, "registrations": 1, "locations": 2, "tariffs": 3}
    assert _changes() == changes
    assert _everything(admin_user) == before


def test_csv_round_trip_table_by_table(admin_user, register):
    before = _everything(admin_user)
    _wipe()
    order = (
        "service_types",
        "municipal_prices",
        "providers",
        "registrations",
        "locations",
        "tariffs",
    )
    for table in order:
        dataset = "catalogue" if table in exchange.DATASETS["catalogue"] else "register"
        catalog_import(
            actor=admin_user, name=f"{table}.csv", content=before[table], dataset=dataset
        )
    assert _everything(admin_user) == before


def test_csv_export_is_utf8_with_bom(admin_user, register):
    content = exchange.export_csv(actor=admin_user, table="providers")
    assert content.startswith(b"\xef\xbb\xbf")
    assert "Saulstari, biedrība" in content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(event_type="catalog.exported").count() == 1


def test_head_exports_only_own_municipality_register(head, register):
    text = exchange.export_csv(actor=head, table="providers").decode("utf-8-sig")
    assert "Saulstari" in text and "Ozols" not in text
    prices = exchange.export_csv(actor=head, table="municipal_prices").decode("utf-8-sig")
    assert "balvi" in prices and "tukums" not in prices


def _csv(*lines):
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_wrong_encoding_is_named(head):
    content = "code,name_lv,category,unit\nx,Ģimenes atbalsts,care,hour\n".encode("cp1257")
    with pytest.raises(ImportRejected) as caught:
        catalog_import(actor=head, name="s.csv", content=content, dataset="catalogue")
    assert caught.value.rows == [
        RowError(
            "s.csv",
            0,
            "file",
            "Fails nav UTF-8 kodējumā (iespējams, Windows-1257 vai UTF-16). Excel: „Saglabāt kā” → "
            "„CSV UTF-8 (atdalīts ar komatiem)”.",
        )
    ]


def test_missing_columns_are_named(head):
    with pytest.raises(ImportRejected) as caught:
        catalog_import(
            actor=head,
            name="s.csv",
            content=_csv("code,name_lv,unit", "a,B,hour"),
            dataset="catalogue",
        )
    assert caught.value.rows == [
        RowError("s.csv", 1, "category", "Trūkst kolonnas „category” (tabula service_types).")
    ]


def test_every_bad_row_is_reported_and_nothing_is_written(head):
    before = ServiceType.objects.count()
    content = _csv(
        "code;name_lv;category;unit;default_unit_price;remote_allowed",
        "jauns-1;Jauns viens;care;hour;12,50;yes",
        "jauns-2;Jauns divi;care;week;10;no",
        "",
        "jauns-3;Jauns trīs;care;hour;99999;maybe",
    )
    with pytest.raises(ImportRejected) as caught:
        catalog_import(actor=head, name="s.csv", content=content, dataset="catalogue")
    assert caught.value.rows == [
        RowError(
            "service_types",
            3,
            "unit",
            "Nezināma vērtība „week”; atļautās: hour, session, day, km, trip, course, month.",
        ),
        RowError("service_types", 5, "remote_allowed", "Jābūt „yes” vai „no”."),
    ]
    assert ServiceType.objects.count() == before
    assert not AuditEvent.objects.filter(event_type__startswith="catalog.").exists()


def test_absurd_price_invalid_iban_and_overlap_name_row_and_field(head, balvi, provider):
    psych = "psychologist-consultation"
    number = provider.registration_number
    tariffs = _csv(
        "provider_municipality,provider_registration_number,service_type,unit_price,valid_from,valid_to",
        f"balvi,{number},{psych},45.00,2026-01-01,2026-06-30",
        f"balvi,{number},{psych},46.00,2026-06-30,",
        f"balvi,{number},{psych},-3,2027-01-01,",
        f"balvi,{number},nav-tada,10,2027-01-01,",
    )
    with pytest.raises(ImportRejected) as caught:
        catalog_import(actor=head, name="t.csv", content=tariffs, dataset="register")
    assert [(e.row, e.field) for e in caught.value.rows] == [
        (3, "valid_from"),
        (4, "unit_price"),
        (5, "service_type"),
    ]
    assert (
        caught.value.rows[0].message
        == "Periods pārklājas ar tarifu, kas spēkā 01.01.2026–30.06.2026 (45,00\xa0€)."
    )
    assert caught.value.rows[2].message == "Nezināms pakalpojuma kods „nav-tada”."
    assert not Tariff.objects.exists()

    providers = _csv(
        "municipality,registration_number,kind,name,iban",
        "balvi,40003000017,legal,Jauns SIA,LV00BANK0000000000000",
        f"tukums,40003000002,legal,Cits SIA,{valid_iban()}",
    )
    with pytest.raises(ImportRejected) as caught:
        catalog_import(actor=head, name="p.csv", content=providers, dataset="register")
    assert caught.value.rows == [
        RowError(
            "providers",
            2,
            "iban",
            "Konta numura kontrolcipari nesakrīt — pārbaudiet, vai tas ievadīts pareizi.",
        ),
        RowError("providers", 3, "municipality", "Jums nav tiesību veikt šo darbību."),
    ]
    assert Provider.objects.count() == 1


def test_xlsx_with_number_cells_and_date_cells(head):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "service_types"
    sheet.append(["code", "name_lv", "category", "unit", "default_unit_price", "retired_at"])
    sheet.append(
        ["jauns", "Jauns pakalpojums", "therapy", "session", 12.5, dt.datetime(2027, 1, 1)]
    )
    out = io.BytesIO()
    workbook.save(out)
    catalog_import(actor=head, name="k.xlsx", content=out.getvalue(), dataset="catalogue")
    created = ServiceType.objects.get(code="jauns")
    assert created.default_unit_price == Decimal("12.50")
    assert created.retired_at == D(2027, 1, 1)


def test_not_an_xlsx_and_unknown_format(head):
    with pytest.raises(ImportRejected) as caught:
        catalog_import(actor=head, name="k.xlsx", content=b"not a zip", dataset="catalogue")
    assert caught.value.rows[0].message == "Fails nav derīgs XLSX fails."
    with pytest.raises(ImportRejected) as caught:
        catalog_import(actor=head, name="k.pdf", content=b"%PDF", dataset="catalogue")
    assert caught.value.rows[0].message == "Atbalstītie formāti: .xlsx un .csv."


def test_readers_cannot_import(make_user, balvi):
    worker = make_user(Role.SOCIAL_WORKER, balvi)
    with pytest.raises(ImportRejected) as caught:
        catalog_import(
            actor=worker,
            name="s.csv",
            content=_csv("code,name_lv,category,unit", "a,A,care,hour"),
            dataset="catalogue",
        )
    assert caught.value.rows == [
        RowError("service_types", 2, "municipality", "Jums nav tiesību veikt šo darbību.")
    ]


@settings(
    max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(content=st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(head, content):
    before = ServiceType.objects.count()
    try:
        catalog_import(actor=head, name="x.csv", content=content, dataset="catalogue")
    except ImportRejected as exc:
        assert exc.rows
    assert ServiceType.objects.count() >= before


def test_exported_workbook_has_the_documented_columns(admin_user, register):
    workbook = load_workbook(io.BytesIO(exchange.export_xlsx(actor=admin_user, dataset="register")))
    assert workbook.sheetnames == ["providers", "registrations", "locations", "tariffs"]
    header = [c.value for c in workbook["tariffs"][1]]
    assert header == list(exchange.TABLES["tariffs"])


def test_management_commands_round_trip(admin_user, register, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "register.xlsx"
    call_command("catalog_export", "register", str(path), user=admin_user.username)
    out = io.StringIO()
    call_command("catalog_import", "register", str(path), user=admin_user.username, stdout=out)
    assert "bez izmaiņām" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"code,name_lv,category,unit\nx,X,care,week\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("catalog_import", "catalogue", str(bad), user=admin_user.username, stderr=err)
    assert "service_types, 2. rinda, unit" in err.getvalue()


@settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    cents=st.integers(min_value=0, max_value=500_000),
    comma=st.booleans(),
    semicolon=st.booleans(),
)
def test_any_price_survives_a_csv_import_exactly(head, cents, comma, semicolon):
    price = Decimal(cents) / 100
    text = f"{price:.2f}".replace(".", ",") if comma else f"{price:.2f}"
    sep = ";" if semicolon else ","
    cell = f'"{text}"' if sep == "," and comma else text
    content = _csv(
        sep.join(("code", "name_lv", "category", "unit", "default_unit_price")),
        sep.join(("h-prop", "Hipotēze", "care", "hour", cell)),
    )
    catalog_import(actor=head, name="p.csv", content=content, dataset="catalogue")
    assert ServiceType.objects.get(code="h-prop").default_unit_price == price


def test_openapi_schema_lists_the_catalog_endpoints(client, head):
    client.force_login(head)
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/catalog/price" in paths and "/api/catalog/providers" in paths
