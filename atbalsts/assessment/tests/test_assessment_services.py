"""Needs assessments: field sets per target group, intensity range, completion, read-only,
uploaded documents and audit events."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.assessment import services
from atbalsts.assessment.models import (
    ADULT_DOMAINS,
    CHILD_DOMAINS,
    AssessmentStatus,
    LifeDomain,
    NeedsAssessment,
    SpecialistConclusion,
    SpecialistRole,
)
from atbalsts.assessment.tests.factories import adult_data, child_data, make_assessment
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def adult(social_worker, balvi):
    return make_client(actor=social_worker, municipality=balvi)


@pytest.fixture
def child(social_worker, balvi):
    return make_client(actor=social_worker, municipality=balvi, child=True)


def test_adult_assessment_is_created_as_draft_with_scores(social_worker, adult):
    a = services.assessment_create(actor=social_worker, client=adult, data=adult_data(3))
    assert a.status == AssessmentStatus.DRAFT
    assert a.target_group == "adult_grt"
    assert a.social_worker == social_worker
    assert a.own_goals == ["Uzzināt savas darba iespējas", "Kļūt par dīdžeju"]
    assert {s.domain: s.intensity for s in a.scores.all()} == {d.value: 3 for d in ADULT_DOMAINS}


def test_child_assessment_keeps_team_conclusions_and_ranked_services(social_worker, child):
    a = services.assessment_create(actor=social_worker, client=child, data=child_data(1))
    assert [c.role for c in a.conclusions.all()] == [SpecialistRole.PSYCHOLOGIST]
    services_ = list(a.recommended_services.all())
    assert [(s.priority, s.service_name, s.parents_rank) for s in services_] == [
        (1, "Logopēds", 2),
        (2, "Fizioterapija", 1),
    ]
    assert services_[0].service_type_id is None
    assert {s.domain for s in a.scores.all()} == {d.value for d in CHILD_DOMAINS}


@pytest.mark.parametrize("bad", [-1, 5, 99, "3", 2.0, True, [2]])
def test_intensity_outside_0_to_4_is_refused(social_worker, adult, bad):
    data = adult_data(scores={LifeDomain.HOME_LIVING.value: bad})
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_create(actor=social_worker, client=adult, data=data)
    assert list(exc.value.errors) == ["scores.home_living"]
    assert NeedsAssessment.objects.count() == 0


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(intensity=st.integers(min_value=-1000, max_value=1000))
def test_only_intensities_0_to_4_are_accepted(social_worker, adult, intensity):
    data = adult_data(scores={LifeDomain.EMPLOYMENT.value: intensity})
    if 0 <= intensity <= 4:
        a = services.assessment_create(actor=social_worker, client=adult, data=data)
        assert a.scores.get().intensity == intensity
    else:
        with pytest.raises(ValidationFailed) as exc:
            services.assessment_create(actor=social_worker, client=adult, data=data)
        assert exc.value.errors == {"scores.employment": ["Intensitātei jābūt no 0 līdz 4."]}


def test_child_domain_is_refused_for_an_adult_and_vice_versa(social_worker, adult, child):
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_create(
            actor=social_worker, client=adult, data=adult_data(scores={"family_capacity": 2})
        )
    assert exc.value.errors == {
        "scores.family_capacity": ["Joma neattiecas uz mērķa grupu «pilngadīga persona ar GRT»."]
    }
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_create(
            actor=social_worker, client=child, data=child_data(scores={"employment": 2})
        )
    assert exc.value.errors == {
        "scores.employment": ["Joma neattiecas uz mērķa grupu «bērns ar FT»."]
    }


def test_adult_fields_are_refused_for_a_child_and_child_fields_for_an_adult(
    social_worker, adult, child
):
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_create(
            actor=social_worker,
            client=adult,
            data=adult_data(common_goals=["x"], conclusions=[], recommended_services=[]),
        )
    assert exc.value.errors == {
        "common_goals": ["Šis lauks attiecas tikai uz bērniem."],
        "conclusions": ["Šis lauks attiecas tikai uz bērniem."],
        "recommended_services": ["Šis lauks attiecas tikai uz bērniem."],
    }
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_create(
            actor=social_worker, client=child, data=child_data(own_goals=["x"], anamnesis="y")
        )
    assert exc.value.errors == {
        "own_goals": ["Šis lauks attiecas tikai uz pilngadīgām personām."],
        "anamnesis": ["Šis lauks attiecas tikai uz pilngadīgām personām."],
    }
    assert NeedsAssessment.objects.count() == 0


def test_unknown_field_and_future_date_are_refused(social_worker, adult):
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_create(
            actor=social_worker,
            client=adult,
            data=adult_data(assessed_on=dt.date(2999, 1, 1), mood="labs"),
        )
    assert exc.value.errors == {
        "mood": ["Nezināms lauks."],
        "assessed_on": ["Izvērtēšanas datums nevar būt nākotnē."],
    }


def test_goals_must_be_short_texts(social_worker, adult):
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_create(
            actor=social_worker, client=adult, data=adult_data(own_goals=["x" * 501])
        )
    assert exc.value.errors == {"own_goals": ["Mērķis nedrīkst būt garāks par 500 zīmēm."]}
    a = services.assessment_create(
        actor=social_worker, client=adult, data=adult_data(own_goals=["  a ", "", "b"])
    )
    assert a.own_goals == ["a", "b"]


def test_recommended_services_need_distinct_priorities_and_ranks(social_worker, child):
    data = child_data(
        recommended_services=[
            {"priority": 1, "service_name": "A", "intensity": "1×", "parents_rank": 1},
            {"priority": 1, "service_name": "", "intensity": "1×", "parents_rank": 1},
        ]
    )
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_create(actor=social_worker, client=child, data=data)
    assert exc.value.errors == {
        "recommended_services.1.priority": ["Divi pakalpojumi nevar būt vienā vietā."],
        "recommended_services.1.service_name": ["Norādiet pakalpojumu."],
        "recommended_services.1.parents_rank": ["Vecāki katru vietu piešķir vienreiz."],
    }


def test_completion_needs_every_domain_scored_and_goals(social_worker, adult, child):
    a = services.assessment_create(
        actor=social_worker,
        client=adult,
        data={"assessed_on": dt.date(2026, 1, 10), "scores": {"home_living": 1}},
    )
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_complete(actor=social_worker, assessment=a)
    assert exc.value.errors["scores.employment"] == [
        "Novērtējiet atbalsta vajadzību jomā «nodarbinātība»."
    ]
    assert "scores.home_living" not in exc.value.errors
    assert exc.value.errors["own_goals"] == ["Ierakstiet vismaz vienu personas sapni vai mērķi."]
    c = services.assessment_create(
        actor=social_worker, client=child, data=child_data(conclusions=[], common_goals=[])
    )
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_complete(actor=social_worker, assessment=c)
    assert exc.value.errors == {
        "conclusions": ["Pievienojiet vismaz viena speciālista atzinumu."],
        "common_goals": ["Ierakstiet vismaz vienu kopīgo mērķi."],
    }


def test_completed_assessment_is_read_only(social_worker, adult):
    a = make_assessment(actor=social_worker, client=adult)
    with pytest.raises(services.AssessmentCompleted) as exc:
        services.assessment_update(actor=social_worker, assessment=a, data={"anamnesis": "x"})
    assert str(exc.value.message) == (
        "Pabeigtu izvērtējumu labot nevar. Ja vajadzības ir mainījušās, veiciet atkārtotu "
        "izvērtēšanu."
    )
    with pytest.raises(services.AssessmentCompleted) as exc:
        services.assessment_complete(actor=social_worker, assessment=a)
    assert str(exc.value.message) == "Izvērtējums jau ir pabeigts."
    a.refresh_from_db()
    assert a.anamnesis == "Dzīvo kopā ar māti."


def test_update_changes_draft_and_replaces_nested_rows(social_worker, child):
    a = make_assessment(actor=social_worker, client=child, complete=False)
    services.assessment_update(
        actor=social_worker,
        assessment=a,
        data={
            "scores": {"family_capacity": 4},
            "recommended_services": [
                {
                    "priority": 1,
                    "service_name": "Ergoterapija",
                    "intensity": "1×",
                    "service_type_id": 17,
                }
            ],
        },
    )
    assert {s.domain: s.intensity for s in a.scores.all()} == {"family_capacity": 4}
    assert [(r.service_name, r.service_type_id) for r in a.recommended_services.all()] == [
        ("Ergoterapija", 17)
    ]


def test_every_write_is_audited_without_content(social_worker, adult):
    a = make_assessment(actor=social_worker, client=adult)
    events = list(
        AuditEvent.objects.filter(subject_id=str(a.pk), subject_type="assessment.needsassessment")
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert events == ["assessment.created", "assessment.completed"]
    created = AuditEvent.objects.get(event_type="assessment.created")
    assert "Dzīvo kopā ar māti." not in str(created.extra_data)
    assert created.client_id == adult.pk
    services.assessment_view_record(actor=social_worker, assessment=a)
    assert (
        AuditEvent.objects.filter(event_type="assessment.viewed", client_id=adult.pk).count() == 1
    )


# --- uploaded documents ----------------------------------------------------------------------


def _with_document(upload):
    return child_data(
        conclusions=[
            {"role": SpecialistRole.PHYSIOTHERAPIST, "text": "Atzinums", "document": upload}
        ]
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("atzinums.pdf", PDF),
        ("foto.PNG", PNG),
        ("foto.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20),
        ("a.docx", b"PK\x03\x04" + b"0" * 20),
    ],
)
def test_allowed_documents_are_stored_under_assessments(social_worker, child, name, content):
    a = services.assessment_create(
        actor=social_worker, client=child, data=_with_document(SimpleUploadedFile(name, content))
    )
    conclusion = a.conclusions.get()
    assert conclusion.document.name.startswith(f"assessments/{child.pk}/{a.pk}/")
    assert conclusion.document_name == name
    assert conclusion.document.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ", "Atļauti tikai PDF, JPEG, PNG un DOCX dokumenti."),
        ("note.txt", b"hello", "Atļauti tikai PDF, JPEG, PNG un DOCX dokumenti."),
        ("fake.pdf", b"MZ\x90\x00", "Faila saturs neatbilst tā paplašinājumam .pdf."),
        (
            "big.pdf",
            b"%PDF-" + b"0" * (10 * 1024 * 1024),
            "Dokuments nedrīkst būt lielāks par 10 MB.",
        ),
    ],
)
def test_bad_documents_are_refused_and_nothing_written(
    social_worker, child, name, content, message
):
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_create(
            actor=social_worker,
            client=child,
            data=_with_document(SimpleUploadedFile(name, content)),
        )
    assert exc.value.errors == {"conclusions.0.document": [message]}
    assert NeedsAssessment.objects.count() == 0
    assert SpecialistConclusion.objects.count() == 0


def test_document_of_exactly_10_mb_is_accepted(social_worker, child):
    content = b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5)
    a = services.assessment_create(
        actor=social_worker, client=child, data=_with_document(SimpleUploadedFile("a.pdf", content))
    )
    assert a.conclusions.get().document.size == 10 * 1024 * 1024


def test_document_can_be_cleared_on_a_draft(social_worker, child):
    a = services.assessment_create(
        actor=social_worker, client=child, data=_with_document(SimpleUploadedFile("a.pdf", PDF))
    )
    services.assessment_update(
        actor=social_worker,
        assessment=a,
        data={
            "conclusions": [
                {"role": SpecialistRole.PHYSIOTHERAPIST, "text": "Jauns", "clear_document": True}
            ]
        },
    )
    conclusion = a.conclusions.get()
    assert conclusion.text == "Jauns"
    assert not conclusion.document
