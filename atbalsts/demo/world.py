"""Generates the demo municipality's services and money from plausible rules: providers with
registrations, locations and tariffs; and for about half of Balvi's clients a completed needs
assessment, an indicative budget, an active support plan with guarantee letters, the sessions
held since the plan began, and the providers' monthly invoices (older months paid, the latest
one waiting for the accountant).

Everything goes through the services, so every rule of the domain applies. Each step first
looks for what it would make, so running it again changes nothing. Dates follow today
(`timezone.localdate()`): the budget periods began a few whole months ago and are still
running today, so there is history (sessions, paid invoices) and the provider staff can record
today's sessions; the generated sessions stop at the end of last month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from atbalsts.assessment import services as assessment_services
from atbalsts.assessment.dates import add_months, period_end
from atbalsts.assessment.models import ADULT_DOMAINS, CHILD_DOMAINS, SpecialistRole
from atbalsts.billing import services as billing_services
from atbalsts.billing.models import Invoice, InvoiceStatus
from atbalsts.catalog import services as catalog_services
from atbalsts.catalog.identifiers import iban_with_check_digits
from atbalsts.catalog.models import (
    LocationKind,
    Provider,
    ProviderKind,
    ProviderMembership,
    RegisterKind,
    ServiceType,
    ServiceUnit,
)
from atbalsts.core.money import round_money
from atbalsts.core.roles import Role
from atbalsts.delivery import selectors as delivery_selectors
from atbalsts.delivery import services as delivery_services
from atbalsts.delivery.models import NoShowRule, Session, SessionMode, SessionStatus
from atbalsts.demo.people import DEMO_PASSWORD
from atbalsts.people.models import Client, LegalCapacity, Municipality, TargetGroup
from atbalsts.plans import services as plan_services
from atbalsts.plans.models import FundingSource, GoalTerm, GuaranteeLetter, PlanVersion

Log = Callable[[str], None]

# The demo clients' budget periods begin on the first day of the month this many months
# before today's month, and last CHILD_MONTHS / ADULT_MONTHS: today is always inside the
# current period (a child's has at least two months to go, an adult's at least six).
CHILD_HISTORY = 3
ADULT_HISTORY = 6
CHILD_MONTHS = 6
ADULT_MONTHS = 12
TARIFFS_FROM = dt.date(2025, 1, 1)  # or earlier, if the periods begin before it
NO_SHOW_SHARE = "50.00"  # the head's rule: a no-show without notice pays half the price
REGISTER_PREFIX: dict[str, str] = {
    RegisterKind.SOCIAL_SERVICE_PROVIDERS: "SP",
    RegisterKind.MEDICAL_PRACTITIONERS: "ĀPR",
}
BANKS = ("HABA", "UNLA", "PARX", "RIKO", "NDEA")
# Public holidays with a fixed date: nobody comes to a session then.
HOLIDAYS = {(1, 1), (5, 1), (5, 4), (6, 23), (6, 24), (11, 18), (12, 24), (12, 25), (12, 26)}


# --- providers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    code: str  # the service type's code in the catalogue
    minutes: int | None = None


@dataclass(frozen=True)
class ProviderSpec:
    key: str
    prefix: str  # registration numbers of this kind of organisation start so
    register: str | None  # transport needs no register
    offers: tuple[Offer, ...]
    locations: tuple[str, ...]
    invoice_prefix: str


REHAB = ProviderSpec(
    "rehab",
    "40103",
    RegisterKind.MEDICAL_PRACTITIONERS,
    (
        Offer("physiotherapy-session", 45),
        Offer("occupational-therapy-session", 45),
        Offer("occupational-therapy-at-home", 60),
        Offer("speech-therapy-session", 45),
        Offer("massage", 30),
    ),
    (LocationKind.PREMISES, LocationKind.CLIENT_HOME),
    "RC",
)
PSYCHOLOGIST = ProviderSpec(
    "psychologist",
    "45403",
    RegisterKind.SOCIAL_SERVICE_PROVIDERS,
    (
        Offer("psychologist-consultation", 60),
        Offer("psychologist-consultation-for-parents", 60),
        Offer("psychologist-consultation-natural-support-circle", 60),
    ),
    (LocationKind.PREMISES, LocationKind.REMOTE),
    "PP",
)
NGO = ProviderSpec(
    "ngo",
    "40008",
    RegisterKind.SOCIAL_SERVICE_PROVIDERS,
    (
        Offer("support-person-for-decision-making", 60),
        Offer("group-session-for-persons", 90),
        Offer("support-group-session-for-persons", 90),
        Offer("support-group-session-natural-support-circle", 90),
    ),
    (LocationKind.PREMISES, LocationKind.CLIENT_HOME, LocationKind.REMOTE),
    "B",
)
TRANSPORT = ProviderSpec(
    "transport",
    "50103",
    None,
    (Offer("transport-compensation"), Offer("specialised-transport")),
    (LocationKind.PREMISES,),
    "T",
)
DAY_CENTRE = ProviderSpec(
    "day_centre",
    "40008",
    RegisterKind.SOCIAL_SERVICE_PROVIDERS,
    (Offer("day-care-centre"), Offer("specialised-workshop")),
    (LocationKind.PREMISES,),
    "DC",
)
SPECS = (REHAB, PSYCHOLOGIST, NGO, TRANSPORT, DAY_CENTRE)

# Per municipality: the provider's name, contact person, street and the staff user's login.
NAMES: dict[str, dict[str, tuple[str, str, str]]] = {
    "balvi": {
        "rehab": ("SIA „Rehabilitācijas centrs Vārpa”", "Dace Liepiņa", "Bērzpils iela 12"),
        "psychologist": ("Psiholoģes Ilzes Kalniņas prakse", "Ilze Kalniņa", "Vidzemes iela 5"),
        "ngo": ("Biedrība „Kopā Balvos”", "Raivis Ozoliņš", "Brīvības iela 46"),
        "transport": ("SIA „Balvu pārvadājumi”", "Edgars Vītols", "Dārza iela 3"),
        "day_centre": ("Biedrība „Dienas centrs Saulgrieži”", "Anna Zariņa", "Ezera iela 18"),
    },
    "tukums": {
        "rehab": ("SIA „Rehabilitācijas centrs Engure”", "Laura Jansone", "Pils iela 9"),
        "psychologist": ("Psihologa Kārļa Krūmiņa prakse", "Kārlis Krūmiņš", "Talsu iela 21"),
        "ngo": ("Biedrība „Atbalsts Tukumā”", "Zane Pētersone", "Lielā iela 14"),
        "transport": ("SIA „Tukuma autoserviss”", "Andris Bērziņš", "Kurzemes iela 40"),
        "day_centre": ("Biedrība „Dienas centrs Pūre”", "Marta Kļaviņa", "Raudas iela 7"),
    },
}
# The staff who record sessions and submit invoices for Balvi's providers.
STAFF = {
    "rehab": ("sniedzejs", "Linda", "Sniedzēja"),
    "psychologist": ("psihologe", "Ilze", "Kalniņa"),
    "ngo": ("atbalsta-persona", "Raivis", "Ozoliņš"),
    "transport": ("parvadatajs", "Edgars", "Vītols"),
    "day_centre": ("dienas-centrs", "Anna", "Zariņa"),
}


def company_number(rng: random.Random, prefix: str) -> str:
    """An 11-digit Latvian registration number: the weighted digit sum mod 11 is 3."""
    weights = (9, 1, 4, 8, 3, 10, 2, 5, 7, 6)
    while True:
        body = prefix + "".join(str(rng.randrange(10)) for _ in range(10 - len(prefix)))
        check = (3 - sum(w * int(d) for w, d in zip(weights, body, strict=True))) % 11
        if check < 10:
            return body + str(check)


def lv_iban(rng: random.Random) -> str:
    """A Latvian IBAN of a bank in Latvia with correct mod-97 check digits."""
    account = "".join(str(rng.randrange(10)) for _ in range(13))
    return iban_with_check_digits(f"LV{rng.choice(BANKS)}{account}")


def nice_price(default: Decimal, rng: random.Random) -> Decimal:
    """Near the catalogue price: prices over 5 € to the half euro, small ones to the cent."""
    price = default * Decimal(rng.randint(95, 112)) / 100
    if price >= 5:
        return round_money((price * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2)
    return round_money(price)


def _day(day: dt.date, today: dt.date) -> dt.date:
    return min(day, today)


def period_start(target_group: str, today: dt.date) -> dt.date:
    """The first day of the demo budget period of a client of `target_group`."""
    child = target_group == TargetGroup.CHILD_FT
    return add_months(today.replace(day=1), -(CHILD_HISTORY if child else ADULT_HISTORY))


def tariffs_from(today: dt.date) -> dt.date:
    """When the demo tariffs (and the no-show rule) begin: before every demo period."""
    earliest = min(period_start(group, today) for group in TargetGroup.values)
    return min(TARIFFS_FROM, earliest.replace(month=1))


def ensure_providers(
    *, actor: Any, municipality: Municipality, today: dt.date, seed: int
) -> dict[str, Provider]:
    """The municipality's providers, made once: registration, locations and tariffs."""
    rng = random.Random(f"providers-{municipality.code}-{seed}")
    types = {t.code: t for t in ServiceType.objects.all()}
    town = municipality.admin_centre
    providers: dict[str, Provider] = {}
    for spec in SPECS:
        name, contact, street = NAMES[municipality.code][spec.key]
        number = company_number(rng, spec.prefix)
        iban = lv_iban(rng)
        phone = f"6{rng.randint(3000000, 9999999)}"
        existing = Provider.objects.filter(municipality=municipality, name=name).first()
        if existing is not None:
            providers[spec.key] = existing
            continue
        provider = catalog_services.provider_create(
            actor=actor,
            municipality=municipality,
            data={
                "kind": ProviderKind.LEGAL,
                "name": name,
                "registration_number": number,
                "contact_person": contact,
                "phone": phone,
                "email": f"info@{'-'.join(slugify(name).split('-')[-2:])}.lv",
                "address": f"{street}, {town}",
                "seat_municipality": municipality,
                "iban": iban,
            },
        )
        offered = [types[offer.code] for offer in spec.offers]
        if spec.register is not None:
            catalog_services.registration_create(
                actor=actor,
                provider=provider,
                data={
                    "register": spec.register,
                    "number": f"{REGISTER_PREFIX[spec.register]}-{rng.randint(1000, 9999)}",
                    "valid_from": dt.date(rng.randint(2012, 2020), rng.randint(1, 12), 1),
                    "verified_on": _day(dt.date(2024, 12, rng.randint(2, 20)), today),
                    "service_types": offered,
                },
            )
        for kind in spec.locations:
            catalog_services.location_create(
                actor=actor,
                provider=provider,
                data={
                    "kind": kind,
                    "municipality": municipality,
                    "address": f"{street}, {town}" if kind == LocationKind.PREMISES else "",
                },
            )
        for offer in spec.offers:
            service_type = types[offer.code]
            catalog_services.tariff_create(
                actor=actor,
                provider=provider,
                data={
                    "service_type": service_type,
                    "unit_price": nice_price(service_type.default_unit_price or Decimal(0), rng),
                    "session_minutes": offer.minutes,
                    "remote_allowed": service_type.remote_allowed,
                    "valid_from": tariffs_from(today),
                },
            )
        providers[spec.key] = provider
    return providers


