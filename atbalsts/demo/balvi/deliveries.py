"""The money: who receives each published service, in which months, how many units at what
price, so that the units times the prices give the published amount to the cent."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from atbalsts.assessment.dates import add_months
from atbalsts.catalog.models import ServiceType, ServiceUnit
from atbalsts.core.money import round_money

from .people import Person
from .tables import HOLIDAYS, PILOT_START, STYLES, Pilot, Style, published


@dataclass
class Service:
    pilot: str
    name: str
    persons: int
    spent: Decimal
    type: ServiceType
    style: Style
    to_circle: bool


@dataclass
class Delivery:
    """One person's use of one service: units per month and the price in force."""

    service: Service
    person: Person
    units: dict[dt.date, Decimal]  # month → units (hours, sessions, days or km)
    trips: dict[dt.date, list[Decimal]] = field(default_factory=dict)  # km: each trip's km
    prices: dict[dt.date, Decimal] = field(default_factory=dict)  # month → unit price

    @property
    def recipient(self) -> str:
        return self.person.parent if self.service.to_circle else ""


def _months(pilot: Pilot) -> list[dt.date]:
    return [add_months(PILOT_START, m) for m in range(pilot.months)]


def days_of(month: dt.date, *, daily: bool) -> list[dt.date]:
    last = calendar.monthrange(month.year, month.month)[1]
    days = [month.replace(day=d) for d in range(1, last + 1)]
    return [d for d in days if daily or (d.weekday() < 5 and d not in HOLIDAYS)]


def _cap(service: Service, month: dt.date) -> int:
    """The most units one person can receive in the month."""
    unit = service.type.unit
    if unit == ServiceUnit.COURSE:
        return 1
    days = len(days_of(month, daily=service.style.daily))
    if unit == ServiceUnit.HOUR:
        return days * service.style.hours[1]
    return days


def _nice(price: Decimal, rng: random.Random) -> int:
    """A price near the catalogue's, in cents: to the half euro over 5 €, else to the cent."""
    cents = int(price * 100) * rng.randint(96, 106) // 100
    return max(50, round(cents / 50) * 50) if cents >= 500 else max(1, cents)


def spread(total: int, weights: Sequence[float], caps: Sequence[int]) -> list[int] | None:
    """`total` units over cells, each at least 1 and at most its cap, roughly by weight."""
    if total < len(weights) or total > sum(caps):
        return None
    result = [1] * len(weights)
    left = total - len(weights)
    while left > 0:
        room = [i for i in range(len(weights)) if result[i] < caps[i]]
        weight = sum(weights[i] for i in room)
        handed = 0
        for i in room:
            share = min(caps[i] - result[i], int(left * weights[i] / weight))
            result[i] += share
            handed += share
        left -= handed
        if handed == 0:  # hand out the last few one by one, largest weight first
            for i in sorted(room, key=lambda i: -weights[i])[:left]:
                result[i] += 1
                left -= 1
    return result


