"""Register extracts: a sample in, the expected statuses and lapses out; a second extract, the
expected changes (new lapses first); matching by number with the name as a hint."""

import datetime as dt
import io
from pathlib import Path

import pytest

from atbalsts.catalog.models import ProviderRegistration, RegisterKind
from atbalsts.catalog.tests.factories import make_provider, make_registration, make_service_type
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.people.personal_code import make_old_form
from atbalsts.registers.models import (
    CheckStatus,
    EntryStatus,
    RegisterEntry,
    RegisterImport,
    RegisterSource,
)
from atbalsts.registers.services import ExtractRejected, register_import
from atbalsts.registers.services.matching import names_match

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
TODAY = dt.date(2025, 7, 1)
SOCIAL = RegisterSource.SOCIAL_SERVICE_PROVIDERS


def load(actor, source, name, today=TODAY):
    with (SAMPLES / name).open("rb") as file:
        return register_import(actor=actor, source=source, name=name, file=file, today=today)


@pytest.fixture
def ours(head, balvi):
    """Balvi's providers: one matched by the register's number, one by its company number
    only, one under another name, one the extract does not have."""
    service = make_service_type(actor=head)

    def provider(name, regcode, number, since=dt.date(2015, 1, 1)):
        made = make_provider(actor=head, municipality=balvi, name=name, registration_number=regcode)
        make_registration(
            actor=head, provider=made, service_types=[service], number=number, valid_from=since
        )
        return made

    return {
        "stari": provider("Biedrība „Saules stari”", "40008158818", "SP-1021"),
        "aprupe": provider("Ziemeļlatgales aprūpe, SIA", "50103399862", "SP 9999"),
        "psy": provider("SIA „Vidzemes psihologi”", "45403309113", "SP-1455"),
        "missing": provider("Biedrība „Nav reģistrā”", "40008012309", "SP-0001"),
    }


def registration(provider):
    return ProviderRegistration.objects.get(provider=provider)


def test_first_extract_sets_statuses_and_lapses(head, ours):
    record = load(head, SOCIAL, "socialo_pakalpojumu_sniedzeji_2025-01.csv")

    assert (record.rows, record.entries) == (8, 7)
    assert record.report["first"] is True and record.report["changes"] == []
    assert record.report["counts"]["new"] == 7
    lapsed = RegisterEntry.objects.get(source=SOCIAL, number="SP-1811")
    assert (lapsed.status, lapsed.lapsed_on) == (EntryStatus.LAPSED, dt.date(2024, 6, 30))
    stari = RegisterEntry.objects.get(source=SOCIAL, number="SP-1021")
    assert stari.status == EntryStatus.ACTIVE and stari.regcode == "40008158818"
    assert stari.services == "Atbalsta persona lēmumu pieņemšanā; Grupu nodarbības"

    checks = {p: registration(p).register_check for p in ours.values()}
    assert checks[ours["stari"]].status == CheckStatus.ACTIVE
    assert checks[ours["aprupe"]].status == CheckStatus.ACTIVE  # by its company number
    assert checks[ours["aprupe"]].name_differs is False  # legal form and quotes aside
    assert checks[ours["psy"]].name_differs is True  # shown, not refused
    assert checks[ours["missing"]].status == CheckStatus.NOT_FOUND
    outcomes = [(line["provider_name"], line["outcome"]) for line in record.report["providers"]]
    assert outcomes == [
        ("Biedrība „Nav reģistrā”", "not_found"),
        ("SIA „Vidzemes psihologi”", "name"),
        ("Biedrība „Saules stari”", "active"),
        ("Ziemeļlatgales aprūpe, SIA", "active"),
    ]
    assert AuditEvent.objects.filter(event_type="registers.imported").count() == 1


def test_second_extract_reports_changes_new_lapses_first(head, ours):
    load(head, SOCIAL, "socialo_pakalpojumu_sniedzeji_2025-01.csv")
    record = load(head, SOCIAL, "socialo_pakalpojumu_sniedzeji_2025-06.csv")

    changes = [(c["kind"], c["number"]) for c in record.report["changes"]]
    assert changes == [
        ("lapsed", "SP-1187"),
        ("gone", "SP-1603"),
        ("new", "SP-1920"),
        ("renamed", "SP-1455"),
    ]
    assert record.report["changes"][0]["lapsed_on"] == "2025-04-30"
    assert record.report["counts"] == {
        "lapsed": 1, "gone": 1, "reinstated": 0, "end_changed": 0, "new": 1, "renamed": 1,
    }  # fmt: skip
    assert RegisterEntry.objects.get(number="SP-1603").in_latest is False
    # the lapse reaches the registration: valid to the day before the exclusion
    aprupe = registration(ours["aprupe"])
    assert aprupe.valid_to == dt.date(2025, 4, 29)
    assert aprupe.register_check.status == CheckStatus.LAPSED
    first_line = record.report["providers"][0]
    assert (first_line["provider_name"], first_line["outcome"], first_line["changed"]) == (
        "Ziemeļlatgales aprūpe, SIA",
        "lapsed",
        True,
    )
    assert AuditEvent.objects.filter(
        event_type="catalog.registration_changed", subject_id=str(aprupe.pk)
    ).exists()
    assert RegisterImport.objects.count() == 2


