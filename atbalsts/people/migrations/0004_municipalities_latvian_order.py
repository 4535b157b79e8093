"""Municipalities in Latvian order (core.collation): Ādažu novads first, Ķekavas novads after
Kuldīgas novads. Only the model's default ordering changes; the collation it uses is created
by core 0003 on PostgreSQL."""

from django.db import migrations, models

import atbalsts.core.collation


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_latvian_collation"),
        ("people", "0003_appointment_reminders"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="municipality",
            options={
                "ordering": [atbalsts.core.collation.Latvian(models.F("name"))],
                "verbose_name": "pašvaldība",
                "verbose_name_plural": "pašvaldības",
            },
        ),
    ]