def ensure_staff(*, actor: Any, providers: dict[str, Provider]) -> dict[str, Any]:
    """A staff login per provider (`sniedzejs` is made with the other demo users)."""
    User = get_user_model()
    staff = {}
    for key, (username, first, last) in STAFF.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last, role=Role.PROVIDER)
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not ProviderMembership.objects.filter(user=user).exists():
            catalog_services.provider_member_add(actor=actor, provider=providers[key], user=user)
        staff[key] = user
    return staff


# --- cases: assessment, budget, plan, letters -------------------------------------------------


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
SESSION_NOTES = {
    "support-person-for-decision-making": (
        "Plānojām mēneša budžetu un pirkumus.",
        "Runājām par darba iespējām; apmeklējām NVA.",
        "Gatavojāmies vizītei pie ģimenes ārsta.",
        "Kopā izvēlējāmies, kur pavadīt brīvdienas.",
    ),
    "group-session-for-persons": ("Saskarsmes prasmes grupā.", "Kopīga ēst gatavošana."),
    "day-care-centre": ("Rokdarbi un pastaiga.", "Galda spēles un ēst gatavošana."),
    "specialised-workshop": ("Koka izstrādājumu darbnīca.", "Audēju darbnīca."),
}


def _months(client: Client) -> int:
    return CHILD_MONTHS if client.target_group == TargetGroup.CHILD_FT else ADULT_MONTHS


