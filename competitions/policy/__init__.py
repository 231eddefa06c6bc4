"""The policy layer: every "may this user do this to that" of Kompe, in one package.

Pages, the API, templates (through the `kompe` template tags), exports, the admin and
e-mails ask these functions; none of them decides access on its own. A refusal is a
domain exception (policy.errors), mapped to HTTP in one place (policy.http).
"""

from .boards import private_board_required, private_board_visible
from .competitions import (
    build_for,
    competition_for,
    data_files_required,
    hosted_competition_for,
    invited_competition,
    listed_competitions,
    participation_for,
    participation_required,
    visible_competitions,
)
from .discussion import (
    announcing_required,
    answer_choosing_required,
    deleting_required,
    editing_required,
    may_announce,
    may_choose_answer,
    may_post,
    moderation_required,
    post_for,
    posting_required,
    replying_required,
    shown_body,
    thread_for,
    visible_threads,
)
from .errors import (
    FeedbackWithheld,
    Hidden,
    Locked,
    NotAuthor,
    NotJoined,
    NotRevealed,
    OrganizersOnly,
    Refusal,
    SignInRequired,
)
from .files import private_file_required
from .insight import InsightAccess, insight_access, test_images_required
from .notifications import (
    may_be_told,
    may_be_told_private_results,
    notification_for,
    notifications_of,
)
from .people import (
    admin_users,
    first_organizer,
    forget_runners,
    hosts,
    is_superuser,
    make_organizer,
    make_superuser,
    may_use_admin,
    organized_competitions,
    organizer_required,
    organizes,
    runners,
    runs,
)
from .submissions import (
    submission_for,
    team_submission_for,
    team_submissions_of,
    visible_submissions,
)

__all__ = [
    "FeedbackWithheld", "Locked", "NotAuthor", "announcing_required",
    "answer_choosing_required", "deleting_required", "editing_required", "may_announce",
    "may_choose_answer", "may_post", "moderation_required", "post_for", "posting_required",
    "replying_required", "shown_body", "thread_for", "visible_threads",
    "Hidden", "InsightAccess", "NotJoined", "NotRevealed", "OrganizersOnly", "Refusal",
    "SignInRequired", "admin_users", "build_for", "competition_for",
    "data_files_required", "first_organizer", "forget_runners", "hosts",
    "hosted_competition_for", "insight_access", "invited_competition", "is_superuser",
    "listed_competitions", "make_organizer", "make_superuser", "may_be_told",
    "may_be_told_private_results", "may_use_admin", "notification_for", "notifications_of",
    "organized_competitions",
    "organizer_required", "organizes", "participation_for", "participation_required",
    "private_board_required", "private_board_visible", "private_file_required", "runners", "runs",
    "submission_for", "team_submission_for", "team_submissions_of", "test_images_required",
    "visible_competitions", "visible_submissions",
]
