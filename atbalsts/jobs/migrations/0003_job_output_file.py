from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_job_message"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="output_file",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="rezultāta fails diskā"
            ),
        ),
    ]
