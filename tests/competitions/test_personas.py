"""Ten personas against every URL of the site and the API (competitions.policy).

The competition "animals" is open, for teams of up to three; its private leaderboard is not
revealed. alice and bob are participants of two teams; carol is alice's team-mate and dave
bob's; olivia organizes it (a staff user, not a superuser); oscar organizes another
competition; hana hosts a community competition of her own; mallory signed up and joined
nothing, and has a pending invitation into alice's team; root is a superuser.
"""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from competitions import policy, teams
from competitions.models import BundleImport, CompetitionBuild, Submission
from competitions.services import join_competition, submission_create
from notifications.emails import unsubscribe_token
from notifications.kinds import Kind
from notifications.models import Notification
from tests.conftest import SECRET_MARKER, TRUE_LABELS, perfect_csv, scored, upload
from tests.urlwalk import every_url, response_text

ALICE_FILE_MARKER = "alice-only-secret-row"
HIDDEN_POST_MARKER = "hidden-by-the-organizers-text"
BOB_FILE_MARKER = "bob-only-secret-row"
ALICE_NOTIFICATION_MARKER = "alice-only-notification"
PRIVATE_MARKER = 0.8765432
PERSONAS = ["anonymous", "outsider", "participant", "other team", "other host",
            "organizer", "other organizer", "superuser", "team-mate", "other member"]
# Who may see alice's and bob's files: the members of their teams.
ALICE_TEAM = {"participant", "team-mate"}
BOB_TEAM = {"other team", "other member"}
# Who organizes "animals": they see its solution, every file and the private scores.
ORGANIZERS = {"organizer", "superuser"}


@pytest.fixture
def world(make_competition, make_user, competition, alice, bob, mallory):
    competition.max_team_size = 3
    competition.save(update_fields=["max_team_size"])
    alice_in = join_competition(competition=competition, user=alice)
    bob_in = join_competition(competition=competition, user=bob)
    alice_file = submission_create(competition=competition, user=alice, file=upload(
        perfect_csv() + f"{ALICE_FILE_MARKER},いぬ\n".encode(), "a.csv"))
    bob_file = submission_create(competition=competition, user=bob, file=upload(
        perfect_csv() + f"{BOB_FILE_MARKER},いぬ\n".encode(), "b.csv"))
    alice_scored = scored(alice_in, 0.25, PRIVATE_MARKER, 30)
    scored(bob_in, 0.5, PRIVATE_MARKER - 0.5, 20)
    olivia = make_user("olivia-teacher", is_staff=True)
    policy.make_organizer(olivia, competition)
    oscar = make_user("oscar", is_staff=True)
    policy.make_organizer(oscar, make_competition(slug="other-course"))
    hana = make_user("hana")
    make_competition(slug="hana-bugs", host=hana)
    root = make_user("root", is_staff=True, is_superuser=True)
    # A build olivia started in the admin (the zip is gone once a build ends).
    olivia_build = CompetitionBuild.objects.create(
        host=olivia, slug="olivia-term-two", title="Term two", organizer_run=True,
        upload_name="images.zip", status=CompetitionBuild.Status.FAILED)
    # olivia's *Run again* of her competition, refused by the worker.
    olivia_import = BundleImport.objects.create(
        kind=BundleImport.Kind.RERUN, requested_by=olivia, source=competition,
        slug="animals-next", start_at=competition.start_at, status=BundleImport.Status.FAILED,
        refusal={"code": "internal_error", "params": {}})
    carol, dave = make_user("carol"), make_user("dave")
    for inviter, invitee in ((alice_in, carol), (bob_in, dave)):
        teams.invitation_accept(invitation=teams.invitation_create(
            participation=inviter, username=invitee.username), user=invitee)
    invitation = teams.invitation_create(participation=alice_in, username="mallory")
    # A class roster's learner who has not used their one-time sign-in link yet.
    learner = make_user("learner-kenta")
    alice_notification = Notification.objects.create(
        recipient=alice, kind=Kind.BUILD_DONE, event_key="build:1:done",
        params={"title": ALICE_NOTIFICATION_MARKER}, link="/host/")
    users = {"anonymous": None, "outsider": mallory, "participant": alice, "other team": bob,
             "other host": hana, "organizer": olivia, "other organizer": oscar,
             "superuser": root, "team-mate": carol, "other member": dave}
    return {"competition": competition, "users": users, "alice_file": alice_file,
            "bob_file": bob_file, "alice_scored": alice_scored, "olivia_build": olivia_build,
            "olivia_import": olivia_import,
            "invitation": invitation, "alice_token": teams.invite_token(alice_in.team),
            "alice_notification": alice_notification, "roster_link": roster_link(learner),
            **discussion_world(competition, alice, bob, olivia)}


