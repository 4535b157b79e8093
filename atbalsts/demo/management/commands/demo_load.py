"""Loads the demo municipality once; running it again changes nothing."""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from atbalsts.catalog.models import ProviderMembership
from atbalsts.core.roles import Role
from atbalsts.demo import balvi, delivery_edges, people, programme, world
from atbalsts.demo import groups as demo_groups
from atbalsts.demo import registers as demo_registers
from atbalsts.people.models import Client, Municipality


class Command(BaseCommand):
    help = (
        "Ielādē demo datus (Balvu un Tukuma novads, Balvu individuālā budžeta pilotprojekts "
        "2019–2021) un demo lietotājus. Atkārtoti neko nemaina."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--without-pilot",
            action="store_true",
            help="Neielādēt Balvu pilotprojekta vēsturi (ātrāk; dzīvās demo pārbaudēm).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            # The demo users' password is printed in the README: never in production.
            raise CommandError(
                "Demo datus šajā vidē ielādēt nedrīkst (DEMO_DATA_ALLOWED=False): demo "
                "lietotāju parole ir publiska. Demo data is not allowed with these settings."
            )
        users = people.ensure_users()
        admin = users["admins"]
        for code, worker, seed in (("balvi", "socdarbiniece", 2019), ("tukums", "tukums", 2021)):
            municipality = Municipality.objects.get(code=code)
            if Client.objects.filter(municipality=municipality).exists():
                continue
            made = people.generate_clients(
                actor=admin, municipality=municipality, worker=users[worker], count=20, seed=seed
            )
            self.stdout.write(f"{municipality}: {len(made)} klienti")
        world.build(users=users, log=self.stdout.write)
        programme.ensure(users=users, today=timezone.localdate(), log=self.stdout.write)
        demo_registers.load(users=users, log=self.stdout.write, today=timezone.localdate())
        delivery_edges.ensure(users=users, today=timezone.localdate(), log=self.stdout.write)
        demo_groups.ensure(users=users, today=timezone.localdate(), log=self.stdout.write)
        if not options["without_pilot"]:
            self._pilot(users)
        self.stdout.write(self.style.SUCCESS("Demo dati ielādēti."))
        self.stdout.write(f"Demo lietotāji (parole visiem: {people.DEMO_PASSWORD}):")
        for spec in people.DEMO_USERS:
            self.stdout.write(f"  {spec.username:15} {spec.role.label} ({self._where(spec)})")
        others = [username for username, *_name in world.STAFF.values() if username != "sniedzejs"]
        self.stdout.write(f"  Citu sniedzēju darbinieki: {', '.join(others)}")

    def _pilot(self, users: dict[str, Any]) -> None:
        """Balvi's 2019–2021 pilots, imported through the import bundle (after the living demo,
        which makes its clients only in a municipality that has none)."""
        started = time.monotonic()
        loaded = balvi.load(actor=users["vaditaja"], progress=self._progress)
        what = (
            f"{loaded.clients} klienti, {loaded.sessions} nodarbības, {loaded.invoices} "
            "apmaksāti rēķini"
        )
        if loaded.created:
            self.stderr.write("")
            seconds = time.monotonic() - started
            self.stdout.write(
                f"Balvu individuālā budžeta pilotprojekts 2019–2021 importēts: {what} "
                f"({seconds:.0f} s)."
            )
        else:
            self.stdout.write(f"Balvu pilotprojekts 2019–2021 jau ielādēts ({what}).")

    def _progress(self, done: int, total: int) -> None:
        """The pilot import's progress on stderr (it takes about a minute)."""
        if done == total or done % 200 == 0:
            self.stderr.write(f"\rBalvu pilotprojekta imports: {done}/{total} rindas", ending="")
            self.stderr.flush()

    @staticmethod
    def _where(spec: people.DemoUser) -> str:
        if spec.role == Role.PROVIDER:
            membership = ProviderMembership.objects.filter(user__username=spec.username).first()
            return str(membership.provider) if membership else "—"
        return spec.municipality or "visas pašvaldības"