def _assess(
    *, worker: Any, client: Client, rng: random.Random, start: dt.date, today: dt.date
) -> Any:
    child = client.target_group == TargetGroup.CHILD_FT
    assessed_on = _day(start - dt.timedelta(days=rng.randint(14, 35)), today)
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


def _plan(
    *,
    worker: Any,
    client: Client,
    providers: dict[str, Provider],
    rng: random.Random,
    assessment: dict[str, Any],
    start: dt.date,
    today: dt.date,
) -> tuple[PlanVersion, list[Need]]:
    months = _months(client)
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
        signed_on=_day(start - dt.timedelta(days=rng.randint(2, 8)), today),
        sign_method=rng.choice(("paper", "in_person")),
        signed_by_representative=signer,
    )
    return plan_services.version_activate(actor=worker, version=_fresh(version)), needs


# --- sessions ---------------------------------------------------------------------------------


def _month_days(month: dt.date, weekdays: Sequence[int], start: dt.date, end: dt.date) -> list:
    last = calendar.monthrange(month.year, month.month)[1]
    days = [month.replace(day=d) for d in range(1, last + 1)]
    return [
        d
        for d in days
        if d.weekday() in weekdays and start <= d <= end and (d.month, d.day) not in HOLIDAYS
    ]


def _record_sessions(
    *,
    letter: GuaranteeLetter,
    line: dict[str, Any],
    need: Need,
    worker: Any,
    staff: Any,
    client: Client,
    rng: random.Random,
    weekdays: Sequence[int],
    until: dt.date,
    today: dt.date,
) -> int:
    """The line's sessions month by month on its weekdays, never more than the letter grants;
    now and then a person does not come."""
    actor = staff if delivery_selectors.letter_open_for(staff, letter, today) else worker
    start, end = (
        dt.date.fromisoformat(line["start"]),
        min(dt.date.fromisoformat(line["end"]), until),
    )
    quantity = Decimal(line["quantity"])
    unit = ServiceType.objects.get(pk=line["service_type_id"]).unit
    per_session = quantity / 4 if unit == ServiceUnit.KM else Decimal(1)
    hour = dt.time(rng.choice((9, 10, 11, 13, 14, 15)), rng.choice((0, 30)))
    notes = SESSION_NOTES.get(need.code, ())
    child = client.target_group == TargetGroup.CHILD_FT
    count = 0
    month = start.replace(day=1)
    while month <= end:
        used = Decimal(0)
        for day in _month_days(month, weekdays, start, end):
            if used + per_session > quantity:
                break
            roll = rng.random()
            data: dict[str, Any] = {"line_key": line["key"], "date": day, "start_time": hour}
            if roll < 0.03:
                data["status"] = SessionStatus.NO_SHOW_NOTICE
            elif roll < 0.05:
                data["status"] = SessionStatus.NO_SHOW_NO_NOTICE
                used += per_session
            else:
                data["signed_by"] = "representative" if child else "client"
                used += per_session
                if unit == ServiceUnit.KM:
                    data["km"] = per_session
                if notes:
                    data["goals_worked_on"] = rng.choice(notes)
                if need.code.startswith("psychologist") and rng.random() < 0.2:
                    data["mode"] = SessionMode.REMOTE
                    data["evidence_protocol"] = (
                        f"Videozvans {day:%d.%m.%Y} plkst. {hour:%H:%M}; piedalījās klients "
                        "un psihologs."
                    )
            delivery_services.session_record(actor=actor, letter=letter, data=data)
            count += 1
        month = add_months(month, 1)
    return count


