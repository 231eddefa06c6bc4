"""competitions/organizers.py: host previews follow who runs the competition."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from competitions.models import Team
from competitions.organizers import host_previews_refresh
from competitions.services import join_competition


def test_refreshing_host_previews_costs_the_same_queries_for_ten_teams_as_for_one(
        make_competition, make_user):
    competition = make_competition(slug="many-teams")

    def queries_after_joins(count: int, first: int) -> int:
        for number in range(first, first + count):
            join_competition(competition=competition, user=make_user(f"learner-{number}"))
        with CaptureQueriesContext(connection) as queries:
            assert host_previews_refresh(competition=competition) == 0
        return len(queries)

    assert queries_after_joins(1, 0) == queries_after_joins(10, 1)


def test_refreshing_host_previews_changes_only_the_teams_whose_runner_status_changed(
        make_competition, make_user):
    competition = make_competition(slug="organizer-change")
    teacher, learner = make_user("teacher"), make_user("learner")
    teams = {user.username: join_competition(competition=competition, user=user).team
             for user in (teacher, learner)}
    competition.organizers.add(teacher)
    host_previews_refresh(competition=competition)
    assert Team.objects.get(pk=teams["teacher"].pk).is_host_preview
    assert not Team.objects.get(pk=teams["learner"].pk).is_host_preview
    competition.organizers.remove(teacher)
    assert host_previews_refresh(competition=competition) == 1
    assert not Team.objects.get(pk=teams["teacher"].pk).is_host_preview
