"""What has happened since the plans began: the sessions held and the monthly invoices."""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from atbalsts.assessment.dates import add_months
from atbalsts.billing import services as billing_services
from atbalsts.billing.models import Invoice, InvoiceStatus
from atbalsts.catalog.models import Provider, ServiceType, ServiceUnit
from atbalsts.core.dates import dmy, hm
from atbalsts.delivery import selectors as delivery_selectors
from atbalsts.delivery.models import Session, SessionMode, SessionStatus
from atbalsts.delivery.services.bulk import BulkEntry, sessions_record_bulk
from atbalsts.people.models import Client, Municipality, TargetGroup
from atbalsts.plans.models import GuaranteeLetter

from .catalog import SPECS
from .clients import Need, assess, plan_for
from .dates import HOLIDAYS, period_start

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

Log = Callable[[str], None]

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


def _month_days(
    month: dt.date, weekdays: Sequence[int], start: dt.date, end: dt.date
) -> list[dt.date]:
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
    worker: Actor,
    staff: Actor,
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
    rows: list[dict[str, Any]] = []
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
                        f"Videozvans {dmy(day)} plkst. {hm(hour)}; piedalījās klients un psihologs."
                    )
            rows.append(data)
        month = add_months(month, 1)
    # All of the line's sessions with the rules of one, checked and written in one go.
    outcome = sessions_record_bulk(actor=actor, entries=[BulkEntry(letter, d) for d in rows])
    if outcome.errors:
        raise next(iter(outcome.errors.values()))
    return len(outcome.sessions)


def ensure_cases(
    *,
    municipality: Municipality,
    worker: Actor,
    providers: dict[str, Provider],
    staff: dict[str, Actor],
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
            assessment = assess(worker=worker, client=client, rng=rng, start=start, today=today)
            version, needs = plan_for(
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
    staff: dict[str, Actor],
    worker: Actor,
    accountant: Actor,
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
