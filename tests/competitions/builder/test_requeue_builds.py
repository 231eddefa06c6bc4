"""Builds lost on the way (broker down, worker killed) are sent again by the sweeper."""

from datetime import timedelta

from django.utils import timezone

from competitions.builder import service
from competitions.models import CompetitionBuild


def test_a_build_queued_too_long_or_running_past_the_limit_is_sent_again(alice, bob, mallory,
                                                                         monkeypatch):
    sent = []
    monkeypatch.setattr(service, "enqueue_build", sent.append)
    long_ago = timezone.now() - timedelta(hours=1)
    lost = CompetitionBuild.objects.create(host=alice, slug="lost", title="Lost",
                                           upload_name="a.zip", queued_at=long_ago)
    dead = CompetitionBuild.objects.create(host=bob, slug="dead", title="Dead",
                                           upload_name="b.zip", status="running",
                                           started_at=long_ago)
    CompetitionBuild.objects.create(host=mallory, slug="fresh", title="Fresh",
                                    upload_name="c.zip")
    assert service.builds_requeue_stuck() == 2
    assert sorted(sent) == sorted([lost.pk, dead.pk])
    # The queued one was stamped when it was sent; the dead one is sent until a worker
    # takes it over.
    assert service.builds_requeue_stuck() == 1
