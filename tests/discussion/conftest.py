import pytest

from competitions import policy
from discussion import services


@pytest.fixture
def teacher(make_user, competition):
    """An organizer of "animals" (staff, not a superuser)."""
    user = make_user("teacher", is_staff=True)
    policy.make_organizer(user, competition)
    return user


@pytest.fixture
def question(competition, alice, alice_joined):
    """alice's question in "animals"."""
    return services.thread_create(competition=competition, author=alice,
                                  title="Same fonts in the test set?", body="Are they?")
