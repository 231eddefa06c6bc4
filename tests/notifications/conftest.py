from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.services import join_competition
from tests.conftest import scored


@pytest.fixture
def ended(make_competition, alice, bob):
    """A competition that ended an hour ago (its private board is revealed, automatically):
    alice is second on the public board and first on the private one; bob the reverse.
    alice writes in English, bob in Japanese.

    Made with the board hidden and shown at the end by an UPDATE (no post_save): a worker
    running meanwhile must not tell the reveal of a half-made competition."""
    from accounts.profiles import set_language
    from competitions.models import Competition

    competition = make_competition(slug="ended", end_at=timezone.now() - timedelta(hours=1),
                                   start_at=timezone.now() - timedelta(days=5),
                                   private_leaderboard="hidden")
    alice_in = join_competition(competition=competition, user=alice)
    bob_in = join_competition(competition=competition, user=bob)
    scored(alice_in, 0.25, 0.875, minutes_ago=200)
    scored(bob_in, 0.5, 0.375, minutes_ago=190)
    for user, language in ((alice, "en"), (bob, "ja")):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
        set_language(user, language)
    Competition.objects.filter(pk=competition.pk).update(private_leaderboard="auto")
    competition.refresh_from_db()
    return competition
