"""The policy layer: every "may this user do this to that" of Kompe, in one package.

Pages, the API, templates (through the `kompe` template tags), exports, the admin and
e-mails ask these functions; none of them decides access on its own. A refusal is a
domain exception (policy.errors), mapped to HTTP in one place (policy.http).
"""

from .boards import private_board_required, private_board_visible
from .competitions import (
    admin_build_for,
    admin_builds,
    admin_bundle_import_for,
    admin_bundle_imports,
    admin_competition_for,
    build_for,
    competition_for,
    data_files_required,
    hosted_competition_for,
    invited_competition,
    listed_competitions,
    participation_for,
    participation_required,
    rerun_source_for,
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
from .operations import may_read_metrics
from .people import (
    admin_users,
    bundle_export_required,
    first_organizer,
    forget_runners,
    hosts,
    is_superuser,
    make_organizer,
    make_superuser,
    may_import_bundle,
    may_use_admin,
    named_runner,
    organized_competitions,
    organizer_required,
    organizes,
    runners,
    runs,
)
from .rosters import roster_competition_for, roster_link_competition
from .submissions import (
    submission_for,
    team_submission_for,
    team_submissions_of,
    visible_submissions,
)
from .teams import invitation_for, merge_request_for

__all__ = [
    "FeedbackWithheld", "Hidden", "InsightAccess", "Locked", "NotAuthor", "NotJoined",
    "NotRevealed", "OrganizersOnly", "Refusal", "SignInRequired", "admin_build_for",
    "admin_bundle_import_for", "admin_bundle_imports",
    "admin_builds", "admin_competition_for", "admin_users", "announcing_required",
    "answer_choosing_required", "build_for", "bundle_export_required", "competition_for",
    "data_files_required", "deleting_required", "editing_required", "first_organizer",
    "forget_runners", "hosted_competition_for", "hosts", "insight_access", "invitation_for",
    "invited_competition", "is_superuser", "listed_competitions", "make_organizer",
    "make_superuser", "may_announce", "may_be_told", "may_be_told_private_results",
    "may_choose_answer", "may_import_bundle", "may_post", "may_read_metrics",
    "may_use_admin", "merge_request_for", "moderation_required", "named_runner",
    "notification_for",
    "notifications_of", "organized_competitions", "organizer_required", "organizes",
    "participation_for", "participation_required", "post_for", "posting_required",
    "private_board_required", "private_board_visible", "private_file_required",
    "replying_required", "rerun_source_for", "roster_competition_for",
    "roster_link_competition", "runners", "runs", "shown_body",
    "submission_for", "team_submission_for", "team_submissions_of", "test_images_required",
    "thread_for", "visible_competitions", "visible_submissions", "visible_threads",
]
