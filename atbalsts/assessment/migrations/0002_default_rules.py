"""The national default allocation rules: an example calibrated on the pilots, to be replaced.

The pilots averaged 290–527 € a month for children and 560–735 € a month for adults; the bands
below put typical assessments inside those ranges.
"""

from decimal import Decimal

from django.db import migrations

VALID_FROM = "2018-01-01"

ADULT_DOMAINS = (
    "home_living",
    "community_living",
    "lifelong_learning",
    "employment",
    "health_safety",
    "social_activities",
    "protection_advocacy",
    "behavioural_needs",
    "medical_needs",
)
CHILD_DOMAINS = ("family_capacity", "lost_function", "functioning")

RULES = (
    {
        "target_group": "adult_grt",
        "name": "Valsts noklusējuma noteikums pilngadīgām personām (piemērs)",
        "points": {domain: [0, 1, 2, 4, 6] for domain in ADULT_DOMAINS},
        "bands": (
            (0, "A", "480.00"),
            (8, "B", "560.00"),
            (16, "C", "640.00"),
            (24, "D", "735.00"),
            (36, "E", "850.00"),
        ),
    },
    {
        "target_group": "child_ft",
        "name": "Valsts noklusējuma noteikums bērniem (piemērs)",
        "points": {domain: [0, 2, 4, 7, 10] for domain in CHILD_DOMAINS},
        "bands": (
            (0, "A", "240.00"),
            (6, "B", "290.00"),
            (12, "C", "400.00"),
            (18, "D", "527.00"),
            (24, "E", "640.00"),
        ),
    },
)


def create_rules(apps, schema_editor):
    AllocationRule = apps.get_model("assessment", "AllocationRule")
    AllocationBand = apps.get_model("assessment", "AllocationBand")
    for spec in RULES:
        rule = AllocationRule.objects.create(
            municipality=None,
            target_group=spec["target_group"],
            name=spec["name"],
            valid_from=VALID_FROM,
            points=spec["points"],
        )
        for min_points, code, amount in spec["bands"]:
            AllocationBand.objects.create(
                rule=rule, min_points=min_points, code=code, monthly_amount=Decimal(amount)
            )


def remove_rules(apps, schema_editor):
    AllocationRule = apps.get_model("assessment", "AllocationRule")
    for spec in RULES:
        AllocationRule.objects.filter(
            municipality=None, name=spec["name"], budgets__isnull=True
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(create_rules, remove_rules)]
