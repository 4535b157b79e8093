"""Delivery as it really happens, in the living demo of Balvi (issue 16).

- Each provider with letters in force has a contract with Balvi covering the period and the
  services of its letters at the letters' prices; the transport company's contract ends in 20
  days (a reminder, and its later letters wait for the social worker to choose a contract).
- Each provider's staff say how many free places they have: one to four per service.
- About one planned session in eight of last month is cancelled, by the provider (illness),
  by the person (illness) or by the social service, on a planned day nobody recorded.
- The first client with a letter goes to hospital for ten days next month: that line pauses.
- For the same client the social worker decided remote delivery keeps the quality of their
  first service (for a future emergency).
- One complaint from a person about a provider, still open, and one resolved."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from atbalsts.catalog.models import ProviderComplaint, ProviderContract, ServiceType, Tariff
from atbalsts.catalog.services.contracts import contract_create
from atbalsts.catalog.services.quality import capacity_set, complaint_record, complaint_resolve
from atbalsts.core.dates import month_end, month_start
from atbalsts.delivery.models import Cancellation, RemoteQualityDecision, Session
from atbalsts.delivery.selectors import planned_days
from atbalsts.delivery.services.cancellations import cancellation_record
from atbalsts.delivery.services.remote_quality import remote_quality_decide
from atbalsts.people.models import Municipality
from atbalsts.plans.models import GuaranteeLetter, LetterStatus
from atbalsts.plans.pause_models import LetterContract, PlanLinePause
from atbalsts.plans.services.letter_contracts import letter_contract_find
from atbalsts.plans.services.pauses import line_pause

from .world import STAFF

CANCEL_EVERY = 8  # one planned session in eight is cancelled
REASONS = (
    ("provider", "provider_illness", ""),
    ("person", "person_illness", ""),
    ("social_service", "other", "Sociālā dienesta pasākums tajā pašā laikā"),
)


def ensure(*, users: dict[str, Any], today: dt.date, log: Callable[[str], None]) -> None:
    balvi = Municipality.objects.get(code="balvi")
    letters = list(
        GuaranteeLetter.objects.filter(municipality=balvi, status=LetterStatus.ISSUED)
        .select_related("provider", "version__plan__client")
        .order_by("issued_at", "id")
    )
    if not letters:
        return
    head, worker = users["vaditaja"], users["socdarbiniece"]
    rng = random.Random(2026)
    if not ProviderContract.objects.filter(municipality=balvi).exists():
        _contracts(head, balvi, letters, today)
        log("Līgumi ar Balvu sniedzējiem")
    if not Cancellation.objects.exists():
        made = _cancellations(worker, letters, today, rng)
        log(f"Atceltas nodarbības: {made}")
    _capacity(rng)
    # the living demo's first letter in force (the imported pilot's letters are history)
    first = next((x for x in letters if x.period_start <= today <= x.period_end), letters[0])
    if not PlanLinePause.objects.exists():
        _pause(worker, first, today)
    client = first.version.plan.client
    if not RemoteQualityDecision.objects.exists():
        remote_quality_decide(
            actor=worker,
            client=client,
            data={
                "service_type": first.lines[0]["service_type_id"],
                "keeps_quality": True,
                "note": "Persona lieto video zvanus; nodarbības mērķus var sasniegt attālināti.",
                "decided_on": today,
            },
        )
    if not ProviderComplaint.objects.filter(municipality=balvi).exists():
        _complaints(worker, head, letters, today)


def _contracts(
    head: Any, balvi: Municipality, letters: list[GuaranteeLetter], today: dt.date
) -> None:
    by_provider: dict[int, list[GuaranteeLetter]] = {}
    for letter in letters:
        by_provider.setdefault(letter.provider_id, []).append(letter)
    for n, (_provider, own) in enumerate(sorted(by_provider.items()), start=1):
        provider = own[0].provider
        prices: dict[int, str] = {}
        for letter in own:
            for line in letter.lines:
                prices.setdefault(line["service_type_id"], line.get("unit_price") or "0.00")
        start = min(letter.period_start for letter in own)
        end = max(letter.period_end for letter in own)
        if provider.name == _transport_name():
            end = min(end, today + dt.timedelta(days=20))
        contract_create(
            actor=head,
            municipality=balvi,
            provider=provider,
            data={
                "number": f"BNP/{start.year}/{n:02d}",
                "signed_on": start - dt.timedelta(days=14),
                "valid_from": start,
                "valid_to": end,
                "services": [
                    {"service_type": pk, "unit_price": price} for pk, price in prices.items()
                ],
            },
        )
    linked = set(LetterContract.objects.values_list("letter_id", flat=True))
    for letter in letters:
        if letter.pk not in linked:
            letter_contract_find(actor=head, letter=letter)


def _transport_name() -> str:
    from .world.catalog import NAMES

    return NAMES["balvi"]["transport"][0]


def _cancellations(
    worker: Any, letters: list[GuaranteeLetter], today: dt.date, rng: random.Random
) -> int:
    first = month_start(month_start(today) - dt.timedelta(days=1))
    last = month_end(first)
    units = dict(ServiceType.objects.values_list("pk", "unit"))
    made = 0
    for letter in letters:
        recorded = {
            (str(key), day)
            for key, day in Session.objects.filter(
                letter=letter, date__gte=first, date__lte=last
            ).values_list("line_key", "date")
        }
        for line in letter.lines:
            for day in planned_days(line, str(units.get(line["service_type_id"], "")), first):
                if rng.randrange(CANCEL_EVERY) or (line["key"], day) in recorded:
                    continue
                cancelled_by, reason, note = REASONS[made % len(REASONS)]
                cancellation_record(
                    actor=worker,
                    letter=letter,
                    data={
                        "line_key": line["key"],
                        "date": day,
                        "cancelled_by": cancelled_by,
                        "reason": reason,
                        "note": note,
                    },
                )
                made += 1
    return made


def _capacity(rng: random.Random) -> None:
    from atbalsts.accounts.models import User

    for username, *_name in STAFF.values():
        user = User.objects.filter(username=username).select_related("provider_membership").first()
        membership = getattr(user, "provider_membership", None) if user else None
        if user is None or membership is None or membership.provider.capacities.exists():
            continue
        provider = membership.provider
        services = sorted(
            set(Tariff.objects.filter(provider=provider).values_list("service_type_id", flat=True))
        )
        for service_id in services:
            capacity_set(
                actor=user,
                provider=provider,
                data={"service_type": service_id, "free_places": rng.randint(1, 4)},
            )


def _pause(worker: Any, letter: GuaranteeLetter, today: dt.date) -> None:
    line = letter.lines[0]
    start = month_start(month_end(today) + dt.timedelta(days=1)) + dt.timedelta(days=3)
    end = start + dt.timedelta(days=9)
    if dt.date.fromisoformat(line["end"]) < end:
        return
    line_pause(
        actor=worker,
        plan=letter.version.plan,
        data={"line_key": line["key"], "start": start, "end": end, "reason": "hospital"},
    )


def _complaints(worker: Any, head: Any, letters: list[GuaranteeLetter], today: dt.date) -> None:
    providers = []
    for letter in letters:
        if letter.provider not in providers:
            providers.append(letter.provider)
    complaint_record(
        actor=worker,
        provider=providers[0],
        data={
            "service_type": letters[0].lines[0]["service_type_id"],
            "received_on": today - dt.timedelta(days=12),
            "source": "person",
            "summary": "Speciālists divas reizes ieradās vairāk nekā pusstundu vēlāk.",
        },
    )
    resolved = complaint_record(
        actor=worker,
        provider=providers[-1],
        data={
            "received_on": today - dt.timedelta(days=60),
            "source": "social_worker",
            "summary": "Mēneša apmeklējumu lapas iesniegtas ar nokavēšanos.",
        },
    )
    complaint_resolve(
        actor=head,
        complaint=resolved,
        data={
            "resolution": "Sniedzējs norīkoja atbildīgo par lapu iesniegšanu.",
            "resolved_on": today - dt.timedelta(days=40),
        },
    )
