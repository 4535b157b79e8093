"""Loads the demo municipality once; running it again changes nothing."""

from typing import Any

from django.core.management.base import BaseCommand

from atbalsts.catalog.models import ProviderMembership
from atbalsts.core.roles import Role
from atbalsts.demo import people, world
from atbalsts.people.models import Client, Municipality


class Command(BaseCommand):
    help = "Ielādē demo datus (Balvu un Tukuma novads) un demo lietotājus. Atkārtoti neko nemaina."

    def handle(self, *args: Any, **options: Any) -> None:
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
        self.stdout.write(self.style.SUCCESS("Demo dati ielādēti."))
        self.stdout.write(f"Demo lietotāji (parole visiem: {people.DEMO_PASSWORD}):")
        for spec in people.DEMO_USERS:
            self.stdout.write(f"  {spec.username:15} {spec.role.label} ({self._where(spec)})")
        others = [username for username, *_name in world.STAFF.values() if username != "sniedzejs"]
        self.stdout.write(f"  Citu sniedzēju darbinieki: {', '.join(others)}")

    @staticmethod
    def _where(spec: people.DemoUser) -> str:
        if spec.role == Role.PROVIDER:
            membership = ProviderMembership.objects.filter(user__username=spec.username).first()
            return str(membership.provider) if membership else "—"
        return spec.municipality or "visas pašvaldības"