def _solve(
    spent: int, price: int, before: int, after: int, target: float
) -> tuple[int, int, int, int] | None:
    """Units before and after the price change and the two prices (cents) such that
    units₁ × price₁ + units₂ × price₂ = spent exactly; the second price is a small rise."""
    if before == 0 or after == 0:
        return None
    estimate = spent / price
    centre = round(target * estimate)
    for delta in range(0, int(estimate) + 1):
        for n1 in (centre - delta, centre + delta):
            if n1 < before:
                continue
            rest = spent - n1 * price
            if rest <= 0:
                continue
            high = max(price + 1, price * 108 // 100)
            for n2 in range(max(after, -(-rest // high)), rest // (price + 1) + 1):
                if rest % n2 == 0:
                    return n1, price, n2, rest // n2
    return None


def _deliveries(
    pilot: Pilot, service: Service, chosen: list[Person], rng: random.Random
) -> list[Delivery]:
    """The service's deliveries: months, units and prices adding up to its published amount."""
    months = _months(pilot)
    unit = service.type.unit
    default = service.type.default_unit_price or Decimal("1.00")
    spent = int(service.spent * 100)
    for _attempt in range(200):
        weights = [rng.uniform(0.6, 1.4) for _ in chosen]
        shares = [spent * w / sum(weights) for w in weights]
        spans = {}
        for person, share in zip(chosen, shares, strict=True):
            units = share / float(default * 100)
            cap = min(_cap(service, m) for m in months)
            shortest = max(1, math.ceil(units / (cap * 0.7)))
            longest = max(1, min(len(months), int(units)))
            if service.name in pilot.backbone or (unit == ServiceUnit.KM and units > 30):
                length = len(months)
            else:
                length = rng.randint(min(shortest, longest), longest)
            first = rng.randint(0, len(months) - length)
            spans[person.index] = months[first : first + length]
        if unit == ServiceUnit.KM:
            return _trips(service, chosen, shares, spans, rng)
        cells = [(p, m) for p in chosen for m in spans[p.index]]
        cell_weights = [
            shares[chosen.index(p)] / len(spans[p.index]) * rng.uniform(0.8, 1.2) for p, m in cells
        ]
        caps = [_cap(service, m) for _p, m in cells]
        price = _nice(default, rng)
        units_by_price: dict[int, int] = {}
        # one tariff for the whole pilot if one near the catalogue price divides the amount
        # (in whole half-euros, or cents for prices under 5 €); else a price change
        single = [
            c
            for c in range(int(default * 92), int(default * 112) + 1)
            if spent % c == 0 and (c % 50 == 0 or default < 5)
        ]
        if single:
            price = min(single, key=lambda c: abs(c - price))
            split = spread(spent // price, cell_weights, caps)
            prices = dict.fromkeys(months, price)
        else:
            early = [i for i, (_p, m) in enumerate(cells) if m < pilot.price_change]
            late = [i for i, (_p, m) in enumerate(cells) if m >= pilot.price_change]
            target = sum(cell_weights[i] for i in early) / sum(cell_weights)
            found = _solve(spent, price, len(early), len(late), target)
            if found is None:
                continue
            n1, p1, n2, p2 = found
            first_part = spread(n1, [cell_weights[i] for i in early], [caps[i] for i in early])
            second = spread(n2, [cell_weights[i] for i in late], [caps[i] for i in late])
            if first_part is None or second is None:
                continue
            split = [0] * len(cells)
            for i, n in zip(early + late, first_part + second, strict=True):
                split[i] = n
            prices = {m: p1 if m < pilot.price_change else p2 for m in months}
        if split is None:
            continue
        result = {p.index: Delivery(service, p, {}) for p in chosen}
        for (person, month), n in zip(cells, split, strict=True):
            delivery = result[person.index]
            delivery.units[month] = Decimal(n)
            delivery.prices[month] = Decimal(prices[month]) / 100
            units_by_price[prices[month]] = units_by_price.get(prices[month], 0) + n
        assert sum(c * n for c, n in units_by_price.items()) == spent  # noqa: S101
        return list(result.values())
    raise ValueError(f"no plan of deliveries for {service.name}")  # pragma: no cover


def _trips(
    service: Service,
    chosen: list[Person],
    shares: list[float],
    spans: dict[int, list[dt.date]],
    rng: random.Random,
) -> list[Delivery]:
    """Kilometres: each person's share in cents, split over months and trips; a trip's km
    (two decimals) is chosen so that km × price rounds to its amount exactly."""
    price = Decimal(_nice(service.type.default_unit_price or Decimal("0.15"), rng)) / 100
    spent = int(service.spent * 100)
    cents = [int(s) for s in shares]
    cents[-1] += spent - sum(cents)
    result = []
    for person, share in zip(chosen, cents, strict=True):
        months = spans[person.index]
        per_month = spread(share, [rng.uniform(0.7, 1.3) for _ in months], [10**9] * len(months))
        assert per_month is not None  # noqa: S101
        delivery = Delivery(service, person, {})
        for month, amount in zip(months, per_month, strict=True):
            # a trip to a town with the service and back: about 60–120 km
            count = max(1, min(6, round(amount / 100 / (float(price) * 90))))
            parts = spread(amount, [rng.uniform(0.8, 1.2) for _ in range(count)], [10**9] * count)
            assert parts is not None  # noqa: S101
            trips = []
            for part in parts:
                km = (Decimal(part) / 100 / price).quantize(Decimal("0.01"))
                assert round_money(km * price) == Decimal(part) / 100  # noqa: S101
                trips.append(km)
            delivery.trips[month] = trips
            delivery.units[month] = sum(trips, Decimal(0))
            delivery.prices[month] = price
        result.append(delivery)
    return result


def _choose(pilot: Pilot, name: str, persons: int, people: list[Person], rng: random.Random,
            taken: dict[str, set[int]]) -> list[Person]:  # fmt: skip
    """Who receives the service; the backbone services between them reach everyone."""
    if name in pilot.backbone:
        missing = [p for p in people if not any(p.index in s for s in taken.values())]
        rng.shuffle(missing)
        rest = [p for p in people if p not in missing]
        chosen = missing[:persons] + rng.sample(rest, max(0, persons - len(missing)))
    else:
        chosen = rng.sample(people, persons)
    taken[name] = {p.index for p in chosen}
    return sorted(chosen, key=lambda p: p.index)


def all_deliveries(pilot: Pilot, people: list[Person], rng: random.Random) -> list[Delivery]:
    types = {t.name_lv: t for t in ServiceType.objects.all()}
    taken: dict[str, set[int]] = {}
    rows = published(pilot)
    # the backbone first, so that it can reach whoever the others miss
    ordered = sorted(rows, key=lambda r: r[0] not in pilot.backbone)
    result = []
    for name, persons, spent in ordered:
        service_type = types[name]
        service = Service(
            pilot.key,
            name,
            persons,
            spent,
            service_type,
            STYLES.get(name, Style()),
            to_circle="vecākiem" in name or "atbalsta lokam" in name,
        )
        chosen = _choose(pilot, name, persons, people, rng, taken)
        result += _deliveries(pilot, service, chosen, rng)
    for person in people:
        months = {m for d in result if d.person is person for m in d.units}
        assert len(months) == pilot.months, person.index  # noqa: S101
    return result