def ensure_cases(
    *,
    municipality: Municipality,
    worker: Any,
    providers: dict[str, Provider],
    staff: dict[str, Any],
    today: dt.date,
    seed: int,
    log: Log,
) -> None:
    """About half of the municipality's clients (every other child and adult) get the whole
    cycle; a client who already has a plan is left as it is."""
    clients = list(Client.objects.filter(municipality=municipality).order_by("personal_code"))
    chosen = [c for c in clients if c.target_group == TargetGroup.CHILD_FT][::2] + [
        c for c in clients if c.target_group == TargetGroup.ADULT_GRT
    ][::2]
    until = today.replace(day=1) - dt.timedelta(days=1)  # the end of last month
    made = sessions = 0
    for client in chosen:
        if client.support_plans.exists():
            continue
        rng = random.Random(f"{seed}-{client.personal_code}")
        start = period_start(client.target_group, today)
        with transaction.atomic():
            assessment = _assess(worker=worker, client=client, rng=rng, start=start, today=today)
            version, needs = _plan(
                worker=worker,
                client=client,
                providers=providers,
                rng=rng,
                assessment=assessment,
                start=start,
                today=today,
            )
            by_code = {need.code: need for need in needs}
            first_days: list[int] = []
            for letter in version.letters.all():
                key = next(k for k, p in providers.items() if p.pk == letter.provider_id)
                for line in letter.lines:
                    code = ServiceType.objects.get(pk=line["service_type_id"]).code
                    need = by_code[code]
                    if need.provider == "transport" and first_days:
                        weekdays = first_days[:1]  # the trip to the first service
                    else:
                        weekdays = sorted(rng.sample(range(5), need.per_week))
                        first_days = first_days or weekdays
                    sessions += _record_sessions(
                        letter=letter,
                        line=line,
                        need=need,
                        worker=worker,
                        staff=staff[key],
                        client=client,
                        rng=rng,
                        weekdays=weekdays,
                        until=until,
                        today=today,
                    )
        made += 1
    if made:
        log(f"{municipality}: {made} plāni ar garantijas vēstulēm, {sessions} nodarbības")


