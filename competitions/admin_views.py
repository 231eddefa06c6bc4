"""The admin's own pages for a competition: build one from a zip of images (and follow
the build), publish after the checklist, export a bundle (importing one, and *Run
again*: admin_bundle_views.py).

Mixed into CompetitionAdmin. Every page runs inside `admin_site.admin_view` (the admin's
door: staff only) and asks the policy which build or competition the user may reach.
"""

import tempfile

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import policy
from .admin_bundle_views import BundleAdminViews
from .builder.limits import Limits
from .builder.refusals import BuildRefused
from .builder.service import build_request
from .bundles import bundle_export
from .checklist import competition_checklist, publish_refusals
from .forms import BuildForm


class AdminBuildForm(BuildForm):
    """The community form, for organizers: the competition starts unpublished."""


class CompetitionAdminViews(BundleAdminViews):
    change_list_template = "admin/competitions/competition/change_list.html"
    change_form_template = "admin/competitions/competition/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("build/", view(self.build_view), name="competitions_competition_build"),
            path("build/<int:build_id>/", view(self.build_status_view),
                 name="competitions_competition_build_status"),
            path("<str:object_id>/export/", view(self.export_view),
                 name="competitions_competition_export"),
            path("<str:object_id>/publish/", view(self.publish_view),
                 name="competitions_competition_publish"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        competition = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if competition is not None and policy.organizes(request.user, competition):
            extra["checklist"] = competition_checklist(competition)
        return super().change_view(request, object_id, form_url, extra)

    def _page(self, request, template: str, context: dict, status: int = 200):
        return TemplateResponse(request, template, {
            **self.admin_site.each_context(request), "opts": self.model._meta, **context},
            status=status)

    def build_view(self, request):
        form = AdminBuildForm(request.POST or None, request.FILES or None,
                              initial={"slug": "", "visibility": "public"})
        if request.method == "POST" and form.is_valid():
            try:
                build = build_request(host=request.user, organizer_run=True,
                                      **form.build_options())
            except BuildRefused as refusal:
                form.add_refusal(refusal)
            else:
                return redirect("admin:competitions_competition_build_status", build.pk)
        return self._page(request, "admin/competitions/competition/build.html", {
            "title": gettext("Create a competition from images"), "form": form,
            "limits": Limits.from_settings()}, status=400 if form.errors else 200)

    def build_status_view(self, request, build_id: int):
        build = policy.admin_build_for(request.user, build_id)
        checklist = (competition_checklist(build.competition)
                     if build.competition and policy.organizes(request.user, build.competition)
                     else None)
        return self._page(request, "admin/competitions/competition/build_status.html", {
            "title": gettext("Building %(slug)s") % {"slug": build.slug}, "build": build,
            "checklist": checklist})

    def publish_view(self, request, object_id: str):
        competition = policy.admin_competition_for(request.user, object_id)
        refusals = publish_refusals(competition)
        if request.method == "POST" and not refusals:
            with transaction.atomic():
                competition.is_published = True
                competition.save(update_fields=["is_published"])
            messages.success(request, gettext("%(title)s is published.")
                             % {"title": competition.title})
            return redirect("admin:competitions_competition_change", competition.pk)
        return self._page(request, "admin/competitions/competition/publish.html", {
            "title": gettext("Publish %(title)s") % {"title": competition.title},
            "competition": competition, "original": competition,
            "checklist": competition_checklist(competition), "refusals": refusals},
            status=400 if request.method == "POST" else 200)

    def export_view(self, request, object_id: str):
        competition = policy.admin_competition_for(request.user, object_id)
        return _bundle_response(request.user, competition,
                                with_submissions=request.GET.get("submissions") == "1")

    def export_bundle(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Choose one competition to export."),
                              messages.ERROR)
            return None
        return _bundle_response(request.user, queryset.get(), with_submissions=False)

    export_bundle.short_description = _("Export as a bundle (settings, data, solution)")


def _bundle_response(user, competition, *, with_submissions: bool) -> FileResponse:
    """The bundle holds the hidden solution: the policy decides, here, for every route."""
    policy.bundle_export_required(user, competition)
    spool = tempfile.TemporaryFile()
    bundle_export(competition, spool, with_submissions=with_submissions)
    spool.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d")
    return FileResponse(spool, as_attachment=True, content_type="application/zip",
                        filename=f"{slugify(competition.slug)}-bundle-{stamp}.zip")
