from django.urls import reverse

from competitions.models import Participation


def test_joining_needs_the_rules_accepted(client, competition, alice):
    client.force_login(alice)
    response = client.post(reverse("competition_join", args=[competition.slug]), {})
    assert response.status_code == 400
    assert "Accept the rules to join." in response.content.decode()
    assert not Participation.objects.exists()


def test_joining_creates_a_team_of_one_and_records_the_time(client, competition, alice):
    client.force_login(alice)
    response = client.post(reverse("competition_join", args=[competition.slug]),
                           {"accept_rules": "on"})
    assert response.url == reverse("competition_data", args=[competition.slug])
    participation = Participation.objects.get(user=alice, competition=competition)
    assert participation.team.name == "alice"
    assert list(participation.team.participations.all()) == [participation]
    assert participation.accepted_rules_at is not None


def test_joining_twice_keeps_one_participation(client, competition, alice):
    client.force_login(alice)
    for _ in range(2):
        client.post(reverse("competition_join", args=[competition.slug]), {"accept_rules": "on"})
    assert Participation.objects.filter(user=alice).count() == 1


def test_overview_renders_markdown_without_scripts(client, make_competition):
    competition = make_competition(slug="md", overview="# Title\n\n<script>alert(1)</script>"
                                                      "[x](javascript:alert(1))")
    page = client.get(reverse("competition_overview", args=[competition.slug])).content.decode()
    assert "<h1>Title</h1>" in page
    assert "<script>alert" not in page and "javascript:" not in page


def test_unpublished_competition_is_hidden_from_participants(client, make_competition, alice):
    competition = make_competition(slug="draft", is_published=False)
    client.force_login(alice)
    assert client.get(reverse("competition_overview", args=[competition.slug])).status_code == 404
    assert "draft" not in client.get(reverse("competition_list")).content.decode()


def _join_box(page: str) -> str:
    return page.split('data-testid="join-to-download"', 1)[1].split('class="table-wrap"', 1)[0]


def test_the_data_page_offers_joining_to_a_signed_in_user_who_has_not_joined(
        client, competition, alice):
    client.force_login(alice)
    page = client.get(reverse("competition_data", args=[competition.slug])).content.decode()
    box = _join_box(page)
    assert f'action="{reverse("competition_join", args=[competition.slug])}"' in box
    assert 'name="accept_rules"' in box and "Join the competition</button>" in box
    assert reverse("competition_overview", args=[competition.slug]) in box
    joined = client.post(reverse("competition_join", args=[competition.slug]),
                         {"accept_rules": "on"}, follow=True).content.decode()
    assert 'data-testid="join-to-download"' not in joined
    assert Participation.objects.filter(user=alice, competition=competition).exists()


def test_the_data_page_asks_an_anonymous_visitor_to_log_in_to_join(client, competition):
    page = client.get(reverse("competition_data", args=[competition.slug]),
                      HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    box = _join_box(page)
    assert f'{reverse("account_login")}?next=' in box and "competition_join" not in box
