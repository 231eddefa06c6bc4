from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("competitions", "0008_build_options_split_and_admin"),
    ]

    operations = [
        migrations.AddField(
            model_name="participation",
            name="student_number",
            field=models.CharField(blank=True, max_length=40, verbose_name="student number"),
        ),
    ]
