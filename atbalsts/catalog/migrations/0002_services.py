"""Loads the starting catalogue: the 46 services seen in the pilots (data/services.csv).

Confidentiality follows docs/domain.md ("Delivery and evidence"): psychologists,
psychotherapists and medical practitioners (medical rehabilitation specialists and arts
therapists are medical practitioners in Latvia).
Transport compensation needs no provider registration. Prices marked "illustrative" are
defaults a municipality edits.
"""
import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data" / "services.csv"
CONFIDENTIAL_CATEGORIES = {"psychology", "medical_rehabilitation"}
ARTS_THERAPIES = ("mūzikas terapij", "deju un kustību terapij", "mākslas terapij")


def load(apps, schema_editor):
    ServiceType = apps.get_model("catalog", "ServiceType")
    with DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["name_lv"].strip()
            groups = {g.strip() for g in row["target_groups"].split(";")}
            confidential = row["category"] in CONFIDENTIAL_CATEGORIES or any(
                marker in name.lower() for marker in ARTS_THERAPIES
            )
            ServiceType.objects.update_or_create(
                code=slugify(row["name_en"])[:80],
                defaults={
                    "name_lv": name,
                    "name_en": row["name_en"].strip(),
                    "category": row["category"],
                    "unit": row["unit"],
                    "remote_allowed": row["remote_possible"] == "yes",
                    "for_adult_grt": "adult" in groups,
                    "for_child_ft": "child" in groups,
                    "ib_fundable": row["ib_fundable"] == "yes",
                    "confidential": confidential,
                    "registration_required": row["category"] != "transport",
                    "default_session_minutes": 45 if row["unit"] == "session" else None,
                    "default_unit_price": Decimal(row["default_unit_price_eur"]),
                    "price_note": row["price_note"].strip()[:300],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
