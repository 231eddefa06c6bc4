"""Sign-up with a verified e-mail address, sign-in by username or address, password reset
by e-mail, and accounts from before e-mail (allauth, fitted by accounts/)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.profiles import language_of

PASSWORD = "a-long-pass-phrase-9"
pytestmark = pytest.mark.django_db


def sign_up(client, username="learner", email="learner@example.com", language="en"):
    return client.post(reverse("account_signup"), {
        "username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE=language)


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_a_sign_up_needs_an_email_address(client):
    answer = client.post(reverse("account_signup"), {
        "username": "learner", "password1": PASSWORD, "password2": PASSWORD})
    assert answer.status_code == 200 and answer.context["form"].errors["email"]
    assert not get_user_model().objects.filter(username="learner").exists()


def test_a_new_account_signs_in_only_after_opening_the_link_sent_to_its_address(client):
    answer = sign_up(client)
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "account_email_verification_sent")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["learner@example.com"]
    assert "_auth_user_id" not in client.session
    # Before the link is opened, the password alone does not sign in.
    held = client.post(reverse("account_login"), {"login": "learner", "password": PASSWORD})
    assert held["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = link_in(mail.outbox[0])
    assert client.get(link).status_code == 200  # the page with the confirm button
    client.post(link)
    assert EmailAddress.objects.get(email="learner@example.com").verified
    signed_in = client.post(reverse("account_login"), {"login": "learner",
                                                       "password": PASSWORD})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session


def test_signing_in_by_email_address_works_once_verified(client):
    sign_up(client)
    client.post(link_in(mail.outbox[0]))
    answer = client.post(reverse("account_login"), {"login": "LEARNER@example.com",
                                                    "password": PASSWORD})
    assert answer.status_code == 302 and "_auth_user_id" in client.session


def test_an_account_from_before_email_signs_in_and_is_asked_to_add_an_address(client, alice):
    answer = client.post(reverse("account_login"), {"login": "alice",
                                                    "password": "alice-password-1"},
                         follow=True)
    assert answer.wsgi_request.user == alice
    assert "Add an e-mail address on your account page" in answer.content.decode()
    page = client.get(reverse("account")).content.decode()
    assert 'data-testid="add-email"' in page


def test_an_old_account_that_added_an_address_is_not_locked_out_before_verifying(
        client, alice):
    EmailAddress.objects.create(user=alice, email="alice@example.com", primary=True,
                                verified=False)
    alice.last_login = alice.date_joined
    alice.save()
    client.post(reverse("account_login"), {"login": "alice", "password": "alice-password-1"})
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_wrong_passwords_by_email_address_lock_the_same_account_as_by_username(
        client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 4
    EmailAddress.objects.create(user=alice, email="alice@example.com", primary=True,
                                verified=True)
    statuses = [client.post(reverse("account_login"), {
        "login": login, "password": "wrong"}).status_code
        for login in ["alice", "alice@example.com", "alice", "ALICE@example.com"]]
    assert statuses == [200, 200, 200, 429]
    locked = client.post(reverse("account_login"), {"login": "alice",
                                                    "password": "alice-password-1"})
    assert locked.status_code == 429


def test_a_forgotten_password_is_reset_through_the_emailed_link(client):
    sign_up(client)
    client.post(link_in(mail.outbox[0]))
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": "learner@example.com"})
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "another-long-phrase-7"
    done = client.post(form_page.wsgi_request.path, {"password1": new, "password2": new})
    assert done.status_code == 302
    assert client.post(reverse("account_login"), {
        "login": "learner", "password": new}).status_code == 302
    assert get_user_model().objects.get(username="learner").check_password(new)


def test_a_reset_answers_the_same_for_an_unknown_address_as_for_a_known_one(client, alice):
    alice.email = "alice@example.com"
    alice.save()
    EmailAddress.objects.create(user=alice, email="alice@example.com", verified=True)
    known = client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_password_resets_are_rate_limited_by_allauth(client, settings):
    statuses = [client.post(reverse("account_reset_password"),
                            {"email": "someone@example.com"}).status_code for _ in range(7)]
    assert 429 in statuses


def test_the_sign_up_language_is_remembered_for_emails(client):
    sign_up(client, language="ja")
    user = get_user_model().objects.get(username="learner")
    assert language_of(user) == "ja"
    assert "メール" in mail.outbox[0].subject + mail.outbox[0].body


def test_switching_the_language_is_remembered_for_a_signed_in_reader(client, alice):
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    assert language_of(get_user_model().objects.get(pk=alice.pk)) == "ja"


def test_the_email_address_is_changed_once_the_new_one_is_verified(client):
    sign_up(client)
    client.post(link_in(mail.outbox[0]))
    client.post(reverse("account_login"), {"login": "learner", "password": PASSWORD})
    mail.outbox.clear()
    client.post(reverse("account_email"), {"action_add": "", "email": "new@example.com"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.com"]
    client.post(link_in(mail.outbox[0]))
    assert list(EmailAddress.objects.filter(user__username="learner").values_list(
        "email", flat=True)) == ["new@example.com"]


def test_the_password_is_changed_with_the_old_one(client, alice):
    client.force_login(alice)
    new = "another-long-phrase-7"
    answer = client.post(reverse("account_change_password"), {
        "oldpassword": "alice-password-1", "password1": new, "password2": new})
    assert answer.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)


def test_a_sign_up_with_an_address_already_taken_answers_as_for_a_new_one_and_mails_it(
        client, alice):
    EmailAddress.objects.create(user=alice, email="alice@example.com", primary=True,
                                verified=True)
    answer = sign_up(client, username="someone", email="alice@example.com")
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "account_email_verification_sent")
    assert not get_user_model().objects.filter(username="someone").exists()
    assert "_auth_user_id" not in client.session
    assert [message.to for message in mail.outbox] == [["alice@example.com"]]


def test_account_emails_greet_from_kompe_and_link_to_the_host_asked(client):
    sign_up(client, language="ja")
    body = mail.outbox[0].body
    assert "Kompe" in body.splitlines()[0]
    assert "testserver" not in body.splitlines()[0]
    assert "://testserver/accounts/confirm-email/" in body


def test_setting_or_changing_a_password_lands_on_the_account_page(client, alice):
    alice.set_unusable_password()  # as a roster's sign-in link leaves a learner
    alice.save()
    client.force_login(alice)
    answer = client.post(reverse("account_set_password"),
                         {"password1": PASSWORD, "password2": PASSWORD})
    assert answer.status_code == 302 and answer["Location"] == reverse("account")
    changed = client.post(reverse("account_change_password"), {
        "oldpassword": PASSWORD, "password1": "yet-another-phrase-3",
        "password2": "yet-another-phrase-3"})
    assert changed.status_code == 302 and changed["Location"] == reverse("account")
