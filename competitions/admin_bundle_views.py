"""The admin's bundle imports: *Import a bundle* (an uploaded zip) and *Run again* (a
competition copied into a new draft), both queued for the worker, and the page that
follows one. Mixed into CompetitionAdminViews; the policy decides who reaches what.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import policy
from .builder.service import slug_taken
from .bundles import BundleRefused
from .bundles.jobs import import_request, rerun_defaults, rerun_request
from .checklist import competition_checklist

# Where a refusal shows on the form: by the field it is about, else the bundle field
# (or the form's top, for *Run again*, which has none).
REFUSAL_FIELDS = {"slug_taken": "slug", "bad_slug": "slug", "bad_dates": "end_at"}


def _date_time_field(label, **options) -> forms.SplitDateTimeField:
    return forms.SplitDateTimeField(label=label, widget=forms.SplitDateTimeWidget(
        date_attrs={"type": "date"}, time_attrs={"type": "time"}), **options)


class NewTermForm(forms.Form):
    """The new competition's address, title and dates (the rest comes from the bundle)."""

    slug = forms.SlugField(label=_("New address"), max_length=50,
                           help_text=_("The new competition's address, /c/<address>/."))
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Empty: the bundle's title."))
    start_at = _date_time_field(_("Start"))
    end_at = _date_time_field(_("End"), required=False,
                              help_text=_("Empty for a practice competition."))

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if slug_taken(slug):
            raise forms.ValidationError(gettext("This address is already taken; choose "
                                                "another."))
        return slug

    def clean(self):
        data = super().clean()
        if data.get("start_at") and data.get("end_at") and data["end_at"] <= data["start_at"]:
            self.add_error("end_at", BundleRefused("bad_dates").message(gettext))
        return data

    def refuse(self, refusal: BundleRefused, fallback: str | None) -> None:
        self.add_error(REFUSAL_FIELDS.get(refusal.code, fallback), refusal.message(gettext))


class BundleImportForm(NewTermForm):
    bundle = forms.FileField(label=_("Competition bundle (.zip)"),
                             help_text=_("A zip exported by Kompe (“Export as a bundle”)."))
    field_order = ["bundle", "slug", "title", "start_at", "end_at"]


class RerunForm(NewTermForm):
    """*Run again*: the suggestions (rerun_defaults) are filled in; the title is required."""

    title = forms.CharField(label=_("Title"), max_length=200)


class BundleAdminViews:
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="competitions_competition_import"),
            path("import/<int:import_id>/", view(self.import_status_view),
                 name="competitions_competition_import_status"),
            path("<str:object_id>/rerun/", view(self.rerun_view),
                 name="competitions_competition_rerun"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not policy.may_import_bundle(request.user):
            raise policy.Hidden()
        form = BundleImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                job = import_request(user=request.user, upload=data["bundle"],
                                     slug=data["slug"], title=data["title"],
                                     start_at=data["start_at"], end_at=data["end_at"])
            except BundleRefused as refusal:
                form.refuse(refusal, "bundle")
            else:
                return self._queued(request, job)
        return self._page(request, "admin/competitions/competition/import.html", {
            "title": gettext("Import a competition bundle"), "form": form,
            "recent": policy.admin_bundle_imports(request.user)[:5]},
            status=400 if form.errors else 200)

    def rerun_view(self, request, object_id: str):
        source = policy.rerun_source_for(request.user, object_id)
        form = RerunForm(request.POST or None, initial=rerun_defaults(source))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                job = rerun_request(user=request.user, source=source, slug=data["slug"],
                                    title=data["title"], start_at=data["start_at"],
                                    end_at=data["end_at"])
            except BundleRefused as refusal:
                form.refuse(refusal, None)
            else:
                return self._queued(request, job)
        return self._page(request, "admin/competitions/competition/rerun.html", {
            "title": gettext("Run %(title)s again") % {"title": source.title},
            "form": form, "original": source},
            status=400 if form.errors else 200)

    def import_status_view(self, request, import_id: int):
        job = policy.admin_bundle_import_for(request.user, import_id)
        checklist = (competition_checklist(job.competition)
                     if job.competition and policy.organizes(request.user, job.competition)
                     else None)
        return self._page(request, "admin/competitions/competition/import_status.html", {
            "title": gettext("Importing %(slug)s") % {"slug": job.slug}, "job": job,
            "checklist": checklist})

    def _queued(self, request, job):
        messages.info(request, gettext(
            "The import of %(slug)s is queued: this page follows it, and you may leave it.")
            % {"slug": job.slug})
        return redirect("admin:competitions_competition_import_status", job.pk)

