"""From what happened to who is told what. Each function takes the event's objects,
decides the recipients and their parameters, and calls services.notify with a key that
names the event, so that telling it twice is harmless.

What may go into parameters: public scores and ranks; private ranks only once the private
leaderboard is revealed (policy.may_be_told_private_results); never a label.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from accounts.names import display_name, team_name
from competitions import policy, selectors
from competitions.models import Board, Competition, CompetitionBuild, RescoreRun, Submission

from .kinds import Kind
from .services import Tell, notify


def _members(team_id: int) -> list:
    from competitions.models import Participation

    return [participation.user for participation in
            Participation.objects.filter(team_id=team_id).select_related("user")]


def submission_finished(submission: Submission, *, rescore: bool) -> None:
    """Told only when the result came late: the upload waited in the queue, or a worker
    retried it, for longer than NOTIFICATION_SLOW_SCORING_SECONDS. A learner uploading in
    the browser sees the score appear within seconds and gets no notification; a rescore
    is told once per run (rescore_finished), not once per file."""
    if rescore or submission.finished_at is None:
        return
    waited = submission.finished_at - submission.created_at
    if waited < timedelta(seconds=settings.NOTIFICATION_SLOW_SCORING_SECONDS):
        return
    scored = submission.status == Submission.Status.SCORED
    notify(kind=Kind.SUBMISSION_SCORED if scored else Kind.SUBMISSION_FAILED,
           event_key=f"submission:{submission.pk}", competition=submission.competition,
           link=reverse("submission_list", args=[submission.competition.slug]),
           tells=[Tell(submission.submitted_by, {
               "file": submission.original_name,
               "public_score": submission.public_score if scored else None})])


def rescore_finished(run: RescoreRun) -> None:
    """Each member of a team whose public score or rank changed."""
    before, after = run.ranks_before or {}, run.ranks_after or {}
    competition = run.competition
    for team_id in set(before) | set(after):
        old = before.get(team_id, {}).get(Board.PUBLIC) or {}
        new = after.get(team_id, {}).get(Board.PUBLIC) or {}
        if old == new:
            continue
        params = {"old_score": old.get("score"), "new_score": new.get("score"),
                  "old_rank": old.get("rank"), "new_rank": new.get("rank")}
        notify(kind=Kind.RESCORED, event_key=f"rescore:{run.pk}", competition=competition,
               link=reverse("leaderboard", args=[competition.slug]),
               tells=[Tell(user, params) for user in _members(int(team_id))])


def private_board_revealed(competition: Competition) -> int:
    """Every participant of a ranked team, with their private rank and its change from the
    public board; nothing unless the board is revealed now. Returns how many were told
    (or would have been: a second run finds them told and adds nothing)."""
    if not competition.private_board_revealed():
        return 0
    board = selectors.leaderboard(competition, Board.PRIVATE, top=None)
    rows = {row.team_id: row for row in board.rows if row.rank is not None}
    tells = []
    participations = (competition.participations.select_related("user", "team")
                      .filter(team__is_baseline=False, team__is_host_preview=False))
    for participation in participations:
        row = rows.get(participation.team_id)
        params = {"rank": None}
        if row is not None and policy.may_be_told_private_results(participation.user,
                                                                  competition):
            params = {"rank": row.rank, "count": board.ranked_count, "change": row.shake_up}
        tells.append(Tell(participation.user, params))
    notify(kind=Kind.PRIVATE_REVEALED, event_key=f"reveal:{competition.pk}",
           competition=competition,
           link=reverse("private_leaderboard", args=[competition.slug]), tells=tells)
    return len(tells)


def build_finished(build: CompetitionBuild) -> None:
    done = build.status == CompetitionBuild.Status.DONE
    notify(kind=Kind.BUILD_DONE if done else Kind.BUILD_FAILED,
           event_key=f"build:{build.pk}:{build.status}",
           link=reverse("build_status", args=[build.pk]),
           tells=[Tell(build.host, {"title": build.title})])


# --- Events of other apps (discussion, teams): plugged in by receivers.py ----------------

def thread_posted(thread) -> None:
    """An organizer's announcement: everyone who joined the competition."""
    if not getattr(thread, "is_announcement", False):
        return
    competition = thread.competition
    users = [p.user for p in competition.participations.select_related("user")
             if p.user_id != _author_id(thread)]
    notify(kind=Kind.ANNOUNCEMENT, event_key=f"announcement:{thread.pk}",
           competition=competition, link=_thread_url(thread),
           tells=[Tell(user, {"thread": _title(thread)}) for user in users])


def reply_posted(post) -> None:
    """The thread's author, unless they wrote the reply."""
    thread = post.thread
    author_id = _author_id(thread)
    if author_id is None or author_id == _author_id(post):
        return
    notify(kind=Kind.REPLY, event_key=f"reply:{post.pk}", competition=thread.competition,
           link=_thread_url(thread),
           tells=[Tell(thread.author, {"thread": _title(thread),
                                       "author": _name(post)})])


def thread_hidden(thread) -> None:
    """A hidden thread exists for the organizers only: its announcement and the replies
    told of it leave the bells, and their e-mails still waiting are not sent."""
    from .models import Notification

    keys = [f"announcement:{thread.pk}"] + [
        f"reply:{pk}" for pk in thread.posts.values_list("pk", flat=True)]
    Notification.objects.filter(event_key__in=keys, kind__in=[Kind.ANNOUNCEMENT, Kind.REPLY]
                                ).delete()


def team_invitation_created(invitation) -> None:
    # People and teams named as on pages (display names), never by a username they hid.
    invitee, team, inviter = invitation.invitee, invitation.team, invitation.invited_by
    notify(kind=Kind.TEAM_INVITATION, event_key=f"team-invitation:{invitation.pk}",
           competition=team.competition,
           link=_url("team", team.competition.slug),
           tells=[Tell(invitee, {"team": team_name(team),
                                 "inviter": display_name(inviter)})])


def team_invitation_answered(invitation) -> None:
    """The invitee answered (on the Team page, in the API or the CLI): the bell stops
    counting the invitation they already dealt with."""
    from .models import Notification

    Notification.objects.filter(recipient_id=invitation.invitee_id, kind=Kind.TEAM_INVITATION,
                                event_key=f"team-invitation:{invitation.pk}").mark_read()


def _author_id(thing):
    return getattr(thing, "author_id", None)


def _name(thing) -> str:
    """The author as pages name them: their display name, else their username."""
    return display_name(getattr(thing, "author", None))


def _title(thread) -> str:
    return str(getattr(thread, "title", ""))[:200]


def _thread_url(thread) -> str:
    return _url("discussion_thread", thread.competition.slug, thread.pk)


def _url(name: str, *args) -> str:
    """The page's path, or none while the app that has it is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
