"""The pilots' people: children and adults with their parents, needs scores and goals."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from atbalsts.assessment.models import ADULT_DOMAINS, CHILD_DOMAINS, SpecialistRole
from atbalsts.demo.people import FEMALE_FIRST, FEMALE_LAST, MALE_FIRST, MALE_LAST
from atbalsts.people.models import TargetGroup

from .tables import PILOT_START, Pilot


@dataclass
class Person:
    index: int
    code: str
    first: str
    last: str
    born: dt.date
    female: bool
    parent_first: str
    parent_last: str
    legal_capacity: str
    disability_group: str
    scores: dict[str, int] = field(default_factory=dict)
    goals: list[tuple[str, str, str]] = field(default_factory=list)  # domain, text, decision

    @property
    def parent(self) -> str:
        return f"{self.parent_first} {self.parent_last}"


def _new_form_code(rng: random.Random, used: set[str]) -> str:
    """A new-form personal code (32…): the living demo's clients all have old-form codes with
    their dates of birth, so the pilot's people can never coincide with them."""
    while True:
        code = f"32{rng.randrange(10000):04d}-{rng.randrange(100000):05d}"
        if code not in used:
            used.add(code)
            return code


def _name(rng: random.Random, female: bool, family: int) -> tuple[str, str]:
    if female:
        return rng.choice(FEMALE_FIRST), FEMALE_LAST[family]
    return rng.choice(MALE_FIRST), MALE_LAST[family]


CHILD_GOALS = (
    ("lost_function", "Skaidrāk runāt un saprasties ar vienaudžiem."),
    ("functioning", "Patstāvīgi paēst, apģērbties un pārvietoties mājās."),
    ("functioning", "Noturēt uzmanību nodarbībā vismaz 20 minūtes."),
    ("family_capacity", "Vecāki zina, kā atbalstīt bērnu ikdienā, un paši var atpūsties."),
    ("lost_function", "Staigāt ar mazāku atbalstu un mazāk sāpēm."),
)
ADULT_GOALS = (
    ("employment", "Gribu strādāt un saņemt algu.", "daily_life"),
    ("community_living", "Gribu pats aizbraukt uz Balviem un atpakaļ.", "daily_life"),
    ("social_activities", "Gribu vairāk draugu, ar ko kopā pavadīt laiku.", "support_circle"),
    ("home_living", "Gribu dzīvot savā dzīvoklī.", "daily_life"),
    ("protection_advocacy", "Gribu pats rīkoties ar savu naudu.", "finances"),
    ("health_safety", "Gribu saprast, ko man saka ārsts, un pats iet pie ārsta.", "health_care"),
    ("social_activities", "Gribu spēlēt mūziku kopā ar citiem.", "rights"),
)
CONCLUSIONS = {
    SpecialistRole.REHABILITATION_PHYSICIAN: "Kustību attīstība atpaliek no vecuma; "
    "nepieciešama regulāra fizioterapija.",
    SpecialistRole.SPEECH_THERAPIST: "Runa daļēji saprotama; vajadzīgas nodarbības pie logopēda "
    "vai speciālā pedagoga.",
    SpecialistRole.PSYCHOLOGIST: "Bērns ātri nogurst; vecākiem liela slodze, ieteicams "
    "psiholoģisks atbalsts ģimenei.",
    SpecialistRole.OCCUPATIONAL_THERAPIST: "Pašaprūpē vajadzīgs pieaugušā atbalsts; ieteicama "
    "ergoterapija.",
    SpecialistRole.SOCIAL_WORKER: "Ģimene dzīvo laukos; bez transporta nodarbības nav "
    "sasniedzamas.",
}


def make_people(pilot: Pilot, rng: random.Random, used: set[str]) -> list[Person]:
    child = pilot.target_group == TargetGroup.CHILD_FT
    people = []
    for index in range(10):
        family = rng.randrange(len(FEMALE_LAST))
        female = rng.random() < 0.45
        first, last = _name(rng, female, family)
        if child:
            born = PILOT_START - dt.timedelta(days=rng.randint(3 * 365 + 40, 15 * 365))
        else:
            born = PILOT_START - dt.timedelta(days=rng.randint(19 * 365, 58 * 365))
        parent_female = rng.random() < 0.8
        parent_first, parent_last = _name(rng, parent_female, family)
        domains = CHILD_DOMAINS if child else ADULT_DOMAINS
        low, high = (2, 4) if child else (1, 4)
        person = Person(
            index=index,
            code=_new_form_code(rng, used),
            first=first,
            last=last,
            born=born,
            female=female,
            parent_first=parent_first,
            parent_last=parent_last,
            legal_capacity="minor" if child else rng.choice(("full", "full", "limited")),
            disability_group="child" if child else rng.choice(("I", "II", "II")),
            scores={d.value: rng.randint(low, high) for d in domains},
        )
        if child:
            person.goals = [(d, t, "") for d, t in rng.sample(CHILD_GOALS, 2)]
            person.goals.append((CHILD_GOALS[3][0], CHILD_GOALS[3][1], ""))
        else:
            person.goals = rng.sample(ADULT_GOALS, 3)
        people.append(person)
    return people
