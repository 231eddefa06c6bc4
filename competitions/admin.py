"""The organizers' side: competitions, data files, the hidden solution, submissions."""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from scoring.metrics import METRICS
from scoring.problems import InvalidFile

from . import policy, services, teams
from .admin_views import CompetitionAdminViews
from .baseline_entries import baseline_post, standard_baselines
from .checklist import publish_refusals
from .exports import leaderboards_csv_response, submissions_csv_response
from .gallery import gallery_build
from .models import (
    Competition,
    CompetitionBuild,
    DataFile,
    MergeRequest,
    Participation,
    RescoreRecord,
    RescoreRun,
    Submission,
    Team,
    TeamInvitation,
)
from .models.competition import (
    METRIC_CHOICES,
    PRIVATE_BOARD_TOO_EARLY,
    KindChoice,
    PrivateBoardChoice,
    Visibility,
)
from .organizers import host_previews_refresh
from .rescoring import competition_rescore, rank_changes, solution_replace
from .solution_split import with_usage, without_usage
from .tasks import rebuild_standings_task
from .templatetags.kompe import score

SOLUTION_PROBLEMS_SHOWN = 10
# Settings that change how scores are computed or files are read: changing one rescores
# every submission (and the confusion matrices kept with the scores, by class).
SCORING_FIELDS = ["metric", "top_k", "extra_metrics", "labels", "submission_kind",
                  "submission_header", "submission_labels_as"]


class LabelsField(forms.CharField):
    """The ordered class labels, one per line."""

    widget = forms.Textarea(attrs={"rows": 8})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        labels = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if len(labels) != len(set(labels)):
            raise forms.ValidationError(_("Each label may appear only once."))
        if len(labels) < 2:
            raise forms.ValidationError(_("A classification task needs at least two labels."))
        return labels


