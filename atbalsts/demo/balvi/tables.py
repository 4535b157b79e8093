"""What the pilots are generated from: Balvi's published tables, the pilots' dates, how each
service is delivered and which provider gives it."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from atbalsts.people.models import TargetGroup

DATA = Path(__file__).resolve().parents[2] / "reporting" / "data"
SEED = 2019
MUNICIPALITY = "balvi"
PILOT_START = dt.date(2019, 11, 1)
SELECTED_ON = dt.date(2019, 10, 1)  # the selection of the pilots' participants
TARIFFS_FROM = dt.date(2019, 1, 1)
STATE_ASSISTANT = "Valsts apmaksātais asistents pašvaldībā"
# Public holidays in Latvia during the pilots (with Easter 2020 and the moved 4 May).
HOLIDAYS = {
    dt.date(y, m, d)
    for y in (2019, 2020, 2021)
    for m, d in ((1, 1), (5, 1), (5, 4), (6, 23), (6, 24), (11, 18), (12, 24), (12, 25), (12, 26))
} | {dt.date(2019, 12, 31), dt.date(2020, 12, 31), dt.date(2020, 4, 10), dt.date(2020, 4, 13)}
# The emergency situation of spring 2020: psychologists met their clients by video.
REMOTE_FROM, REMOTE_TO = dt.date(2020, 3, 16), dt.date(2020, 5, 29)


@dataclass(frozen=True)
class Pilot:
    key: str
    target_group: str
    table: str
    months: int
    budget_months: tuple[int, ...]  # the budget periods (6 months for a child in the pilot)
    price_change: dt.date  # when a provider's revised price list came into force
    backbone: tuple[str, ...]  # services everyone gets every month, between them


CHILDREN = Pilot(
    "children",
    TargetGroup.CHILD_FT,
    "balvi_children.csv",
    12,
    (6, 6),
    dt.date(2020, 5, 1),
    ("Fizioterapeita konsultācijas",),
)
ADULTS = Pilot(
    "adults",
    TargetGroup.ADULT_GRT,
    "balvi_adults.csv",
    15,
    (15,),
    dt.date(2020, 7, 1),
    ("Atbalsta personas lēmumu pieņemšanā pakalpojums", "Asistenta pakalpojums"),
)
PILOTS = (CHILDREN, ADULTS)


# --- how a service is delivered ---------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How sessions of a service look: hours per session (hour units), whether it runs on
    every day (care) or on working days, and the time it usually starts."""

    hours: tuple[int, int] = (1, 1)
    daily: bool = False
    starts: tuple[str, ...] = ("09:00", "10:30", "13:00", "14:30", "16:00")


STYLES: dict[str, Style] = {
    "Aprūpes mājās pakalpojums": Style((6, 9), daily=True, starts=("08:00",)),
    "Grupu mājas (dzīvokļa) pakalpojums": Style(daily=True, starts=("08:00",)),
    "Asistenta pakalpojums": Style((6, 8), starts=("08:00", "08:30")),
    STATE_ASSISTANT: Style((4, 8), starts=("08:00", "09:00")),
    "Ģimenes asistenta pakalpojums": Style((2, 4), starts=("10:00", "15:00")),
    "Atbalsta personas lēmumu pieņemšanā pakalpojums": Style((2, 4), starts=("10:00", "13:00")),
    "Individuālā atbalsta programma": Style((2, 3), starts=("09:00",)),
    "Atelpas brīža pakalpojums mājās": Style((4, 6), starts=("09:00", "14:00")),
    "Atelpas brīža pakalpojums institūcijā": Style(starts=("08:00",)),
    "Surdotulka pakalpojums": Style((1, 2), starts=("11:00",)),
}


@dataclass(frozen=True)
class ProviderSpec:
    """A provider and the services it gives each pilot. A service's tariff is the provider's,
    so one service goes to one provider per pilot and each pilot's tariffs are its own."""

    key: str
    prefix: str
    name: str
    contact: str
    street: str
    register: str | None
    children: tuple[str, ...]
    adults: tuple[str, ...]
    invoice_prefix: str