def test_an_entry_valid_again_clears_the_end_the_extract_set(head, ours):
    load(head, SOCIAL, "socialo_pakalpojumu_sniedzeji_2025-06.csv")
    assert registration(ours["aprupe"]).valid_to == dt.date(2025, 4, 29)
    record = load(head, SOCIAL, "socialo_pakalpojumu_sniedzeji_2025-01.csv")
    assert registration(ours["aprupe"]).valid_to is None
    assert ("reinstated", "SP-1187") in [(c["kind"], c["number"]) for c in record.report["changes"]]


def test_an_end_a_person_wrote_is_kept(head, balvi):
    service = make_service_type(actor=head)
    provider = make_provider(
        actor=head,
        municipality=balvi,
        name="Biedrība „Saules stari”",
        registration_number="40008158818",
    )
    make_registration(
        actor=head, provider=provider, service_types=[service], number="SP-1021",
        valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2026, 12, 31),
    )  # fmt: skip
    load(head, SOCIAL, "socialo_pakalpojumu_sniedzeji_2025-01.csv")
    assert registration(provider).valid_to == dt.date(2026, 12, 31)


def test_medical_practitioners_valid_until(head, balvi):
    service = make_service_type(actor=head)
    physio = make_provider(
        actor=head, municipality=balvi, kind="natural", name="Dace Liepiņa",
        registration_number=make_old_form(dt.date(1981, 5, 17), 123),
    )  # fmt: skip
    make_registration(
        actor=head, provider=physio, service_types=[service], number="ĀPR-2188",
        register=RegisterKind.MEDICAL_PRACTITIONERS,
    )  # fmt: skip
    load(head, RegisterSource.MEDICAL_PRACTITIONERS, "arstniecibas_personas_2025-01.csv")
    assert registration(physio).valid_to == dt.date(2027, 4, 11)
    ended = RegisterEntry.objects.get(number="ĀPR-2305")
    assert (ended.status, ended.lapsed_on) == (EntryStatus.LAPSED, dt.date(2025, 2, 1))
    active = RegisterEntry.objects.get(number="ĀPR-2188")
    assert (active.status, active.lapsed_on) == (EntryStatus.ACTIVE, dt.date(2027, 4, 12))


def test_enterprise_register_shows_liquidated_providers(head, balvi):
    kopiena = make_provider(
        actor=head, municipality=balvi, name="Viļakas kopiena", registration_number="40008568152"
    )
    record = load(head, RegisterSource.ENTERPRISES, "register.csv")
    entry = RegisterEntry.objects.get(source=RegisterSource.ENTERPRISES, number="40008568152")
    assert (entry.status, entry.lapsed_on) == (EntryStatus.LAPSED, dt.date(2024, 9, 16))
    assert record.report["providers"] == [
        {
            "provider": kopiena.pk,
            "provider_name": "Viļakas kopiena",
            "in_register": "Biedrība „Viļakas kopiena”",
            "number": "40008568152",
            "name_differs": False,
            "lapsed_on": "2024-09-16",
            "outcome": "lapsed",
        }
    ]


def test_bad_rows_write_nothing_and_are_named(head, ours):
    content = (
        "Reģistra numurs;Sniedzēja nosaukums;Izslēgts\n"
        "SP-1;Biedrība A;\n"
        ";Biedrība B;\n"
        "SP-3;;\n"
        "SP-4;Biedrība D;31.02.2025\n"
    ).encode()
    with pytest.raises(ExtractRejected) as caught:
        register_import(
            actor=head, source=SOCIAL, name="x.csv", file=io.BytesIO(content), today=TODAY
        )
    assert caught.value.rows == [
        (3, "nav ne reģistra, ne reģistrācijas numura"),
        (4, "nav nosaukuma"),
        (5, "izslēgts: „31.02.2025” nav datums"),
    ]
    assert not RegisterEntry.objects.exists() and not RegisterImport.objects.exists()


def test_wrong_files_and_permissions(head, social_worker):
    with pytest.raises(ValidationFailed) as caught:
        register_import(
            actor=head, source=SOCIAL, name="x.csv", file=io.BytesIO(b"a;b\n1;2\n"), today=TODAY
        )
    assert caught.value.errors == {
        "file": ["Failā nav kolonnas: reģistra vai reģistrācijas numurs, nosaukums."]
    }
    with pytest.raises(ValidationFailed):
        register_import(actor=head, source="nothing", name="x.csv", file=io.BytesIO(b""))
    with pytest.raises(NotPermitted):
        load(social_worker, SOCIAL, "socialo_pakalpojumu_sniedzeji_2025-01.csv")


@pytest.mark.parametrize(
    ("ours", "theirs", "same"),
    [
        ("SIA „Vārpa”", "Vārpa, SIA", True),
        ("Biedrība Saules stari", "BIEDRĪBA „SAULES STARI”", True),
        ("SIA „Vidzemes psihologi”", "SIA „Psiholoģiskā palīdzība Vidzemē”", False),
        ("SIA", "SIA „Vārpa”", False),
    ],
)
def test_names_match(ours, theirs, same):
    assert names_match(ours, theirs) is same
