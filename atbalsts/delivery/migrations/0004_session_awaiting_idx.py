"""An index of the sessions waiting for a social worker's decision (held, not invoiceable):
the start page counts them for a municipality without reading all its sessions."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0003_evidence_private"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="session",
            index=models.Index(
                condition=models.Q(("is_invoiceable", False), ("status", "held")),
                fields=["client", "date"],
                name="session_awaiting_idx",
            ),
        ),
    ]
