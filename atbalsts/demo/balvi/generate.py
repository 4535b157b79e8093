"""The whole bundle of both pilots: as sheets, as CSV files, and the keys of what it makes."""

from __future__ import annotations

import random

from atbalsts.bundle.example import Sheets, csv_files

from .deliveries import Delivery, all_deliveries
from .people import Person, make_people
from .sheets import SheetsBuilder
from .tables import PILOTS, SEED, Pilot


def pilot_sheets(seed: int = SEED) -> Sheets:
    """The whole bundle of both pilots, as sheets of rows (the same every time)."""
    builder = SheetsBuilder(seed)
    used: set[str] = set()
    every: list[tuple[Pilot, list[Person], list[Delivery]]] = []
    change = {pilot.key: pilot.price_change for pilot in PILOTS}
    for pilot in PILOTS:
        rng = random.Random(f"balvi-pilot-{seed}-{pilot.key}")
        people = make_people(pilot, rng, used)
        deliveries = all_deliveries(pilot, people, rng)
        every.append((pilot, people, deliveries))
    builder.providers_and_tariffs([d for _p, _pp, ds in every for d in ds], change)
    for pilot, people, deliveries in every:
        for person in people:
            builder.person(pilot, person)
        for person in people:
            own = [d for d in deliveries if d.person is person]
            builder.plan(pilot, person, own)
        for delivery in deliveries:
            builder.session_rows(pilot, delivery)
    builder.invoices()
    return builder.sheets


def pilot_bundle(seed: int = SEED) -> list[tuple[str, bytes]]:
    """The bundle as CSV files, ready for `bundle_import`."""
    return csv_files(pilot_sheets(seed))


def pilot_keys(seed: int = SEED) -> tuple[set[str], set[str]]:
    """The personal codes of the pilot's clients and the registration numbers of its
    providers (to tell the pilot's history from the living demo)."""
    sheets = pilot_sheets(seed)
    return (
        {row[0] for row in sheets["clients"][1:]},
        {row[1] for row in sheets["providers"][1:]},
    )
