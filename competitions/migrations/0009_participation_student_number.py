from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("competitions", "0007_submission_published_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="participation",
            name="student_number",
            field=models.CharField(blank=True, max_length=40, verbose_name="student number"),
        ),
    ]
