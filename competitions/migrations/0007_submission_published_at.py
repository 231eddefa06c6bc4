from django.db import migrations, models
from django.db.models import F


def assume_queued_messages_are_in_the_broker(apps, schema_editor):
    """Submissions queued at the upgrade were sent by the old code, whose message is most
    likely waiting in the broker: treat them as sent then, so that the new sweeper does not
    send them all again at once (the long cutoff still rescues a lost one)."""
    Submission = apps.get_model("competitions", "Submission")
    Submission.objects.filter(status="queued").update(published_at=F("queued_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("competitions", "0006_organizers_and_host_previews"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name="sent to the workers at"),
        ),
        migrations.RunPython(assume_queued_messages_are_in_the_broker,
                             migrations.RunPython.noop),
    ]
