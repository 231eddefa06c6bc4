"""The bundle's manifest (`kompe.yaml`): its fields, and why a bundle is refused.

A bundle holds the hidden solution: only a competition's organizers export it
(policy.bundle_export_required).
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_noop

MANIFEST = "kompe.yaml"
FORMAT = "kompe-competition-bundle"
VERSION = 1
SOLUTION = "solution.csv"
# The competition's settings a bundle carries, as the model names them. Not carried: the
# slug and the dates (given at import), the organizers and host (whoever imports it
# organizes it), the invite code (a new one), whether it is published (the checklist
# comes first), and everything participants made.
SETTINGS = ["title", "short_description", "overview", "evaluation", "rules", "labels",
            "metric", "extra_metrics", "top_k", "submission_header", "submission_labels_as",
            "submission_kind", "daily_submission_limit", "total_submission_limit",
            "final_submission_limit", "private_leaderboard", "feedback_while_open",
            "max_upload_bytes", "visibility", "class_counts"]
REQUIRED_SETTINGS = ["title", "labels"]

MESSAGES: dict[str, str] = {
    "not_a_zip": gettext_noop("The bundle is not a zip archive."),
    "no_manifest": gettext_noop(
        "The bundle has no %(manifest)s: it was not exported by Kompe."),
    "bad_manifest": gettext_noop("%(manifest)s cannot be read: %(reason)s"),
    "wrong_format": gettext_noop(
        "%(manifest)s is not a Kompe competition bundle of a version this site reads "
        "(format %(format)s, version %(version)s)."),
    "missing_setting": gettext_noop("%(manifest)s lacks the setting “%(name)s”."),
    "bad_setting": gettext_noop("The setting “%(name)s” is not valid: %(reason)s"),
    "missing_file": gettext_noop("The bundle lacks %(name)s, which its manifest lists."),
    "unsafe_path": gettext_noop("%(name)s: a path that leaves the bundle is not allowed."),
    "damaged_file": gettext_noop(
        "%(name)s is damaged: its checksum differs from the manifest's."),
    "bad_solution": gettext_noop(
        "The hidden solution does not fit the labels: %(reason)s"),
    "slug_taken": gettext_noop("The address “%(slug)s” is already taken; choose another."),
    "bad_slug": gettext_noop("“%(slug)s” is not a valid address: letters, digits, - and _."),
    "bad_dates": gettext_noop("The end must come after the start."),
    "scores_differ": gettext_noop(
        "The bundled submission %(name)s scores %(new)s here but %(old)s in the original: "
        "nothing was imported."),
    # Refusals of an import running in the background (jobs.py).
    "source_gone": gettext_noop(
        "The competition to copy is gone, or you no longer organize it: nothing was "
        "imported."),
    "may_not_import": gettext_noop(
        "You may no longer import competitions (your access to the site's admin was "
        "removed while the import waited): nothing was imported."),
    "too_slow": gettext_noop(
        "The import took longer than %(seconds)s seconds and was stopped: nothing was "
        "imported."),
    "internal_error": gettext_noop(
        "The import failed on the site's side: nothing was imported. Try again; if it "
        "fails again, tell the site's administrators."),
}


class BundleRefused(Exception):
    """A bundle that cannot become a competition; `code` says why (see MESSAGES)."""

    def __init__(self, code: str, **params: Any):
        assert code in MESSAGES, code
        self.code = code
        self.params = {"manifest": MANIFEST, **params}
        super().__init__(self.message())

    def message(self, translate: Callable[[str], str] = str) -> str:
        return translate(MESSAGES[self.code]) % self.params

    def as_dict(self) -> dict:
        """For a background import's record (JSON): the message is made in the reader's
        language when the status page shows it."""
        params = {name: value if isinstance(value, str | int | float | None) else str(value)
                  for name, value in self.params.items()}
        return {"code": self.code, "params": params}

    @classmethod
    def from_dict(cls, saved: dict) -> "BundleRefused":
        code = saved.get("code")
        return cls(code if code in MESSAGES else "internal_error", **saved.get("params", {}))
