"""A demo client's case: the needs assessment, the budget and an active support plan."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from atbalsts.assessment import services as assessment_services
from atbalsts.assessment.dates import period_end
from atbalsts.assessment.models import ADULT_DOMAINS, CHILD_DOMAINS, SpecialistRole
from atbalsts.catalog.models import Provider, ServiceType
from atbalsts.people.models import Client, LegalCapacity, TargetGroup
from atbalsts.plans import services as plan_services
from atbalsts.plans.models import FundingSource, GoalTerm, PlanVersion

from .catalog import SPECS
from .dates import months_of, not_after

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


@dataclass(frozen=True)
class Need:
    """A service a person may need: how much a month and on how many weekdays."""

    provider: str
    code: str
    quantity: int  # units a month (sessions, hours, days or km)
    per_week: int  # sessions a week (transport: trips)
    goal: int  # which goal of the plan it serves (0-based), unless one is in `domain`
    decision_domain: str = ""
    domain: str = ""


CHILD_GOALS = (
    ("lost_function", "Skaidrāk runāt, lai vienaudži un skolotāji saprot, ko bērns saka.",
     "Logopēds pēc 6 mēnešiem novērtē runas saprotamību."),
    ("functioning", "Patstāvīgi paēst un apģērbties.",
     "Ergoterapeits novērtē pašaprūpes prasmes izvērtēšanā."),
    ("family_capacity", "Vecāki zina, kā atbalstīt bērnu mājās, un paši atpūšas.",
     "Vecāki novērtē savu noslodzi sarunā ar sociālo darbinieku."),
)  # fmt: skip
CHILD_NEEDS = (
    Need("rehab", "speech-therapy-session", 4, 1, 0, domain="lost_function"),
    Need("rehab", "physiotherapy-session", 4, 1, 0, domain="functioning"),
    Need("rehab", "occupational-therapy-session", 4, 1, 0, domain="functioning"),
    Need(
        "psychologist", "psychologist-consultation-for-parents", 2, 1, 0, domain="family_capacity"
    ),
    Need("rehab", "occupational-therapy-at-home", 2, 1, 0, domain="functioning"),
)
ADULT_DREAMS = (
    ("employment", "Gribu strādāt, lai man ir sava nauda.", "finances"),
    ("community_living", "Gribu pats aizbraukt ar autobusu uz Rēzekni.", "daily_life"),
    ("social_activities", "Gribu vairāk draugu, ar ko satikties brīvdienās.", "support_circle"),
    ("home_living", "Gribu dzīvot savā dzīvoklī, nevis pie vecākiem.", "daily_life"),
    ("lifelong_learning", "Gribu iemācīties strādāt ar datoru.", "daily_life"),
    ("social_activities", "Gribu kļūt par dīdžeju un spēlēt mūziku ballītēs.", "rights"),
    ("health_safety", "Gribu pats saprast, ko man saka ārsts.", "health_care"),
)
ADULT_NEEDS = (
    Need("ngo", "support-person-for-decision-making", 8, 2, 0, "daily_life"),
    Need("psychologist", "psychologist-consultation", 2, 1, 1),
    Need("ngo", "group-session-for-persons", 4, 1, 1),
    Need("day_centre", "day-care-centre", 8, 2, 0),
    Need("day_centre", "specialised-workshop", 8, 2, 0),
    Need("rehab", "physiotherapy-session", 4, 1, 1),
)
TRANSPORT_NEED = Need("transport", "transport-compensation", 160, 1, 0)
CONCLUSIONS = {
    SpecialistRole.REHABILITATION_PHYSICIAN: "Motorikas attīstība atpaliek; ieteicama "
    "fizioterapija un ergoterapija.",
    SpecialistRole.SPEECH_THERAPIST: "Runa daļēji saprotama; vārdu krājums mazs. Nepieciešamas "
    "regulāras logopēda nodarbības.",
    SpecialistRole.PSYCHOLOGIST: "Bērns ātri nogurst; vecākiem liela slodze, ieteicamas "
    "psihologa konsultācijas vecākiem.",
    SpecialistRole.OCCUPATIONAL_THERAPIST: "Pašaprūpē vajadzīgs pieaugušā atbalsts; "
    "ieteicama ergoterapija.",
    SpecialistRole.SOCIAL_WORKER: "Ģimene dzīvo 25 km no Balviem; bez transporta "
    "kompensācijas nodarbības nav sasniedzamas.",
}


def assess(
    *, worker: Actor, client: Client, rng: random.Random, start: dt.date, today: dt.date
) -> dict[str, Any]:
    child = client.target_group == TargetGroup.CHILD_FT
    assessed_on = not_after(start - dt.timedelta(days=rng.randint(14, 35)), today)
    types = {t.code: t for t in ServiceType.objects.filter(code__in=[n.code for n in CHILD_NEEDS])}
    if child:
        goals = [*rng.sample(CHILD_GOALS[:2], rng.randint(1, 2)), CHILD_GOALS[2]]
        roles = rng.sample(list(CONCLUSIONS), 3)
        data: dict[str, Any] = {
            "assessed_on": assessed_on,
            "common_goals": [text for _d, text, _m in goals],
            "scores": {d.value: rng.randint(1, 3) for d in CHILD_DOMAINS},
            "conclusions": [{"role": role, "text": CONCLUSIONS[role]} for role in roles],
            "recommended_services": [
                {
                    "priority": index,
                    "service_name": types[need.code].name_lv,
                    "service_type_id": types[need.code].pk,
                    "intensity": f"{need.per_week}× nedēļā",
                    "parents_rank": rank,
                }
                for index, (need, rank) in enumerate(
                    zip(CHILD_NEEDS[:4], rng.sample(range(1, 5), 4), strict=True), start=1
                )
            ],
        }
    else:
        dreams = rng.sample(ADULT_DREAMS, 3)
        data = {
            "assessed_on": assessed_on,
            "own_goals": [text for _d, text, _dd in dreams],
            "anamnesis": rng.choice(
                (
                    "Vieglas garīgās attīstības traucējumi kopš bērnības; beidzis speciālo skolu.",
                    "Šizofrēnija, stabila remisija pēdējos trīs gadus; regulāri lieto zāles.",
                    "Vidēji smagi garīgās attīstības traucējumi; epilepsija kontrolēta.",
                )
            ),
            "family_description": rng.choice(
                (
                    "Dzīvo kopā ar māti pensionāri; brālis dzīvo Rīgā.",
                    "Dzīvo viens sociālajā dzīvoklī; māsa apciemo reizi nedēļā.",
                    "Dzīvo pie vecākiem laukos, 20 km no Balviem.",
                )
            ),
            "scores": {d.value: rng.choice((0, 1, 1, 2, 2, 3)) for d in ADULT_DOMAINS},
        }
    assessment = assessment_services.assessment_create(actor=worker, client=client, data=data)
    assessment_services.assessment_complete(actor=worker, assessment=assessment)
    return data


def _fresh(version: PlanVersion) -> PlanVersion:
    return PlanVersion.objects.get(pk=version.pk)


def _choose_needs(
    client: Client, monthly: Decimal, prices: dict[tuple[str, str], Decimal], rng: random.Random
) -> list[Need]:
    """2–4 services within the monthly budget, the most important first; transport for
    people who live far from the town."""
    child = client.target_group == TargetGroup.CHILD_FT
    pool = list(CHILD_NEEDS if child else ADULT_NEEDS)
    first = pool.pop(0)
    rng.shuffle(pool)
    target = rng.randint(2, 3)
    chosen: list[Need] = []
    spent = Decimal("0")

    def fits(need: Need) -> bool:
        return spent + prices[(need.provider, need.code)] * need.quantity <= monthly

    for need in [first, *pool]:
        if len(chosen) < target and fits(need):
            chosen.append(need)
            spent += prices[(need.provider, need.code)] * need.quantity
    if rng.random() < 0.4 and fits(TRANSPORT_NEED):
        chosen.insert(1, TRANSPORT_NEED)
    return chosen


def plan_for(
    *,
    worker: Actor,
    client: Client,
    providers: dict[str, Provider],
    rng: random.Random,
    assessment: dict[str, Any],
    start: dt.date,
    today: dt.date,
) -> tuple[PlanVersion, list[Need]]:
    months = months_of(client)
    period = assessment_services.budget_period_create(
        actor=worker, client=client, start=start, months=months
    )
    budget = assessment_services.budget_compute(actor=worker, period=period)
    prices = {}
    for spec in SPECS:
        for tariff in providers[spec.key].tariffs.select_related("service_type"):
            prices[(spec.key, tariff.service_type.code)] = tariff.unit_price
    needs = _choose_needs(client, budget.monthly_amount, prices, rng)
    version = plan_services.plan_create(
        actor=worker, client=client, start=start, end=period_end(start, months)
    )
    child = client.target_group == TargetGroup.CHILD_FT
    goals = []
    if child:
        texts = assessment["common_goals"]
        specs = [next(g for g in CHILD_GOALS if g[1] == text) for text in texts]
        goal_data = [
            {"term": GoalTerm.LONG, "domain": d, "text": t, "progress_measure": m}
            for d, t, m in specs
        ]
    else:
        dreams = [next(d for d in ADULT_DREAMS if d[1] == text) for text in assessment["own_goals"]]
        goal_data = [
            {
                "term": GoalTerm.LONG if index == 0 else GoalTerm.SHORT,
                "domain": domain,
                "decision_domain": decision,
                "text": text,
                "progress_measure": "Pārrunājam ar personu ik pēc trim mēnešiem.",
            }
            for index, (domain, text, decision) in enumerate(dreams)
        ]
    for data in goal_data:
        version = _fresh(version)
        goals.append(
            plan_services.goal_add(
                actor=worker, version=version, revision=version.revision, data=data
            )
        )
    for need in needs:
        version = _fresh(version)
        plan_services.line_add(
            actor=worker,
            version=version,
            revision=version.revision,
            data={
                "service_type": ServiceType.objects.get(code=need.code),
                "provider": providers[need.provider],
                "quantity": Decimal(need.quantity),
                "start": start,
                "months": months,
                "funding_source": FundingSource.INDIVIDUAL_BUDGET,
                "goal": next(
                    (g for g in goals if need.domain and g.domain == need.domain),
                    goals[min(need.goal, len(goals) - 1)],
                ),
                "decision_domain": "" if child else need.decision_domain,
            },
        )
    signer = None
    if child or client.legal_capacity in (LegalCapacity.MINOR, LegalCapacity.LIMITED):
        signer = client.representatives.order_by("valid_from").first()
    version = _fresh(version)
    plan_services.version_agree(
        actor=worker,
        version=version,
        revision=version.revision,
        signed_on=not_after(start - dt.timedelta(days=rng.randint(2, 8)), today),
        sign_method=rng.choice(("paper", "in_person")),
        signed_by_representative=signer,
    )
    return plan_services.version_activate(actor=worker, version=_fresh(version)), needs
