"""Evidence files move out of MEDIA_ROOT into PRIVATE_MEDIA_ROOT under generated names.

Each stored file is read from the default storage (where the old field kept it), its type
checked the way new uploads are (`delivery.evidence.evidence_kind`; a file that is not a
whole PNG, JPEG or PDF keeps the extension `bin` and is served as application/octet-stream),
written to the private storage and the session pointed at it. The old file is deleted only
once the migration has committed. A missing old file is left as it is (reported).
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models, transaction

import atbalsts.delivery.evidence


def move_to_private(apps, schema_editor):
    from atbalsts.delivery.evidence import evidence_kind, evidence_path, evidence_storage

    Session = apps.get_model("delivery", "Session")
    private = evidence_storage()
    moved = missing = 0
    for pk, old in Session.objects.exclude(evidence_file="").values_list("pk", "evidence_file"):
        if private.exists(old):  # moved by an earlier run
            continue
        if not default_storage.exists(old):
            missing += 1
            continue
        with default_storage.open(old, "rb") as fh:
            data = fh.read()
        kind = evidence_kind(ContentFile(data)) or "bin"
        new = private.save(evidence_path(None, f"evidence.{kind}"), ContentFile(data))
        Session.objects.filter(pk=pk).update(evidence_file=new)
        transaction.on_commit(lambda old=old: default_storage.delete(old))
        moved += 1
    if moved or missing:
        print(f"  evidence files moved to PRIVATE_MEDIA_ROOT: {moved}, not found: {missing}")


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0002_session_invoice_locked"),
    ]

    operations = [
        migrations.AlterField(
            model_name="session",
            name="evidence_file",
            field=models.FileField(
                blank=True,
                storage=atbalsts.delivery.evidence.evidence_storage,
                upload_to=atbalsts.delivery.evidence.evidence_path,
                verbose_name="ekrānuzņēmums vai protokola datne",
            ),
        ),
        migrations.RunPython(move_to_private, migrations.RunPython.noop),
    ]
