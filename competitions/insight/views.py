"""Insight pages: one submission's details, two compared, the learner's report, the
organizer's analytics, and the test images the examples show."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import policy
from .. import selectors as board_selectors
from ..charts import Series, best_so_far, daily_bars_svg, score_history_svg
from ..models import Standing, Submission
from ..permissions import participant_required
from ..policy.insight import SCOPES
from ..views import history_chart, tab_context
from .example_images import read_test_image
from .heatmap import confusion_svg
from .selectors import (
    NoPredictions,
    analytics_for,
    comparison_for,
    confusion_for,
    examples_for,
)

REPORT_EXAMPLE_GROUPS = 3


@participant_required
def submission_insight(request, competition, participation, pk):
    submission = _own(request, competition, pk)
    access = policy.insight_access(competition, request.user)
    scope = access.scope(request.GET.get("rows"))
    return render(request, "competitions/insight/submission.html", {
        **tab_context(request, competition, "submissions", participation),
        "submission": submission, **_details(submission, access, scope)})


def _own(request, competition, pk) -> Submission:
    submission = policy.submission_for(request.user, pk, scored=True)
    if submission.competition_id != competition.pk:
        raise policy.Hidden()
    return submission


def _details(submission, access, scope, example_groups: int | None = None) -> dict:
    """Per-class results, the heatmap and the examples, as far as `access` allows."""
    context = {"access": access, "scope": scope,
               "scopes": [(key, SCOPES[key]) for key in access.scopes]}
    if scope is None:
        return context
    confusion = confusion_for(submission, scope)
    context.update(
        confusion=confusion, per_class=confusion.per_class(),
        pairs=confusion.most_confused(),
        heatmap=confusion_svg(confusion, _("Confusion matrix"), _("true class"),
                              _("predicted class")))
    if access.examples:
        try:
            context["groups"] = examples_for(submission, scope)[:example_groups]
        except NoPredictions:
            pass  # no file to read the examples from: the rest of the page still helps
    return context


class CompareForm(forms.Form):
    first = forms.TypedChoiceField(label=gettext_lazy("Submission A"), coerce=int)
    second = forms.TypedChoiceField(label=gettext_lazy("Submission B"), coerce=int)

    def __init__(self, data, submissions):
        super().__init__(data)
        choices = [(s.pk, f"#{s.pk} {s.original_name} ({s.public_score:.5f})")
                   for s in submissions]
        self.fields["first"].choices = self.fields["second"].choices = choices


@participant_required
def submission_compare(request, competition, participation):
    scored = list(board_selectors.team_submissions(competition, participation).filter(
        status=Submission.Status.SCORED))
    access = policy.insight_access(competition, request.user)
    scope = access.scope(request.GET.get("rows"))
    defaults = ({"first": scored[1].pk, "second": scored[0].pk} if len(scored) > 1 else None)
    form = CompareForm(request.GET if "first" in request.GET else defaults, scored)
    comparison = first = second = None
    if form.is_bound and form.is_valid():
        by_id = {submission.pk: submission for submission in scored}
        first, second = by_id[form.cleaned_data["first"]], by_id[form.cleaned_data["second"]]
        comparison = comparison_for(first, second, scope)
    return render(request, "competitions/insight/compare.html", {
        **tab_context(request, competition, "submissions", participation),
        "form": form, "comparison": comparison, "first": first, "second": second,
        "access": access, "scope": scope,
        "scopes": [(key, SCOPES[key]) for key in access.scopes]})


class ReportNotesForm(forms.Form):
    report_notes = forms.CharField(
        label=gettext_lazy("My notes"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": gettext_lazy(
            "Approach, what worked, what did not, what I would try next")}))


@participant_required
def report(request, competition, participation):
    form = ReportNotesForm(request.POST or None,
                           initial={"report_notes": participation.report_notes})
    if request.method == "POST" and form.is_valid():
        participation.report_notes = form.cleaned_data["report_notes"]
        participation.save(update_fields=["report_notes"])
        messages.success(request, _("Your notes were saved."))
        return redirect("report", slug=competition.slug)
    standing = Standing.objects.filter(team=participation.team_id).select_related(
        "public_submission").first()
    best = standing.public_submission if standing else None
    access = policy.insight_access(competition, request.user)
    context = {**tab_context(request, competition, "report", participation),
               "form": form, "best": best, "standing": standing,
               "chart": history_chart(board_selectors.score_history(
                   competition, participation, request.user))}
    if best is not None:
        context.update(_details(best, access, access.scope(None), REPORT_EXAMPLE_GROUPS))
    return render(request, "competitions/insight/report.html", context)


@login_required
def analytics(request, slug):
    competition = policy.competition_for(request.user, slug)
    policy.organizer_required(request.user, competition)
    data = analytics_for(competition)
    scores = [(at, score) for at, score in data.scores if score is not None]
    return render(request, "competitions/insight/analytics.html", {
        **tab_context(request, competition, "analytics"), "analytics": data,
        "submissions_chart": daily_bars_svg(
            [(day["day"], day["submissions"]) for day in data.days], _("Submissions per day")),
        "participants_chart": daily_bars_svg(
            [(day["day"], day["participants"]) for day in data.days],
            _("Active participants per day"), color="#1d7a46"),
        "scores_chart": score_history_svg(
            [Series(_("Public scores of all participants"), scores,
                    best_so_far(scores, competition.metric_info), "#2457d6")],
            _("Scores over time")),
    })


def test_image(request, slug, image_id):
    """A test image for the examples: for joined participants and organizers."""
    competition = policy.competition_for(request.user, slug)
    policy.test_images_required(request.user, competition)
    found = read_test_image(competition, image_id)
    if found is None:
        raise policy.Hidden()
    content, content_type = found
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