# --- invoices ---------------------------------------------------------------------------------


def ensure_invoices(
    *,
    municipality: Municipality,
    providers: dict[str, Provider],
    staff: dict[str, Any],
    worker: Any,
    accountant: Any,
    today: dt.date,
    log: Log,
) -> None:
    """Each provider invoices each month it worked: the provider's staff submits, the social
    worker confirms the content, the accountant approves and pays. The latest month is only
    submitted, so the accountant has work waiting."""
    sessions = Session.objects.filter(client__municipality=municipality)
    last = sessions.order_by("-date").values_list("date", flat=True).first()
    if last is None:
        return
    latest = last.replace(day=1)
    submitted = paid = 0
    for spec in SPECS:
        provider = providers[spec.key]
        months = sorted(
            {
                d.replace(day=1)
                for d in sessions.filter(provider=provider).values_list("date", flat=True)
            }
        )
        for month in months:
            invoice = (
                Invoice.objects.filter(provider=provider, municipality=municipality, month=month)
                .exclude(status=InvoiceStatus.REJECTED)
                .first()
            )
            if invoice is None:
                invoice = billing_services.invoice_submit(
                    actor=staff[spec.key],
                    provider=provider,
                    municipality=municipality,
                    month=month,
                    number=f"{spec.invoice_prefix}-{month:%Y}/{month:%m}",
                )
                submitted += 1
            if month >= latest:
                continue
            if invoice.status == InvoiceStatus.SUBMITTED:
                invoice = billing_services.invoice_confirm(actor=worker, invoice=invoice)
            if invoice.status == InvoiceStatus.CONFIRMED:
                invoice = billing_services.invoice_approve(actor=accountant, invoice=invoice)
            if invoice.status == InvoiceStatus.APPROVED:
                billing_services.invoice_pay(
                    actor=accountant,
                    invoice=invoice,
                    paid_on=today,
                    payment_reference=f"MU-{month:%Y%m}-{provider.pk:03d}",
                )
                paid += 1
    if submitted:
        log(f"{municipality}: {submitted} rēķini, {paid} apmaksāti")


# --- the whole world --------------------------------------------------------------------------


@transaction.atomic
def build(
    *, users: dict[str, Any], log: Log, seed: int = 2025, today: dt.date | None = None
) -> None:
    """Providers in Balvi and Tukums; the whole cycle for about half of Balvi's clients.
    `today` (by default the local date) decides every date of the demo."""
    today = today or timezone.localdate()
    head, admin = users["vaditaja"], users["admins"]
    for code, actor in (("balvi", head), ("tukums", admin)):
        municipality = Municipality.objects.get(code=code)
        before = Provider.objects.filter(municipality=municipality).count()
        providers = ensure_providers(actor=actor, municipality=municipality, today=today, seed=seed)
        if Provider.objects.filter(municipality=municipality).count() != before:
            log(f"{municipality}: {len(providers)} pakalpojumu sniedzēji ar tarifiem")
        if code != "balvi":
            continue
        staff = ensure_staff(actor=actor, providers=providers)
        if not NoShowRule.objects.filter(municipality=municipality).exists():
            delivery_services.no_show_rule_create(
                actor=head,
                municipality=municipality,
                data={"share_percent": NO_SHOW_SHARE, "valid_from": tariffs_from(today)},
            )
        worker = users["socdarbiniece"]
        ensure_cases(
            municipality=municipality,
            worker=worker,
            providers=providers,
            staff=staff,
            today=today,
            seed=seed,
            log=log,
        )
        ensure_invoices(
            municipality=municipality,
            providers=providers,
            staff=staff,
            worker=worker,
            accountant=users["gramatvede"],
            today=today,
            log=log,
        )
