"""Loads Latvia's 43 municipalities (36 novadi and 7 valstspilsētas since the 2021 reform)."""
import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


def load(apps, schema_editor):
    Municipality = apps.get_model("people", "Municipality")
    with DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            Municipality.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name_lv"],
                    "kind": row["kind"],
                    "admin_centre": row["admin_centre"],
                    "latitude": Decimal(row["lat"]),
                    "longitude": Decimal(row["lon"]),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
