"""Users in Latvian order by name (core.collation): the model's default ordering only."""

from django.db import migrations, models

import atbalsts.core.collation


def _latvian(field: str) -> models.OrderBy:
    return models.OrderBy(atbalsts.core.collation.Latvian(models.F(field)))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_latvian_collation"),
        ("accounts", "0003_two_factor_and_token_limits"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": [_latvian("last_name"), _latvian("first_name"), _latvian("username")],
                "verbose_name": "lietotājs",
                "verbose_name_plural": "lietotāji",
            },
        ),
    ]
