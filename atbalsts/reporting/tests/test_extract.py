"""The pseudonymised CSV extract for research: one row per client × month × service × funding
source; no name, personal code, address nor free text; stable pseudonyms; streamed; audited;
on the page, through the API and from `manage.py ib_extract`; the same report policy."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.http import StreamingHttpResponse
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.accounts.services import api_token_create
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.audit import AuditEventType
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.people import services as people_services
from atbalsts.people.models import Consent, ConsentPurpose, Municipality
from atbalsts.people.pseudonyms import client_pseudonym
from atbalsts.people.tests.factories import make_client
from atbalsts.plans.models import FundingSource
from atbalsts.plans.tests.factories import make_budget, make_rule
from atbalsts.reporting.selectors import EXTRACT_HEADER, extract_coverage, research_extract

from .conftest import FEB, JAN, MAR
from .factories import make_spend, service

pytestmark = pytest.mark.django_db

URL = reverse("reporting:research_extract")
API = "/api/reporting/extract"
PARAMS = {"date_from": "2020-01-01", "date_to": "2020-03-31"}
GIMENES = "Ģimenes asistenta pakalpojums"
HEADER = ",".join(EXTRACT_HEADER)
# January–March 2020, every municipality the user sees and every group (the consent tests).
Q1_2020: dict[str, Any] = {
    "municipalities": None,
    "target_group": None,
    "date_from": dt.date(2020, 1, 1),
    "date_to": dt.date(2020, 3, 31),
}


def rows_of(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def streamed(response: Any) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


@pytest.fixture
def data(
    new_child: Any, parent_of: Any, head: Any, tukums_head: Any, tukums: Municipality
) -> dict[str, Any]:
    a = new_child(first_name="Ērika", last_name="Ūdre", address="Brīvības iela 1, Balvi")
    b = new_child(disability_group="child")
    gim, psy = service(GIMENES), service("Psihologa konsultācija")
    make_spend(client=a, service_type=gim, month=JAN, amount="120.50")
    make_spend(client=a, service_type=gim, month=FEB, amount="79.50")
    # the same client, month, service and source for the client and a parent: one row, summed
    make_spend(client=b, service_type=psy, month=MAR, amount="33.34")
    make_spend(client=b, service_type=psy, month=MAR, amount="10.00", recipient=parent_of(b))
    make_spend(
        client=b,
        service_type=psy,
        month=MAR,
        amount="5.00",
        funding_source=FundingSource.STATE,
    )
    t = make_client(
        actor=tukums_head, municipality=tukums, child=True, start_date=dt.date(2019, 11, 1)
    )
    make_spend(client=t, service_type=gim, month=JAN, amount="1.00")
    for client, actor in ((a, head), (b, head), (t, tukums_head)):
        consent(actor, client, dt.date(2019, 11, 1))
    return {"a": a, "b": b, "t": t, "gim": gim, "psy": psy}


def consent(actor: Any, client: Any, given_on: dt.date) -> Consent:
    return people_services.consent_give(
        actor=actor,
        client=client,
        data={"purpose": ConsentPurpose.PSEUDONYMISED_EVALUATION, "given_on": given_on},
    )


def test_one_row_per_client_month_service_and_source(data: Any, head: Any) -> None:
    a, b = data["a"], data["b"]
    rows = list(
        research_extract(
            user=head,
            municipalities=None,
            target_group=None,
            date_from=dt.date(2020, 1, 1),
            date_to=dt.date(2020, 3, 31),
        )
    )
    gim, psy = data["gim"].code, data["psy"].code
    pa, pb = client_pseudonym(a.pk), client_pseudonym(b.pk)
    expected = [
        EXTRACT_HEADER,
        (
            pa,
            "2020-01",
            "balvi",
            "child_ft",
            "2016",
            "none",
            "",
            gim,
            "individual_budget",
            "120.50",
        ),
        (pa, "2020-02", "balvi", "child_ft", "2016", "none", "", gim, "individual_budget", "79.50"),
        (
            pb,
            "2020-03",
            "balvi",
            "child_ft",
            "2016",
            "child",
            "",
            psy,
            "individual_budget",
            "43.34",
        ),
        (pb, "2020-03", "balvi", "child_ft", "2016", "child", "", psy, "state", "5.00"),
    ]
    assert sorted(rows[1:]) == sorted(expected[1:]) and rows[0] == EXTRACT_HEADER


def test_the_band_in_force_that_month(social_worker: Any, head: Any, balvi: Municipality) -> None:
    make_rule(head=head, municipality=balvi, target_group="adult_grt", monthly="400.00")
    client = make_client(actor=social_worker, municipality=balvi)
    make_assessment(actor=social_worker, client=client)
    make_budget(actor=social_worker, client=client, start=dt.date(2026, 2, 1), months=2)
    consent(social_worker, client, dt.date(2026, 1, 5))
    for month in (1, 2, 3, 4):
        make_spend(
            client=client,
            service_type=service(GIMENES),
            month=dt.date(2026, month, 1),
            amount="10.00",
        )
    rows = list(
        research_extract(
            user=head,
            municipalities=None,
            target_group="adult_grt",
            date_from=dt.date(2026, 1, 1),
            date_to=dt.date(2026, 4, 30),
        )
    )
    assert [(r[1], r[6]) for r in rows[1:]] == [
        ("2026-01", ""),
        ("2026-02", "A"),
        ("2026-03", "A"),
        ("2026-04", ""),
    ]


def test_pseudonyms_are_stable_differ_and_depend_on_the_key(data: Any) -> None:
    a, b = data["a"], data["b"]
    assert client_pseudonym(a.pk) == client_pseudonym(a.pk)
    assert client_pseudonym(a.pk) != client_pseudonym(b.pk)
    assert len({client_pseudonym(i) for i in range(1, 2001)}) == 2000
    with override_settings(PSEUDONYM_KEY="cits-atslēgas-teksts"):
        other = client_pseudonym(a.pk)
    assert other != client_pseudonym(a.pk)


def test_the_page_streams_utf8_with_bom_the_same_across_runs(
    client: Any, head: Any, data: Any
) -> None:
    client.force_login(head)
    first = client.get(URL, PARAMS)
    assert first.status_code == 200
    assert first["Content-Type"] == "text/csv; charset=utf-8"
    assert first["Content-Disposition"] == (
        'attachment; filename="izvilkums-balvi-20200101-20200331.csv"'
    )
    content = streamed(first)
    content.decode("utf-8")  # valid UTF-8
    rows = rows_of(content)
    assert ",".join(rows[0]) == HEADER and len(rows) == 5
    assert streamed(client.get(URL, PARAMS)) == content  # stable across runs
    event = AuditEvent.objects.filter(event_type=AuditEventType.REPORT_EXTRACT_EXPORTED).first()
    assert event is not None and event.actor_id == head.pk
    assert event.extra_data["municipalities"] == ["balvi"] and event.extra_data["via"] == "web"


def test_no_identity_ever_appears(client: Any, head: Any, data: Any) -> None:
    client.force_login(head)
    text = streamed(client.get(URL, PARAMS)).decode("utf-8-sig")
    for person in (data["a"], data["b"]):
        for value in (person.first_name, person.last_name, person.personal_code):
            assert value not in text
    assert "Brīvības" not in text and "Māra" not in text


LATVIAN_CAPITALS = "ĀČĒĢĪĶĻŅŠŪŽ"
NAME = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(LATVIAN_CAPITALS),
    st.text(alphabet="aābcčdeēfgģhiījkķlļmnņoprsštuūvzž", min_size=1, max_size=20),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=NAME, last=NAME)
def test_generated_names_never_reach_the_extract(
    first: str, last: str, head: Any, balvi: Municipality
) -> None:
    person = make_client(
        actor=head,
        municipality=balvi,
        child=True,
        first_name=first,
        last_name=last,
        start_date=dt.date(2019, 11, 1),
    )
    make_spend(client=person, service_type=service(GIMENES), month=JAN, amount="1.00")
    consent(head, person, dt.date(2019, 11, 1))
    rows = research_extract(
        user=head,
        municipalities=None,
        target_group=None,
        date_from=dt.date(2020, 1, 1),
        date_to=dt.date(2020, 1, 31),
    )
    text = "\n".join(",".join(r) for r in rows)
    assert first not in text and last not in text and person.personal_code not in text
    assert client_pseudonym(person.pk) in text


def test_analyst_gets_every_municipality_and_municipal_roles_their_own(
    client: Any, data: Any, make_user: Any, head: Any, tukums: Municipality
) -> None:
    analyst = make_user(Role.ANALYST, None)  # (the page gives a national user a job of it:
    rows = list(research_extract(user=analyst, **Q1_2020))  # test_background.py)
    assert {r[2] for r in rows[1:]} == {"balvi", "tukums"}
    only = list(research_extract(user=analyst, **{**Q1_2020, "municipalities": [tukums]}))
    assert {r[2] for r in only[1:]} == {"tukums"}
    client.force_login(head)
    own = rows_of(streamed(client.get(URL, PARAMS)))
    assert {r[2] for r in own[1:]} == {"balvi"}
    assert client.get(URL, {**PARAMS, "municipality": "tukums"}).status_code == 403


def test_provider_staff_may_not_take_the_extract(
    client: Any, data: Any, make_user: Any, balvi: Municipality
) -> None:
    client.force_login(make_user(Role.PROVIDER, balvi))
    assert client.get(URL, PARAMS).status_code == 403
    assert not AuditEvent.objects.filter(event_type=AuditEventType.REPORT_EXTRACT_EXPORTED).exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2020-13-01"}, "date_from"),
        ({"date_to": "2019-01-01"}, "date_to"),
        ({"municipality": "atlantida"}, "municipality"),
        ({"group": "cats"}, "group"),
    ],
)
def test_bad_input_is_400_with_field_errors(
    client: Any, head: Any, data: Any, params: dict[str, str], field: str
) -> None:
    client.force_login(head)
    response = client.get(URL, {**PARAMS, **params})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    _token, raw = api_token_create(actor=head, user=head, name="t")
    api = client.get(API, {**PARAMS, **params}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 400 and field in api.json()["errors"]
    assert not AuditEvent.objects.filter(event_type=AuditEventType.REPORT_EXTRACT_EXPORTED).exists()


def test_the_api_streams_the_same_csv(client: Any, head: Any, data: Any) -> None:
    client.force_login(head)
    page = streamed(client.get(URL, PARAMS))
    _token, raw = api_token_create(actor=head, user=head, name="t")
    api = client.get(API, PARAMS, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200 and streamed(api) == page


def balvi_extract(target: Any, err: io.StringIO) -> None:
    """`manage.py ib_extract` for Balvi, January to March 2020, into `target`."""
    call_command(
        "ib_extract",
        "--municipality",
        "balvi",
        "--from",
        "2020-01-01",
        "--to",
        "2020-03-31",
        "--output",
        str(target),
        stderr=err,
    )


def test_the_command_writes_the_file(data: Any, tmp_path: Any) -> None:
    target = tmp_path / "x.csv"
    err = io.StringIO()
    balvi_extract(target, err)
    rows = rows_of(target.read_bytes())
    assert ",".join(rows[0]) == HEADER and len(rows) == 5
    assert err.getvalue().strip() == f"{target}: 4 rindas"
    event = AuditEvent.objects.get(event_type=AuditEventType.REPORT_EXTRACT_EXPORTED)
    assert event.actor_id is None and event.extra_data["via"] == "command"


def test_the_command_shows_how_far_a_long_extract_is(
    data: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    from atbalsts.reporting.management.commands.ib_extract import Command

    monkeypatch.setattr(Command, "progress_every", 2)
    target = tmp_path / "x.csv"
    err = io.StringIO()
    balvi_extract(target, err)
    assert err.getvalue() == f"\r2 rindas…\r4 rindas…\n{target}: 4 rindas\n"


def test_the_command_refuses_bad_input(data: Any, tmp_path: Any, head: Any) -> None:
    target = tmp_path / "x.csv"
    with pytest.raises(CommandError) as exc:
        call_command(
            "ib_extract", "--from", "2020-03-01", "--to", "2020-01-01", "--output", str(target)
        )
    assert str(exc.value) == "date_to: Perioda beigas nevar būt pirms tā sākuma."
    with pytest.raises(CommandError) as exc:
        call_command(
            "ib_extract",
            "--municipality",
            "tukums",
            "--from",
            "2020-01-01",
            "--to",
            "2020-03-31",
            "--output",
            str(target),
            "--user",
            head.username,
        )
    assert str(exc.value) == "Jums nav tiesību veikt šo darbību."
    assert not target.exists()


def test_memory_stays_flat_the_rows_are_read_with_an_iterator(
    data: Any, head: Any, django_assert_num_queries: Any
) -> None:
    rows = research_extract(
        user=head,
        municipalities=None,
        target_group=None,
        date_from=dt.date(2020, 1, 1),
        date_to=dt.date(2020, 3, 31),
    )
    with django_assert_num_queries(1):  # the ledger, in one streamed query
        assert next(rows) == EXTRACT_HEADER
        assert len(list(rows)) == 4


# --- consent: only clients whose consent to pseudonymised evaluation is in force --------------


def test_only_clients_whose_consent_is_in_force_today(data: Any, head: Any, new_child: Any) -> None:
    a, b = data["a"], data["b"]
    never = new_child()  # spend, but no consent
    make_spend(client=never, service_type=data["gim"], month=JAN, amount="9.00")
    later = new_child()  # a consent dated after the day of the extract
    make_spend(client=later, service_type=data["gim"], month=JAN, amount="8.00")
    consent(head, later, dt.date(2026, 6, 2))
    revoked = people_services.consent_revoke(
        actor=head,
        consent=Consent.objects.get(client=b),
        revoked_on=dt.date(2026, 6, 1),
        reason="Atsauca vecāki",
    )
    assert revoked.revoked_on == dt.date(2026, 6, 1)
    rows = list(research_extract(user=head, day=dt.date(2026, 6, 1), **Q1_2020))[1:]
    assert {r[0] for r in rows} == {client_pseudonym(a.pk)}
    coverage = extract_coverage(user=head, day=dt.date(2026, 6, 1), **Q1_2020)
    assert (coverage.clients, coverage.consenting, coverage.left_out) == (4, 1, 3)
    on_the_later_day = list(research_extract(user=head, day=dt.date(2026, 6, 2), **Q1_2020))[1:]
    assert {r[0] for r in on_the_later_day} == {client_pseudonym(a.pk), client_pseudonym(later.pk)}


def test_a_consent_revoked_later_was_in_force_before(data: Any, head: Any) -> None:
    people_services.consent_revoke(
        actor=head,
        consent=Consent.objects.get(client=data["b"]),
        revoked_on=dt.date(2026, 6, 1),
        reason="Atsauca vecāki",
    )
    day_before = list(research_extract(user=head, day=dt.date(2026, 5, 31), **Q1_2020))[1:]
    assert client_pseudonym(data["b"].pk) in {r[0] for r in day_before}
    on_the_day = list(research_extract(user=head, day=dt.date(2026, 6, 1), **Q1_2020))[1:]
    assert client_pseudonym(data["b"].pk) not in {r[0] for r in on_the_day}


def test_the_report_page_says_how_many_clients_the_extract_holds(
    data: Any, head: Any, new_child: Any, client: Any
) -> None:
    make_spend(client=new_child(), service_type=data["gim"], month=FEB, amount="3.00")
    client.force_login(head)
    response = client.get(reverse("reporting:pilot_report"), {**PARAMS, "group": "child_ft"})
    assert response.status_code == 200
    assert "2 no 3 šī pārskata klientiem" in response.content.decode()


def test_an_empty_period_has_no_clients_to_extract(head: Any) -> None:
    coverage = extract_coverage(
        user=head,
        municipalities=None,
        target_group=None,
        date_from=dt.date(2030, 1, 1),
        date_to=dt.date(2030, 1, 31),
        day=dt.date(2030, 2, 1),
    )
    assert (coverage.clients, coverage.consenting) == (0, 0)