class CompetitionAdminForm(forms.ModelForm):
    labels = LabelsField(label=_("class labels, one per line, in order"))
    extra_metrics = forms.MultipleChoiceField(
        label=_("extra metrics shown"), choices=METRIC_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shown beside the ranking metric on the participant's submissions."))
    visibility = forms.ChoiceField(label=_("visibility"), choices=Visibility.choices,
                                   initial=Visibility.PUBLIC, required=False)
    solution_upload = forms.FileField(
        label=_("upload hidden solution"), required=False,
        help_text=_('CSV with the header "id,label,usage"; usage is Public or Private. '
                    'With the header "id,label" alone, Kompe chooses the Public rows: 30 '
                    "percent of each class, the same every time for the same file. Stored where no "
                    "URL serves it. Replacing a solution rescores every submission."))
    solution_change_reason = forms.CharField(
        label=_("reason for replacing the solution"), required=False, max_length=300,
        help_text=_("Kept in the rescore audit, e.g. “fixed the labels of 12 images”."))

    class Meta:
        model = Competition
        fields = ["slug", "title", "short_description", "overview", "evaluation", "rules",
                  "labels", "submission_kind", "submission_header", "submission_labels_as",
                  "metric", "extra_metrics", "top_k", "start_at", "end_at",
                  "daily_submission_limit", "total_submission_limit", "max_upload_bytes",
                  "final_submission_limit", "max_team_size", "team_merger_deadline",
                  "private_leaderboard", "feedback_while_open", "is_published", "host",
                  "visibility", "organizers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty (or not sent, by a form made before teams): a solo competition.
        if "max_team_size" in self.fields:
            self.fields["max_team_size"].required = False

    def clean_visibility(self):
        return self.cleaned_data.get("visibility") or Visibility.PUBLIC

    def clean_max_team_size(self):
        return self.cleaned_data.get("max_team_size") or 1

    def clean(self):
        cleaned = super().clean()
        self._check_metrics_fit_the_format(cleaned)
        labels = cleaned.get("labels")
        upload = cleaned.get("solution_upload")
        if not labels:
            return cleaned
        if upload:
            self.solution_content = upload.read()
            if without_usage(self.solution_content):
                self.solution_content = with_usage(self.solution_content)
                self.solution_split_made = True
            self._check_solution(self.solution_content, labels, "solution_upload")
        elif self.instance.has_solution and labels != self.instance.labels:
            # New labels must still fit the stored solution, or every score would fail.
            with self.instance.solution_file.open("rb") as handle:
                self._check_solution(handle.read(), labels, "labels", first=gettext(
                    "The stored hidden solution does not fit these labels; upload a "
                    "corrected solution together with them."))
        return cleaned

    def _post_clean(self):
        # After the model's fields are set on the instance: the checklist reads the
        # competition as it would be saved (dates, labels, the solution being uploaded).
        super()._post_clean()
        was_published = bool(self.instance.pk) and Competition.objects.filter(
            pk=self.instance.pk, is_published=True).exists()
        if self.instance.is_published and not was_published and not self.errors:
            refusals = publish_refusals(self.instance, solution_content=getattr(
                self, "solution_content", None))
            if refusals:
                self.add_error("is_published", [
                    gettext("Not published yet: %(problem)s %(fix)s")
                    % {"problem": item.problem, "fix": item.fix} for item in refusals])

    def _check_metrics_fit_the_format(self, cleaned) -> None:
        if cleaned.get("submission_kind") == KindChoice.PROBABILITY:
            return
        for field in ("metric", "extra_metrics"):
            chosen = cleaned.get(field) or []
            for name in [chosen] if isinstance(chosen, str) else chosen:
                if name in METRICS and METRICS[name].needs_probabilities:
                    self.add_error(field, gettext(
                        "%(metric)s needs probability submissions: choose that format.")
                        % {"metric": dict(METRIC_CHOICES)[name]})

    def _check_solution(self, content: bytes, labels: list[str], field: str,
                        first: str | None = None) -> None:
        try:
            services.parse_solution(content, labels)
        except InvalidFile as invalid:
            shown = [problem.message(gettext) for problem in
                     invalid.problems[:SOLUTION_PROBLEMS_SHOWN]]
            if invalid.count > SOLUTION_PROBLEMS_SHOWN:
                shown.append(gettext("… %(count)s problems in all.")
                             % {"count": invalid.count})
            self.add_error(field, ([first] if first else []) + shown)


class OrganizerPermissions:
    """View, change and delete as the policy says: `_organizes(request, obj)`, not
    Django's model permissions (an organizer's rights are per competition)."""

    def has_view_permission(self, request, obj=None) -> bool:
        return self._organizes(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._organizes(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._organizes(request, obj)


class OrganizerScopedAdmin(OrganizerPermissions, admin.ModelAdmin):
    """Organizers see and change only what belongs to the competitions they organize
    (policy.organizes); superusers everything. `competition_field` leads from a row to
    its competition ("" for the competition itself)."""

    competition_field = "competition"

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if policy.is_superuser(request.user):
            return rows
        lookup = f"{self.competition_field}__in" if self.competition_field else "pk__in"
        return rows.filter(**{lookup: policy.organized_competitions(request.user)})

    def _organizes(self, request, obj) -> bool:
        if obj is None:
            return policy.may_use_admin(request.user)
        competition = getattr(obj, self.competition_field) if self.competition_field else obj
        return competition is not None and policy.organizes(request.user, competition)

    def has_module_permission(self, request) -> bool:
        return policy.may_use_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return policy.may_use_admin(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A row cannot be moved into, or point at a team of, a competition its editor does
        # not organize.
        organized = policy.organized_competitions(request.user)
        if db_field.related_model is Competition:
            kwargs["queryset"] = organized
        elif db_field.related_model is Team:
            kwargs["queryset"] = Team.objects.filter(competition__in=organized)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organizers":
            kwargs["queryset"] = policy.admin_users()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "organizers" in form.base_fields:
            # Organizers who are no longer staff stay listed, so that saving the form does
            # not drop them silently.
            form.base_fields["organizers"].queryset = (
                policy.admin_users() | obj.organizers.all()).distinct()
        return form


class OrganizerScopedInline(OrganizerPermissions, admin.TabularInline):
    """Rows shown inside a competition's (or a run's) page: whoever organizes the parent
    may see and change them (`obj` is the parent row)."""

    def _organizes(self, request, obj) -> bool:
        if obj is None:
            return policy.may_use_admin(request.user)
        competition = obj if isinstance(obj, Competition) else obj.competition
        return policy.organizes(request.user, competition)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._organizes(request, obj)


class DataFileInline(OrganizerScopedInline):
    model = DataFile
    extra = 1
    fields = ["name", "file", "description", "order", "size"]
    readonly_fields = ["size"]


@admin.register(Competition)
class CompetitionAdmin(CompetitionAdminViews, OrganizerScopedAdmin):
    competition_field = ""
    form = CompetitionAdminForm
    filter_horizontal = ["organizers"]

    def get_readonly_fields(self, request, obj=None):
        # The host has organizer powers on the site: only superusers choose one (community
        # competitions get theirs from the builder).
        fields = list(super().get_readonly_fields(request, obj))
        return fields if policy.is_superuser(request.user) else [*fields, "host"]
    list_display = ["title", "slug", "is_published", "visibility", "host", "start_at", "end_at",
                    "metric",
                    "private_leaderboard", "solution_public_rows", "solution_private_rows"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["solution_public_rows", "solution_private_rows", "invite_code"]
    list_filter = ["visibility", "is_published"]
    inlines = [DataFileInline]
    actions = ["show_private_board", "hide_private_board", "private_board_at_end",
               "rebuild_gallery", "post_baselines", "export_leaderboards", "export_submissions",
               "export_bundle", "import_roster"]

    def get_urls(self):
        from django.urls import path

        from .roster_views import roster_admin

        def roster(request, object_id):
            return roster_admin(request, self.admin_site, object_id)

        return [path("<path:object_id>/roster/", self.admin_site.admin_view(roster),
                     name="competitions_competition_roster"), *super().get_urls()]

    @admin.action(description=_("Import a class roster (CSV of learners)"))
    def import_roster(self, request, queryset):
        from django.shortcuts import redirect

        return redirect("admin:competitions_competition_roster", queryset.first().pk)

    def save_model(self, request, obj, form, change):
        obj.set_visibility(obj.visibility)  # an invitation-only competition needs its code
        had_solution = change and Competition.objects.get(pk=obj.pk).has_solution
        scoring_changed = [field for field in SCORING_FIELDS if field in form.changed_data]
        if change and scoring_changed and not getattr(form, "solution_content", None):
            # The scores were computed the old way: rescore all, with the audit.
            competition_rescore(competition=obj, user=request.user, reason=gettext(
                "Changed: %(fields)s") % {"fields": ", ".join(scoring_changed)})
            messages.info(request, _("Every submission is being rescored with the new "
                                     "settings; the rescore audit shows what changed."))
        super().save_model(request, obj, form, change)
        if change and "final_submission_limit" in form.changed_data:
            transaction.on_commit(lambda: rebuild_standings_task.delay(obj.pk))
        content = getattr(form, "solution_content", None)
        if content is None:
            return
        if had_solution:
            # A label fix: every submission is rescored, and the audit shows what changed.
            run = solution_replace(competition=obj, content=content, user=request.user,
                                   reason=form.cleaned_data.get("solution_change_reason", ""))
            obj.refresh_from_db()
            messages.success(request, _(
                "Hidden solution replaced: %(count)s submissions are being rescored. "
                "The rescore audit shows every change.") % {"count": run.records.count()})
            return
        services.solution_set(competition=obj, content=content)
        messages.success(request, _("Hidden solution stored: %(public)s public and "
                                    "%(private)s private rows.") % {
            "public": obj.solution_public_rows, "private": obj.solution_private_rows})
        if getattr(form, "solution_split_made", False):
            messages.info(request, _(
                "The solution had no usage column: Kompe chose the Public rows, 30 percent of "
                "each class's test images (the same every time for the same file); the "
                "others are Private."))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        competition = form.instance
        if not change:
            # Whoever creates a competition organizes it (after the form's own organizers
            # were saved, which would otherwise replace this).
            competition.organizers.add(request.user)
        elif "host" in form.changed_data:
            host_previews_refresh(competition=competition)

    @admin.action(description=_("Show the private leaderboard now"))
    def show_private_board(self, request, queryset):
        for competition in queryset:
            if not competition.may_show_private_board():
                self.message_user(request, f"{competition}: {PRIVATE_BOARD_TOO_EARLY}",
                                  messages.ERROR)
                continue
            self._set_private_board(request, competition, PrivateBoardChoice.SHOWN)

    @admin.action(description=_("Hide the private leaderboard"))
    def hide_private_board(self, request, queryset):
        for competition in queryset:
            self._set_private_board(request, competition, PrivateBoardChoice.HIDDEN)

    @admin.action(description=_("Show the private leaderboard at the end (automatic)"))
    def private_board_at_end(self, request, queryset):
        for competition in queryset:
            self._set_private_board(request, competition, PrivateBoardChoice.AUTO)

    def _set_private_board(self, request, competition, choice) -> None:
        competition.private_leaderboard = choice
        competition.save(update_fields=["private_leaderboard"])
        self.message_user(request, _("%(competition)s: private leaderboard %(choice)s.") % {
            "competition": competition, "choice": PrivateBoardChoice(choice).label})

    @admin.action(description=_("Post the random and majority-class baselines"))
    def post_baselines(self, request, queryset):
        for competition in queryset:
            for name, content in standard_baselines(competition).items():
                baseline_post(competition=competition, name=name, content=content,
                              user=request.user)
        self.message_user(request, _("Baselines posted; they are being scored."))

    @admin.action(description=_("Export the leaderboards as CSV"))
    def export_leaderboards(self, request, queryset):
        return leaderboards_csv_response(queryset)

    @admin.action(description=_("Export all submissions as CSV"))
    def export_submissions(self, request, queryset):
        return submissions_csv_response(queryset)

    @admin.action(description=_("Rebuild the gallery from train.zip and train.csv"))
    def rebuild_gallery(self, request, queryset):
        for competition in queryset:
            count = gallery_build(competition=competition)
            self.message_user(request, _("%(competition)s: %(count)s gallery images.") % {
                "competition": competition, "count": count})


@admin.register(Submission)
class SubmissionAdmin(OrganizerScopedAdmin):
    list_display = ["id", "competition", "team", "submitted_by", "original_name", "status",
                    "public_score", "private_score", "created_at", "finished_at"]
    list_filter = [("competition", admin.RelatedOnlyFieldListFilter), "status"]
    search_fields = ["team__name", "submitted_by__username", "original_name"]
    readonly_fields = ["competition", "team", "submitted_by", "file", "original_name", "size",
                       "status", "is_final", "public_score", "private_score", "problems",
                       "problem_count",
                       "error", "created_at", "started_at", "finished_at"]
    actions = ["rescore"]

    @admin.action(description=_("Rescore the selected submissions"))
    def rescore(self, request, queryset):
        for submission in queryset:
            services.submission_rescore(submission=submission)
        count = queryset.count()
        self.message_user(request, ngettext("%(count)s submission queued for rescoring.",
                                            "%(count)s submissions queued for rescoring.",
                                            count) % {"count": count})

    def has_add_permission(self, request):
        return False


@admin.register(Team)
class TeamAdmin(OrganizerScopedAdmin):
    """Where the organizer raises one team's daily limit (extra submissions per day)."""

    list_display = ["name", "competition", "is_baseline", "is_host_preview",
                    "extra_daily_submissions", "created_at"]
    list_editable = ["extra_daily_submissions"]
    list_filter = [("competition", admin.RelatedOnlyFieldListFilter)]
    readonly_fields = ["is_host_preview"]
    search_fields = ["name"]


class TeamRecordAdmin(OrganizerScopedAdmin):
    """Invitations and merge requests, for the organizers to read: teams change them on the
    site (competitions.teams), where the size and merge rules are checked."""

    competition_field = "team__competition"

    def _organizes(self, request, obj) -> bool:
        if obj is None:
            return policy.may_use_admin(request.user)
        return policy.organizes(request.user, self._team(obj).competition)

    def _team(self, obj) -> Team:
        return obj.team

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TeamInvitation)
class TeamInvitationAdmin(TeamRecordAdmin):
    list_display = ["team", "invitee", "invited_by", "status", "created_at", "answered_at"]
    list_filter = ["status"]


@admin.register(MergeRequest)
class MergeRequestAdmin(TeamRecordAdmin):
    competition_field = "to_team__competition"
    list_display = ["from_team_name", "to_team", "requested_by", "status", "created_at",
                    "answered_at"]
    list_filter = ["status"]

    def _team(self, obj) -> Team:
        return obj.to_team


class ParticipationAdminForm(forms.ModelForm):
    class Meta:
        model = Participation
        fields = ["user", "competition", "team", "accepted_rules_at", "report_notes"]

    def clean(self):
        cleaned = super().clean()
        team, competition = cleaned.get("team"), cleaned.get("competition")
        if team and competition and team.competition_id != competition.pk:
            self.add_error("team", _("This team belongs to another competition."))
        elif team and competition and team.pk != self.instance.team_id:
            # A move (or a new member) takes a place, as an invitation would: the same
            # size rule as on the site (competitions.teams), which the admin cannot skip.
            try:
                teams.check_room(competition, team, joining=1)
            except teams.TeamRefused as refusal:
                self.add_error("team", refusal.message)
        return cleaned


@admin.register(Participation)
class ParticipationAdmin(OrganizerScopedAdmin):
    form = ParticipationAdminForm
    list_display = ["user", "competition", "team", "accepted_rules_at"]
    list_filter = [("competition", admin.RelatedOnlyFieldListFilter)]


class RescoreRecordInline(OrganizerScopedInline):
    """Statuses by their names in the reader's language and scores as the site shows them
    (five decimals), not the stored "scored" and 0.7500000000000001."""

    model = RescoreRecord
    fields = readonly_fields = ["submission", "old_status_shown", "old_public_shown",
                                "old_private_shown", "new_status_shown", "new_public_shown",
                                "new_private_shown"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("old status"))
    def old_status_shown(self, record):
        return _status_name(record.old_status)

    @admin.display(description=_("new status"))
    def new_status_shown(self, record):
        return _status_name(record.new_status)

    @admin.display(description=_("old public score"))
    def old_public_shown(self, record):
        return score(record.old_public_score)

    @admin.display(description=_("old private score"))
    def old_private_shown(self, record):
        return score(record.old_private_score)

    @admin.display(description=_("new public score"))
    def new_public_shown(self, record):
        return score(record.new_public_score)

    @admin.display(description=_("new private score"))
    def new_private_shown(self, record):
        return score(record.new_private_score)


def _status_name(status: str) -> str:
    if not status:
        return "—"  # not rescored yet
    try:
        return Submission.Status(status).label
    except ValueError:
        return status


@admin.register(RescoreRun)
class RescoreRunAdmin(OrganizerScopedAdmin):
    """The audit of a solution replacement: each submission's old and new scores, and each
    team's ranks before and after."""

    list_display = ["competition", "started_at", "started_by", "reason", "progress",
                    "finished_at"]
    list_filter = [("competition", admin.RelatedOnlyFieldListFilter)]
    fields = readonly_fields = ["competition", "started_at", "started_by", "reason",
                                "progress", "finished_at", "rank_table"]
    inlines = [RescoreRecordInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("rescored"))
    def progress(self, run):
        done = run.records.exclude(new_status="").count()
        return f"{done} / {run.records.count()}"

    @admin.display(description=_("ranks before → after"))
    def rank_table(self, run):
        return render_to_string("admin/competitions/rank_changes.html",
                                {"rows": rank_changes(run), "finished": run.finished_at})


@admin.register(CompetitionBuild)
class CompetitionBuildAdmin(OrganizerScopedAdmin):
    """Community builds, for organizers to follow (the host follows theirs on the site)."""

    list_display = ["slug", "host", "status", "upload_name", "images_done", "images_total",
                    "created_at", "finished_at", "competition"]
    list_filter = ["status"]
    search_fields = ["slug", "host__username"]
    fields = readonly_fields = ["host", "organizer_run", "keep_split", "slug", "title",
                                "visibility", "status", "stage",
                                "upload_name", "upload_size", "files_total", "files_read",
                                "images_total", "images_done", "refusal", "report",
                                "attempts", "created_at", "started_at", "finished_at",
                                "competition"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # Builds started in the admin have no competition until they are done: their
        # starter follows them too (policy.admin_builds).
        return policy.admin_builds(request.user, super(OrganizerScopedAdmin, self)
                            .get_queryset(request))

    def _organizes(self, request, obj) -> bool:
        if obj is None:
            return policy.may_use_admin(request.user)
        return policy.admin_builds(request.user,
                                   CompetitionBuild.objects.filter(pk=obj.pk)).exists()


def view_on_site(request, content_type_id: int, object_id: str):
    """The admin's "view on site" redirect (/admin/r/…), asked of the policy: Django's own
    would tell any staff user the address of any object, the slug of an unpublished
    competition included."""
    from django.contrib.contenttypes.views import shortcut

    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    if model is not Competition:
        raise policy.Hidden()
    competition = (Competition.objects.filter(pk=object_id).first()
                   if object_id.isdecimal() else None)
    if competition is None or not (policy.may_use_admin(request.user)
                                   and policy.organizes(request.user, competition)):
        raise policy.Hidden()
    return shortcut(request, content_type_id, object_id)