def discussion_world(competition, alice, bob, olivia) -> dict:
    """olivia's announcement; alice's question with bob's reply and a reply olivia hid;
    a thread olivia hid whole."""
    from discussion import services

    services.thread_create(competition=competition, author=olivia, title="Welcome",
                           body="Read the rules.", is_announcement=True)
    question = services.thread_create(competition=competition, author=alice,
                                      title="Same fonts?", body="Are they?")
    reply = services.reply_create(thread=question, author=bob, body="I think so.")
    services.post_hide(post=services.reply_create(thread=question, author=bob,
                                                  body=HIDDEN_POST_MARKER), hidden=True)
    hidden = services.thread_create(competition=competition, author=bob, title="Spam",
                                    body=HIDDEN_POST_MARKER)
    services.post_hide(post=hidden.posts.get(), hidden=True)
    return {"question": question, "question_post": question.posts.get(is_opening=True),
            "reply": reply, "hidden_thread": hidden}


def roster_link(user) -> str:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return reverse("roster_sign_in", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                           default_token_generator.make_token(user)])


def as_persona(client, world, persona):
    user = world["users"][persona]
    if user is not None:
        client.force_login(user)
    return user


def headers_for(user) -> dict:
    return ({} if user is None else
            {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"})


# (url maker, expected status per persona, in PERSONAS' order). 302: to the sign-in page
# (or, for a signed-in user who has not joined, to the overview).
EXPECTED = [
    ("overview", lambda w: reverse("competition_overview", args=["animals"]),
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("analytics page", lambda w: reverse("analytics", args=["animals"]),
     [302, 403, 403, 403, 403, 200, 403, 200, 403, 403]),
    ("analytics API", lambda w: "/api/v1/competitions/animals/analytics/",
     [401, 403, 403, 403, 403, 200, 403, 200, 403, 403]),
    ("private board API", lambda w: "/api/v1/competitions/animals/leaderboard/?board=private",
     [403, 403, 403, 403, 403, 200, 403, 200, 403, 403]),
    ("alice's file", lambda w: reverse("submission_file", args=[w["alice_file"].pk]),
     [302, 404, 200, 404, 404, 200, 404, 200, 200, 404]),
    ("alice's submission API", lambda w: f"/api/v1/submissions/{w['alice_file'].pk}/",
     [401, 404, 200, 404, 404, 200, 404, 200, 200, 404]),
    ("alice's insight page", lambda w: reverse("submission_insight",
                                               args=["animals", w["alice_scored"].pk]),
     [302, 302, 200, 404, 302, 302, 302, 302, 200, 404]),
    ("the hidden solution", lambda w: reverse(
        "staff_private_file", args=[w["competition"].solution_file.name]),
     [302, 404, 404, 404, 404, 200, 404, 200, 404, 404]),
    ("a data file", lambda w: reverse("data_file_download",
                                      args=["animals", "sample_submission.csv"]),
     [302, 302, 200, 200, 302, 200, 302, 200, 200, 200]),
    ("the competition in the admin", lambda w: reverse(
        "admin:competitions_competition_change", args=[w["competition"].pk]),
     [302, 302, 302, 302, 302, 200, 302, 200, 302, 302]),
    ("alice's submission in the admin", lambda w: reverse(
        "admin:competitions_submission_change", args=[w["alice_file"].pk]),
     [302, 302, 302, 302, 302, 200, 302, 200, 302, 302]),
    # Prometheus' bearer token only (METRICS_TOKEN): no session opens it.
    ("metrics", lambda w: reverse("metrics"),
     [401, 401, 401, 401, 401, 401, 401, 401, 401, 401]),
    # The admin's own pages: any staff user may build or import (they organize what
    # comes of it); a competition's bundle (its hidden solution inside), its publish page
    # and an admin build are for its organizers (404 for other staff).
    ("build from images in the admin", lambda w: reverse(
        "admin:competitions_competition_build"),
     [302, 302, 302, 302, 302, 200, 200, 200, 302, 302]),
    ("an admin build's progress", lambda w: reverse(
        "admin:competitions_competition_build_status", args=[w["olivia_build"].pk]),
     [302, 302, 302, 302, 302, 200, 404, 200, 302, 302]),
    ("import a bundle", lambda w: reverse("admin:competitions_competition_import"),
     [302, 302, 302, 302, 302, 200, 200, 200, 302, 302]),
    # A bundle import is followed by the one who started it (and superusers); running a
    # competition again copies its hidden solution: its organizers only.
    ("an admin bundle import's progress", lambda w: reverse(
        "admin:competitions_competition_import_status", args=[w["olivia_import"].pk]),
     [302, 302, 302, 302, 302, 200, 404, 200, 302, 302]),
    ("run the competition again", lambda w: reverse(
        "admin:competitions_competition_rerun", args=[w["competition"].pk]),
     [302, 302, 302, 302, 302, 200, 404, 200, 302, 302]),
    ("export the bundle", lambda w: reverse(
        "admin:competitions_competition_export", args=[w["competition"].pk]),
     [302, 302, 302, 302, 302, 200, 404, 200, 302, 302]),
    ("export the bundle with submissions", lambda w: reverse(
        "admin:competitions_competition_export", args=[w["competition"].pk])
        + "?submissions=1", [302, 302, 302, 302, 302, 200, 404, 200, 302, 302]),
    ("publish after the checklist", lambda w: reverse(
        "admin:competitions_competition_publish", args=[w["competition"].pk]),
     [302, 302, 302, 302, 302, 200, 404, 200, 302, 302]),
    # Accounts (accounts/, django-allauth): profiles are public; the rest is one's own.
    ("alice's profile", lambda w: reverse("profile", args=["alice"]),
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("an unknown profile", lambda w: reverse("profile", args=["nobody-at-all"]),
     [404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("the account page", lambda w: reverse("account"),
     [302, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("e-mail addresses", lambda w: reverse("account_email"),
     [302, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("change of password", lambda w: reverse("account_change_password"),
     [302, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("saving one's time zone (POST only)", lambda w: reverse("account_time_zone"),
     [302, 405, 405, 405, 405, 405, 405, 405, 405, 405]),
    ("deleting one's account", lambda w: reverse("account_delete"),
     [302, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("sign-in", lambda w: reverse("account_login"),
     [200, 302, 302, 302, 302, 302, 302, 302, 302, 302]),
    ("sign-up", lambda w: reverse("account_signup"),
     [200, 302, 302, 302, 302, 302, 302, 302, 302, 302]),
    ("password reset", lambda w: reverse("account_reset_password"),
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("a wrong reset link", lambda w: "/accounts/password/reset/key/1-set-password/",
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("a wrong verification link", lambda w: "/accounts/confirm-email/not-a-key/",
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),  # a page that says the link is invalid
    # A roster's one-time sign-in link only asks when opened (a POST signs in); a wrong or
    # used one says it no longer works.
    ("a roster sign-in link", lambda w: w["roster_link"],
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("a wrong roster sign-in link", lambda w: reverse("roster_sign_in", args=["MQ", "wrong"]),
     [404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    # Teams: the Team tab is for anyone signed in (an invitee who has not joined answers
    # there); a team's own data only for its members.
    ("the Team tab", lambda w: reverse("team", args=["animals"]),
     [302, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("alice's team's invite link", lambda w: reverse("team_join",
                                                     args=["animals", w["alice_token"]]),
     [302, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("a wrong invite link", lambda w: reverse("team_join", args=["animals", "wrong"]),
     [302, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("a team action (POST only)", lambda w: reverse("team_leave", args=["animals"]),
     [302, 405, 405, 405, 405, 405, 405, 405, 405, 405]),
    ("the team API", lambda w: "/api/v1/competitions/animals/team/",
     [401, 403, 200, 200, 403, 403, 403, 403, 200, 200]),
    ("the invitations API", lambda w: "/api/v1/competitions/animals/team/invitations/",
     [401, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("the merge requests API", lambda w: "/api/v1/competitions/animals/team/merges/",
     [401, 403, 200, 200, 403, 403, 403, 403, 200, 200]),
    ("another competition's team API", lambda w: "/api/v1/competitions/other-course/team/",
     [401, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
    # Notifications: each user's own, whoever they are; superusers see no one else's.
    ("notifications page", lambda w: reverse("notification_list"),
     [302, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("notification settings", lambda w: reverse("notification_settings"),
     [302, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("notifications API", lambda w: "/api/v1/notifications/",
     [401, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("a forged unsubscribe link", lambda w: reverse("notification_unsubscribe",
                                                    args=["e30:forged:sig"]),
     [404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    # Opening a real link only asks (mail scanners open links): anyone sees the question.
    ("alice's unsubscribe link", lambda w: reverse("notification_unsubscribe", args=[
        unsubscribe_token(w["alice_notification"].recipient, Kind.ANNOUNCEMENT)]),
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("webhooks in the admin", lambda w: reverse("admin:notifications_webhook_changelist"),
     [302, 302, 302, 302, 302, 200, 200, 200, 302, 302]),
    ("webhook deliveries in the admin", lambda w: reverse(
        "admin:notifications_webhookdelivery_changelist"),
     [302, 302, 302, 302, 302, 200, 200, 200, 302, 302]),
    # The discussion: read by whoever sees the competition, written by its people.
    ("discussion", lambda w: reverse("discussion", args=["animals"]),
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("a thread", lambda w: reverse("discussion_thread", args=["animals", w["question"].pk]),
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("a hidden thread", lambda w: reverse("discussion_thread",
                                          args=["animals", w["hidden_thread"].pk]),
     [404, 404, 404, 404, 404, 200, 404, 200, 404, 404]),
    ("new thread", lambda w: reverse("discussion_new", args=["animals"]),
     [302, 302, 200, 200, 302, 200, 302, 200, 200, 200]),
    ("editing alice's post", lambda w: reverse("discussion_post_edit",
                                               args=["animals", w["question_post"].pk]),
     [302, 403, 200, 403, 403, 403, 403, 403, 403, 403]),
    ("threads API", lambda w: "/api/v1/competitions/animals/threads/",
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("a thread API", lambda w: f"/api/v1/competitions/animals/threads/{w['question'].pk}/",
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("a thread's posts API",
     lambda w: f"/api/v1/competitions/animals/threads/{w['question'].pk}/posts/",
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("a hidden thread API",
     lambda w: f"/api/v1/competitions/animals/threads/{w['hidden_thread'].pk}/posts/",
     [404, 404, 404, 404, 404, 200, 404, 200, 404, 404]),
    ("a post API", lambda w: f"/api/v1/competitions/animals/posts/{w['reply'].pk}/",
     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
]

# Posted: marking alice's notification read, on the site and through the API.
POSTED = [
    ("mark alice's notification read", lambda w: reverse(
        "notification_read", args=[w["alice_notification"].pk]),
     [302, 404, 302, 404, 404, 404, 404, 404, 404, 404]),
    ("mark alice's notification read (API)", lambda w: (
        f"/api/v1/notifications/{w['alice_notification'].pk}/read/"),
     [401, 404, 200, 404, 404, 404, 404, 404, 404, 404]),
]

# The discussion's writes, in this order, each persona in a fresh world: (name, method,
# url maker, body, expected status per persona). The pages answer 302 when done (or to
# the sign-in page), the API 200/201/204.
WRITES = [
    ("reply API", "post", lambda w: f"/api/v1/competitions/animals/threads/"
                                    f"{w['question'].pk}/posts/", {"body": "Me too"},
     [401, 403, 201, 201, 403, 201, 403, 201, 201, 201]),
    ("announce API", "post", lambda w: "/api/v1/competitions/animals/threads/",
     {"title": "News", "body": "x", "is_announcement": True},
     [401, 403, 403, 403, 403, 201, 403, 201, 403, 403]),
    ("edit alice's post API", "patch",
     lambda w: f"/api/v1/competitions/animals/posts/{w['question_post'].pk}/", {"body": "?"},
     [401, 403, 200, 403, 403, 403, 403, 403, 403, 403]),
    ("delete alice's post API", "delete",
     lambda w: f"/api/v1/competitions/animals/posts/{w['question_post'].pk}/", None,
     [401, 403, 204, 403, 403, 403, 403, 403, 403, 403]),
    ("mark bob's reply as the answer API", "post",
     lambda w: f"/api/v1/competitions/animals/posts/{w['reply'].pk}/answer/", {},
     [401, 403, 200, 403, 403, 200, 403, 200, 403, 403]),
    ("mark the answer page", "post",
     lambda w: reverse("discussion_post_answer", args=["animals", w["reply"].pk]), {},
     [302, 403, 302, 403, 403, 302, 403, 302, 403, 403]),
    ("edit alice's post page", "post",
     lambda w: reverse("discussion_post_edit", args=["animals", w["question_post"].pk]),
     {"body": "again"}, [302, 403, 403, 403, 403, 403, 403, 403, 403, 403]),  # deleted above
    ("hide bob's reply", "post",
     lambda w: reverse("discussion_post_hide", args=["animals", w["reply"].pk]), {},
     [302, 403, 403, 403, 403, 302, 403, 302, 403, 403]),
    ("delete bob's reply", "post",
     lambda w: reverse("discussion_post_delete", args=["animals", w["reply"].pk]), {},
     [302, 403, 403, 302, 403, 403, 403, 403, 403, 403]),  # bob only, not his team-mate
    ("lock the thread", "post",
     lambda w: reverse("discussion_lock", args=["animals", w["question"].pk]), {},
     [302, 403, 403, 403, 403, 302, 403, 302, 403, 403]),
    ("reply to a hidden thread", "post",
     lambda w: reverse("discussion_thread", args=["animals", w["hidden_thread"].pk]),
     {"body": "x"}, [404, 404, 404, 404, 404, 302, 404, 302, 404, 404]),
]

# (what, URL maker, status per persona) of changes, each from a fresh world.
EXPECTED_POSTS = [
    ("accept mallory's invitation", lambda w: (
        f"/api/v1/competitions/animals/team/invitations/{w['invitation'].pk}/accept/"),
     [401, 200, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("decline (or withdraw) mallory's invitation", lambda w: (
        f"/api/v1/competitions/animals/team/invitations/{w['invitation'].pk}/decline/"),
     [401, 200, 200, 404, 404, 404, 404, 404, 200, 404]),
    ("leave one's team", lambda w: "/api/v1/competitions/animals/team/leave/",
     [401, 403, 409, 409, 403, 403, 403, 403, 200, 200]),
    # Whoever holds the link is the learner it was made for: it signs them in, once.
    ("sign in with a roster link", lambda w: w["roster_link"],
     [302, 302, 302, 302, 302, 302, 302, 302, 302, 302]),
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_answer_from_each_guarded_url(client, world, persona):
    user = as_persona(client, world, persona)
    index = PERSONAS.index(persona)
    answers = {name: client.get(make(world), **headers_for(user)).status_code
               for name, make, _ in EXPECTED}
    assert answers == {name: statuses[index] for name, _, statuses in EXPECTED}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("what", [name for name, _, _ in EXPECTED_POSTS])
def test_each_persona_gets_the_expected_answer_from_each_team_change(client, world, persona,
                                                                    what):
    user = as_persona(client, world, persona)
    make, statuses = next((make, statuses) for name, make, statuses in EXPECTED_POSTS
                          if name == what)
    assert client.post(make(world), **headers_for(user)).status_code == statuses[
        PERSONAS.index(persona)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_its_recipient_marks_a_notification_read(client, world, persona):
    user = as_persona(client, world, persona)
    index = PERSONAS.index(persona)
    answers = {name: client.post(make(world), **headers_for(user)).status_code
               for name, make, _ in POSTED}
    assert answers == {name: statuses[index] for name, _, statuses in POSTED}
    world["alice_notification"].refresh_from_db()
    assert (world["alice_notification"].read_at is not None) == (persona == "participant")


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_may_write_to_the_discussion_as_expected(client, world, persona):
    user = as_persona(client, world, persona)
    index = PERSONAS.index(persona)
    answers = {}
    for name, method, make, body, _ in WRITES:
        url = make(world)
        call = getattr(client, method)
        response = (call(url, **headers_for(user)) if body is None else
                    call(url, body, content_type="application/json", **headers_for(user))
                    if url.startswith("/api/") else call(url, body))
        answers[name] = response.status_code
    assert answers == {name: statuses[index] for name, *_, statuses in WRITES}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ORGANIZERS])
def test_no_url_shows_a_persona_hidden_labels_private_scores_or_another_users_file(
        client, world, persona):
    user = as_persona(client, world, persona)
    competition = world["competition"]
    solution_path = competition.solution_file.name
    files = [world["alice_file"].file.name, world["bob_file"].file.name]
    ids = [str(world["alice_file"].pk), str(world["bob_file"].pk),
           str(world["alice_scored"].pk)]
    notification_id = str(world["alice_notification"].pk)
    discussion_ids = [str(world[name].pk) for name in ("question", "question_post", "reply",
                                                       "hidden_thread")]
    values = {"slug": [competition.slug, "other-course", "hana-bugs"],
              "token": [world["alice_token"], "wrong"],
              "name": ["sample_submission.csv", "solution.csv", solution_path, *files],
              "path": [solution_path, *files], "pk": [*ids, *discussion_ids, notification_id],
              "object_id": [*ids, notification_id], "image_id": ["img_10.png"],
              "username": ["alice", "bob", "hana", "olivia-teacher"], "*": ids[:1]}
    urls = every_url(values) + [
        "/api/v1/competitions/animals/leaderboard/?board=private&top=1000",
        "/c/animals/submissions/?fragment=1", f"/media/{solution_path}"]
    assert len(urls) > 80
    values_only = [SECRET_MARKER, ",".join(TRUE_LABELS[:3]), f"{PRIVATE_MARKER:.5f}",
                   f"{PRIVATE_MARKER:.4f}", HIDDEN_POST_MARKER]
    values_only += [marker for owners, marker in ((ALICE_TEAM, ALICE_FILE_MARKER),
                                                  ({"participant"}, ALICE_NOTIFICATION_MARKER),
                                                  (BOB_TEAM, BOB_FILE_MARKER))
                    if persona not in owners]
    # The API's schema names the fields it describes (private_score, ...): values only there.
    forbidden = [*values_only, "private_score", 'data-testid="private-leaderboard"']
    schema = reverse("api:schema")
    for url in urls:
        markers = values_only if url.startswith(schema) else forbidden
        for response in (client.get(url), client.get(url, **headers_for(user)),
                         client.post(url)):
            text = response_text(response)
            leaked = [marker for marker in markers if marker in text]
            assert not leaked, (url, leaked)


def test_an_organizer_of_another_competition_sees_none_of_its_rows_in_the_admin(
        client, world):
    client.force_login(world["users"]["other organizer"])
    for model in ("competition", "submission", "team", "participation", "rescorerun",
                  "teaminvitation", "mergerequest"):
        page = client.get(reverse(f"admin:competitions_{model}_changelist"))
        assert page.status_code == 200, model
        text = page.content.decode()
        assert 'field-slug">animals<' not in text, model
        assert "a.csv" not in text and "alice" not in text, model
    assert 'field-slug">other-course<' in client.get(
        reverse("admin:competitions_competition_changelist")).content.decode()


def test_the_organizer_manages_their_competition_in_the_admin(client, world):
    client.force_login(world["users"]["organizer"])
    page = client.get(reverse("admin:competitions_submission_changelist")).content.decode()
    assert "a.csv" in page and "b.csv" in page
    listed = client.get(reverse("admin:competitions_competition_changelist")).content.decode()
    assert 'field-slug">animals<' in listed and 'field-slug">other-course<' not in listed


def test_a_new_competition_made_in_the_admin_is_organized_by_its_maker(client, world):
    from competitions.models import Competition

    teacher = world["users"]["other organizer"]
    client.force_login(teacher)
    response = client.post(reverse("admin:competitions_competition_add"), {
        "slug": "term-two", "title": "Term two", "short_description": "x",
        "labels": "cat\ndog", "submission_kind": "label", "submission_header": "required",
        "submission_labels_as": "name", "metric": "accuracy", "top_k": 3,
        "start_at_0": "2026-01-01", "start_at_1": "00:00:00",
        "daily_submission_limit": 5, "max_upload_bytes": 1000000,
        "final_submission_limit": 2, "private_leaderboard": "auto",
        "feedback_while_open": "auto", "visibility": "public",
        "data_files-TOTAL_FORMS": 0, "data_files-INITIAL_FORMS": 0})
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Competition.objects.get(slug="term-two")
    assert policy.organizes(teacher, made)
    assert not policy.organizes(world["users"]["organizer"], made)


def test_an_organizer_who_submits_to_their_own_competition_is_a_host_preview(
        client, world):
    from competitions.selectors import leaderboard

    competition = world["competition"]
    olivia = world["users"]["organizer"]
    participation = join_competition(competition=competition, user=olivia)
    assert participation.team.is_host_preview
    scored(participation, 1.0, 1.0)
    public = leaderboard(competition, "public")
    preview = [row for row in public.rows if row.team_name == olivia.username]
    assert preview and preview[0].rank is None and preview[0].is_host_preview
    assert [row.rank for row in public.rows if row.rank] == [1, 2]
    assert public.ranked_count == 2
    private = leaderboard(competition, "private")
    assert olivia.username not in [row.team_name for row in private.rows]
    assert not Submission.objects.rankable().filter(team=participation.team).exists()


def test_a_host_who_joins_their_own_community_competition_is_never_ranked(
        make_competition, make_user, alice):
    from competitions.selectors import leaderboard

    hana = make_user("hana-host")
    hosted = make_competition(slug="dangomushi", host=hana)
    scored(join_competition(competition=hosted, user=hana), 1.0, 1.0)
    scored(join_competition(competition=hosted, user=alice), 0.5, 0.5)
    rows = leaderboard(hosted, "public").rows
    assert [(row.team_name, row.rank) for row in rows] == [("hana-host", None), ("alice", 1)]


def test_becoming_an_organizer_turns_an_existing_team_into_a_host_preview(
        world, django_capture_on_commit_callbacks):
    from competitions.selectors import leaderboard

    competition = world["competition"]
    bob = world["users"]["other team"]
    with django_capture_on_commit_callbacks(execute=True):
        competition.organizers.add(bob)
    rows = leaderboard(competition, "public").rows
    assert [(row.team_name, row.rank) for row in rows if row.team_name == "bob"] == [
        ("bob", None)]
    with django_capture_on_commit_callbacks(execute=True):
        competition.organizers.remove(bob)
    rows = leaderboard(competition, "public").rows
    assert [row.rank for row in rows if row.team_name == "bob"] == [1]


def test_an_organizer_cannot_join_themselves_to_another_competitions_team_in_the_admin(
        client, world):
    from competitions.models import Participation

    oscar = world["users"]["other organizer"]
    other_course = policy.organized_competitions(oscar).get()
    alice_team = world["alice_file"].team
    client.force_login(oscar)
    response = client.post(reverse("admin:competitions_participation_add"), {
        "user": oscar.pk, "competition": other_course.pk, "team": alice_team.pk,
        "accepted_rules_at_0": "2026-11-29", "accepted_rules_at_1": "10:00:00"})
    assert response.status_code == 200  # the form again, with the error
    assert not Participation.objects.filter(user=oscar).exists()
    assert client.get(reverse("submission_file", args=[world["alice_file"].pk])
                      ).status_code == 404


def test_a_superuser_who_joins_is_a_host_preview(world):
    root = world["users"]["superuser"]
    participation = join_competition(competition=world["competition"], user=root)
    assert participation.team.is_host_preview


def test_view_on_site_tells_no_organizer_the_address_of_another_competition(client, world):
    from django.contrib.contenttypes.models import ContentType

    from competitions.models import Competition

    hidden = Competition.objects.get(slug="animals")
    hidden.is_published = False
    hidden.save(update_fields=["is_published"])
    content_type = ContentType.objects.get_for_model(Competition)
    url = f"/admin/r/{content_type.pk}/{hidden.pk}/"
    client.force_login(world["users"]["other organizer"])
    assert client.get(url).status_code == 404
    client.force_login(world["users"]["organizer"])
    assert client.get(url)["Location"].endswith("/c/animals/")


def test_a_refused_page_says_why_in_the_readers_language(client, world):
    client.force_login(world["users"]["participant"])
    page = client.get(reverse("analytics", args=["animals"]), HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 403
    assert "これはこのコンペの運営者だけが見られます。" in page.content.decode()
