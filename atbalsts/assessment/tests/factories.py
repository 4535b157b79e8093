"""Assessments, periods and budgets, made through the services so that the rules apply."""

import datetime as dt
from typing import Any

from atbalsts.assessment import services
from atbalsts.assessment.models import (
    ADULT_DOMAINS,
    CHILD_DOMAINS,
    NeedsAssessment,
    SpecialistRole,
)
from atbalsts.people.models import Client


def adult_data(intensity: int = 2, **overrides: Any) -> dict[str, Any]:
    return {
        "assessed_on": dt.date(2026, 1, 10),
        "own_goals": ["Uzzināt savas darba iespējas", "Kļūt par dīdžeju"],
        "anamnesis": "Dzīvo kopā ar māti.",
        "family_description": "Māte un brālis.",
        "scores": {d.value: intensity for d in ADULT_DOMAINS},
        **overrides,
    }


def child_data(intensity: int = 2, **overrides: Any) -> dict[str, Any]:
    return {
        "assessed_on": dt.date(2026, 1, 10),
        "common_goals": ["Patstāvīgi paēst"],
        "scores": {d.value: intensity for d in CHILD_DOMAINS},
        "conclusions": [
            {"role": SpecialistRole.PSYCHOLOGIST, "text": "Nepieciešamas nodarbības."},
        ],
        "recommended_services": [
            {
                "priority": 1,
                "service_name": "Logopēds",
                "intensity": "2× nedēļā",
                "parents_rank": 2,
            },
            {
                "priority": 2,
                "service_name": "Fizioterapija",
                "intensity": "1× nedēļā",
                "parents_rank": 1,
            },
        ],
        **overrides,
    }


def make_assessment(
    *, actor: Any, client: Client, complete: bool = True, intensity: int = 2, **overrides: Any
) -> NeedsAssessment:
    child = client.target_group == "child_ft"
    data = child_data(intensity, **overrides) if child else adult_data(intensity, **overrides)
    assessment = services.assessment_create(actor=actor, client=client, data=data)
    if complete:
        assessment = services.assessment_complete(actor=actor, assessment=assessment)
    return assessment
