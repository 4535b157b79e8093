"""The State Address Register's extract: the sample in, addresses with coordinates out; a
second extract updates by code; bad rows write nothing; search as you type."""

import io
import math
from decimal import Decimal

import pytest
from django.core.management import call_command

from atbalsts.addresses.lks92 import to_lks92, to_wgs84
from atbalsts.addresses.models import Address
from atbalsts.addresses.selectors import address_search
from atbalsts.addresses.services import addresses_import
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.extracts import ExtractRejected
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role

pytestmark = pytest.mark.django_db

HEADER = "#KODS#;#STATUSS#;#STD#;#KOORD_X#;#KOORD_Y#;#DD_N#;#DD_E#;#DAT_MOD#\n"


def extract(*rows: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "".join(r + "\n" for r in rows)).encode())


def test_the_sample_loads_every_demo_municipality_with_coordinates():
    call_command("addresses_import", stdout=io.StringIO(), stderr=io.StringIO())
    assert Address.objects.count() == 1205
    assert not Address.objects.filter(latitude__isnull=True).exists()
    gone = Address.objects.get(text="Dārza iela 61, Balvi, Balvu nov., LV-4501")
    assert gone.active is False
    assert Address.objects.filter(text__contains="Tukuma nov.").count() > 300
    assert Address.objects.filter(text__contains="Tilža").exists()


def test_second_extract_updates_by_code_and_adds_new(head):
    first = extract(
        "#105000001#;#EKS#;#Brīvības iela 1, Balvi, Balvu nov., LV-4501#;;;#57.1245#;#27.2640#;",
        "#105000002#;#EKS#;#Brīvības iela 2, Balvi, Balvu nov., LV-4501#;;;#57.1243#;#27.2639#;",
    )
    assert addresses_import(actor=head, name="AW_EKA.CSV", source=first)["added"] == 2
    x, y = to_lks92(57.13, 27.27)
    second = extract(
        "#105000002#;#DEL#;#Brīvības iela 2, Balvi, Balvu nov., LV-4501#;;;;;#2025-02-01#",
        f"#105000003#;#EKS#;#Ezera iela 3, Balvi, Balvu nov., LV-4501#;#{x:.2f}#;#{y:.2f}#;;;",
    )
    result = addresses_import(actor=head, name="AW_EKA.CSV", source=second)
    assert (result["added"], result["updated"], result["rows"]) == (1, 1, 2)
    two = Address.objects.get(code=105000002)
    assert not two.active and str(two.changed_on) == "2025-02-01"
    three = Address.objects.get(code=105000003)  # degrees converted from LKS-92
    assert abs(three.latitude - Decimal("57.13")) < Decimal("0.000001")
    assert abs(three.longitude - Decimal("27.27")) < Decimal("0.000001")
    assert AuditEvent.objects.filter(event_type="addresses.imported").count() == 2


def test_bad_rows_write_nothing_and_are_named(head):
    source = extract(
        "#105000001#;#EKS#;#Brīvības iela 1, Balvi#;;;#57.1245#;#27.2640#;",
        "#abc#;#EKS#;#Brīvības iela 2, Balvi#;;;;;",
        "#105000004#;#EKS#;#Rīgas iela 4, Balvi#;;;#48.1#;#11.5#;",
    )
    with pytest.raises(ExtractRejected) as caught:
        addresses_import(actor=head, name="AW_EKA.CSV", source=source)
    assert caught.value.rows == [
        (3, "adreses kods „abc” nav skaitlis"),
        (4, "koordinātas nav Latvijā"),
    ]
    assert not Address.objects.exists()


def test_missing_columns_and_wrong_file(head):
    with pytest.raises(ValidationFailed) as caught:
        addresses_import(actor=head, name="a.csv", source=io.BytesIO(b"a;b\n1;2\n"))
    assert caught.value.errors == {"file": ["Failā nav kolonnas: KODS, STD."]}
    with pytest.raises(ValidationFailed):
        addresses_import(actor=head, name="a.pdf", source=io.BytesIO(b"%PDF"))


def test_only_heads_and_administrators_load(make_user, balvi, social_worker):
    with pytest.raises(NotPermitted):
        addresses_import(actor=social_worker, name="a.csv", source=extract())
    admin = make_user(Role.ADMIN)
    assert addresses_import(actor=admin, name="a.csv", source=extract())["rows"] == 0


def test_search_as_you_type_ignores_case_and_diacritics(social_worker, make_user, balvi):
    call_command("addresses_import", stdout=io.StringIO(), stderr=io.StringIO())
    found = address_search(user=social_worker, query="berzpils iela 12")
    assert found[0].text == "Bērzpils iela 12, Balvi, Balvu nov., LV-4501"
    assert all("12" in a.text for a in found)
    assert address_search(user=social_worker, query="dārza iela 61, balvi") == []  # removed
    assert address_search(user=social_worker, query="ba") == []  # too short to search
    provider_staff = make_user(Role.PROVIDER, balvi)
    assert address_search(user=provider_staff, query="brīvības iela") == []


def test_lks92_round_trip_and_scale():
    for lat, lon in ((57.1313, 27.2658), (56.9496, 24.1052), (55.88, 21.0)):
        x, y = to_lks92(lat, lon)
        back = to_wgs84(x, y)
        assert abs(back[0] - lat) < 1e-7 and abs(back[1] - lon) < 1e-7  # a centimetre
    # Rīga's centre lies near the central meridian: about 311.8 km north, 506.4 km east
    x, y = to_lks92(56.9496, 24.1052)
    assert math.isclose(x, 311780, abs_tol=50) and math.isclose(y, 506399, abs_tol=50)
