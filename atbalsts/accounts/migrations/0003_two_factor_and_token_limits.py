"""Two-step sign-in's grace period, and API tokens that can be read-only, limited to one
municipality and that expire. Tokens made before get 90 days from the migration."""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def expire_old_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_on__isnull=True).update(
        expires_on=timezone.localdate() + dt.timedelta(days=90)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="otp_grace_started_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="divpakāpju pieteikšanās termiņa sākums"
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="read_only",
            field=models.BooleanField(default=False, verbose_name="tikai lasīšanai"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="people.municipality",
                verbose_name="tikai pašvaldībai",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_on",
            field=models.DateField(null=True, verbose_name="derīga līdz"),
        ),
        migrations.RunPython(expire_old_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_on",
            field=models.DateField(verbose_name="derīga līdz"),
        ),
    ]