def provider_specs() -> tuple[ProviderSpec, ...]:
    social, medical = "social_service_providers", "medical_practitioners"
    return (
        ProviderSpec("soc", "90009", "Balvu novada Sociālais dienests", "Ināra Logina",
                     "Bērzpils iela 1A", social,
                     ("Aprūpes mājās pakalpojums", "Asistenta pakalpojums", STATE_ASSISTANT,
                      "Atelpas brīža pakalpojums mājās"), (), "BSD"),
        ProviderSpec("care", "40008", "Biedrība „Samariešu atbalsts”, Balvu nodaļa",
                     "Ligita Bērziņa", "Kalna iela 12", social, (),
                     ("Asistenta pakalpojums", STATE_ASSISTANT, "Ģimenes asistenta pakalpojums"),
                     "SA"),
        ProviderSpec("family", "40008", "Biedrība „Ģimeņu atbalsta centrs Balvi”",
                     "Gunta Krivma", "Dārza iela 7", social,
                     ("Ģimenes asistenta pakalpojums",
                      "Atelpas brīža pakalpojums institūcijā"), (), "GAC"),
        ProviderSpec("rehab", "40103", "SIA „Ziemeļlatgales rehabilitācijas centrs”",
                     "Dace Circene", "Tehnikas iela 3", medical,
                     ("Fizioterapeita konsultācijas", "Fizioterapeita nodarbība baseinā",
                      "Ergoterapeita nodarbība", "Logopēda nodarbība",
                      "Audiologopēda konsultācija", "Uztura speciālista konsultācija"), (),
                     "ZRC"),
        ProviderSpec("health", "40103", "SIA „Balvu veselības centrs”", "Māra Ločmele",
                     "Brīvības iela 57", medical, (),
                     ("Fizioterapeita nodarbība", "Logopēda nodarbība"), "BVC"),
        ProviderSpec("psy", "40203", "SIA „Psiholoģiskās palīdzības kabinets Balvi”",
                     "Evita Mozule", "Vidzemes iela 9", social,
                     ("Psihologa konsultācija", "Psihoterapeita konsultācija vecākiem"), (),
                     "PPK"),
        ProviderSpec("psy2", "40203", "SIA „Atbalsta kabinets Ziemeļlatgalē”", "Rihards Keišs",
                     "Pilsoņu iela 4", social, (),
                     ("Psihologa konsultācija",
                      "Psihologa konsultācija (dabiskajam atbalsta lokam)"), "AKZ"),
        ProviderSpec("arts", "40008", "Biedrība „Mākslu terapijas studija Pīlādzis”",
                     "Sarmīte Keiša", "Brīvības iela 61", medical,
                     ("Mūzikas terapijas nodarbība",
                      "Vizuāli plastiskās mākslas terapijas nodarbība",
                      "Silto smilšu terapijas nodarbība"), (), "MTS"),
        ProviderSpec("arts2", "40008", "Biedrība „Radošā darbnīca Balvi”", "Aivars Zelčs",
                     "Baznīcas iela 2", medical, (),
                     ("Mūzikas terapijas nodarbība",
                      "Vizuāli plastiskās mākslas terapijas nodarbība",
                      "Smilšu terapijas nodarbība"), "RDB"),
        ProviderSpec("dogs", "40008", "Biedrība „Kanisterapija Latgalē”", "Ilona Kokoreviča",
                     "Ezera iela 25", social, ("Kanisterapijas nodarbība",), (), "KL"),
        ProviderSpec("dogs2", "40008", "Biedrība „Suņu draugi Balvos”", "Inta Circene",
                     "Sporta iela 6", social, (), ("Kanisterapijas nodarbība",), "SDB"),
        ProviderSpec("horses", "40103", "SIA „Zirgu sēta Kubuli”", "Juris Sprukts",
                     "Kubulu pagasts, „Zīles”", medical, ("Reitterapijas nodarbība",), (),
                     "ZSK"),
        ProviderSpec("horses2", "40103", "SIA „Jātnieku sēta Vīksna”", "Arnis Logins",
                     "Vīksnas pagasts, „Ozoli”", medical, (), ("Reitterapijas nodarbība",),
                     "JSV"),
        ProviderSpec("edu", "40008", "Biedrība „Cerību tilts”", "Līga Bukša", "Partizānu iela 14",
                     social,
                     ("ABA terapijas nodarbība", "Speciālā pedagoga nodarbība",
                      "Specializētā sociālās rehabilitācijas un kompetenci veicinošo pasākumu "
                      "apmācību kurss bērnam ar FT un vecākiem"),
                     ("Pedagoga nodarbība",), "CT"),
        ProviderSpec("ngo", "40008", "Biedrība „Atbalsta punkts Balvi”", "Aldis Pužulis",
                     "Raiņa iela 52", social, (),
                     ("Atbalsta personas lēmumu pieņemšanā pakalpojums",
                      "Grupu nodarbība (personām)", "Atbalsta grupas nodarbība (personām)",
                      "Individuālā atbalsta programma", "Grupu mājas (dzīvokļa) pakalpojums"),
                     "APB"),
        ProviderSpec("deaf", "40008", "Biedrība „Latvijas Nedzirdīgo savienība”, Balvu nodaļa",
                     "Andris Cibulis", "Brīvības iela 42", social, ("Surdotulka pakalpojums",),
                     (), "LNS"),
        ProviderSpec("transport", "50103", "SIA „Balvu autotransports”", "Edgars Pipars",
                     "Stacijas iela 8", None, ("Transporta pakalpojums",), (), "BAT"),
        ProviderSpec("transport2", "50103", "SIA „Ziemeļlatgales pārvadājumi”", "Valdis Zaķis",
                     "Rēzeknes iela 30", None, (), ("Transporta pakalpojums",), "ZLP"),
    )  # fmt: skip


def published(pilot: Pilot) -> list[tuple[str, int, Decimal]]:
    with (DATA / pilot.table).open(encoding="utf-8") as f:
        return [
            (r["service"], int(r["persons"]), Decimal(r["spent_eur"])) for r in csv.DictReader(f)
        ]
