"""An organizer announces; a learner asks; the organizer answers; the learner marks the
answer. In a real Chromium, under the site's Content-Security-Policy."""

import pytest

from competitions import policy
from competitions.services import join_competition
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def open_discussion(page) -> None:
    page.goto("/c/animals/")
    page.get_by_test_id("discussion-tab").click()
    page.wait_for_url("**/c/animals/discussion/")


def test_an_announcement_a_question_and_its_marked_answer(browser, live_server, competition,
                                                         make_user, alice):
    teacher = make_user("teacher", is_staff=True)
    policy.make_organizer(teacher, competition)
    join_competition(competition=competition, user=alice)
    errors = []
    organizer = browser.new_context(base_url=live_server.url, locale="en-US")
    learner = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        teacher_page, alice_page = organizer.new_page(), learner.new_page()
        for page in (teacher_page, alice_page):
            page.set_default_timeout(15_000)
            page.on("console", lambda message: errors.append(message.text)
                    if "Content Security Policy" in message.text else None)
            page.on("pageerror", lambda error: errors.append(str(error)))

        # The organizer posts a pinned announcement.
        log_in(teacher_page, "teacher")
        open_discussion(teacher_page)
        teacher_page.get_by_test_id("new-thread").click()
        teacher_page.fill("#id_title", "ラベルを2件修正しました")
        teacher_page.fill("#id_body", "Everything was **rescored**.")
        teacher_page.check("#id_is_announcement")
        teacher_page.get_by_test_id("post-thread").click()
        assert "rescored" in teacher_page.get_by_test_id("post").first.inner_text()

        # The learner asks a question; the announcement stays on top.
        log_in(alice_page, "alice")
        open_discussion(alice_page)
        alice_page.get_by_test_id("new-thread").click()
        alice_page.fill("#id_title", "Same fonts in the test set?")
        alice_page.fill("#id_body", "Is the test set drawn from the same fonts?")
        assert alice_page.locator("#id_is_announcement").count() == 0  # organizers only
        alice_page.get_by_test_id("post-thread").click()
        question_url = alice_page.url
        open_discussion(alice_page)
        rows = alice_page.get_by_test_id("thread-row")
        assert "Announcement" in rows.nth(0).inner_text()
        assert "ラベルを2件修正しました" in rows.nth(0).inner_text()
        assert "Same fonts in the test set?" in rows.nth(1).inner_text()

        # The organizer replies.
        open_discussion(teacher_page)
        teacher_page.get_by_text("Same fonts in the test set?").click()
        teacher_page.fill("#id_body", "Yes: the same fonts, other writers.")
        teacher_page.get_by_test_id("post-reply").click()
        teacher_page.get_by_test_id("post").nth(1).wait_for()
        assert "#post-" in teacher_page.url

        # The learner's bell counts the announcement and the reply, and falls as she reads.
        alice_page.reload()
        assert alice_page.get_by_test_id("bell-count").inner_text() == "2"
        alice_page.get_by_test_id("bell").click()
        alice_page.wait_for_url("**/notifications/")
        told = alice_page.get_by_test_id("notification")
        assert "teacher replied in your thread" in told.nth(0).inner_text()
        told.nth(0).get_by_role("button").first.click()
        alice_page.wait_for_url("**/c/animals/discussion/*/")
        assert alice_page.get_by_test_id("bell-count").inner_text() == "1"
        alice_page.goto("/notifications/")
        alice_page.get_by_test_id("mark-all-read").click()
        alice_page.wait_for_url("**/notifications/")
        assert alice_page.get_by_test_id("bell-count").inner_text() == "0"

        # The learner marks the organizer's reply as the answer.
        alice_page.goto(question_url)
        reply = alice_page.get_by_test_id("post").nth(1)
        assert "the same fonts" in reply.inner_text()
        reply.get_by_test_id("mark-answer").click()
        alice_page.wait_for_load_state()
        answered = alice_page.get_by_test_id("post").nth(1)
        assert answered.get_by_test_id("answer-badge").is_visible()
        screenshot(alice_page, "discussion-answered")
        open_discussion(alice_page)
        assert "Answered" in alice_page.get_by_test_id("thread-row").nth(1).inner_text()
    finally:
        organizer.close()
        learner.close()
    assert errors == []  # nothing refused by the Content-Security-Policy, no script error
