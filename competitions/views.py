"""Pages. Each view reads the request, asks a selector or a service, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.throttling import UserRateThrottle

from . import policy, selectors, services
from .charts import Series, score_history_svg
from .finals import final_choice, final_mark
from .forms import JoinForm, SubmissionForm
from .models.submission import STORED_PROBLEMS
from .permissions import participant_required
from .storage import private_storage


def competition_list(request):
    competitions = policy.listed_competitions(request.user)
    return render(request, "competitions/list.html", {"competitions": competitions})


def competition_overview(request, slug):
    competition = policy.competition_for(request.user, slug)
    return render(request, "competitions/overview.html", {
        **tab_context(request, competition, "overview"),
        "join_form": JoinForm(),
        "counts": selectors.competition_counts(competition),
    })


@login_required
@require_POST
def competition_join(request, slug):
    competition = policy.competition_for(request.user, slug)
    form = JoinForm(request.POST)
    if not form.is_valid():
        return render(request, "competitions/overview.html", {
            **tab_context(request, competition, "overview"), "join_form": form,
            "counts": selectors.competition_counts(competition)}, status=400)
    services.join_competition(competition=competition, user=request.user)
    messages.success(request, _("You joined %(title)s. Good luck!") % {"title": competition})
    return redirect("competition_data", slug=slug)


def competition_data(request, slug):
    competition = policy.competition_for(request.user, slug)
    return render(request, "competitions/data.html", {
        **tab_context(request, competition, "data"),
        "join_form": JoinForm(),
        "data_files": competition.data_files.all(),
        "gallery": selectors.gallery_by_label(competition),
    })


def data_file_download(request, slug, name):
    competition = policy.competition_for(request.user, slug)
    policy.data_files_required(competition, request.user)
    data_file = competition.data_files.filter(name=name).first()
    if data_file is None:
        raise policy.Hidden()
    return FileResponse(data_file.file.open("rb"), as_attachment=True, filename=data_file.name)


def gallery_image(request, slug, pk):
    competition = policy.competition_for(request.user, slug)
    image = competition.gallery_images.filter(pk=pk).first()
    if image is None:
        raise policy.Hidden()
    response = FileResponse(image.image.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@participant_required
def submission_new(request, competition, participation):
    form = SubmissionForm(request.POST or None, request.FILES or None)
    check = None
    if "validate" in request.POST and request.headers.get("X-Requested-With") == "fetch":
        # check.js: only the answer, so that the page (and its chosen file) stays as it is.
        if form.is_valid():
            check = _validate(form, competition, request)
        return render(request, "competitions/_check_result.html",
                      {"check": check, "form": form}, status=400 if form.errors else 200)
    if form.is_valid() and "validate" in request.POST:
        check = _validate(form, competition, request)
    elif form.is_valid():
        try:
            services.submission_create(competition=competition, user=request.user,
                                       file=form.cleaned_data["file"],
                                       description=form.cleaned_data["description"])
        except services.SubmissionRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            # Tagged so that the page removes it once no submission is pending any more.
            messages.success(request, _("Your file was received and is being scored."),
                             extra_tags="while-pending")
            return redirect("submission_list", slug=competition.slug)
    return render(request, "competitions/submit.html", {
        **tab_context(request, competition, "submit"), "form": form, "check": check,
        "left_today": services.submissions_left_today(competition=competition,
                                                      team=participation.team),
        **_reset_context(),
    }, status=400 if form.errors else 200)


def _reset_context() -> dict:
    reset_at = services.next_reset()
    seconds = int((reset_at - timezone.now()).total_seconds())
    return {"reset_at": reset_at, "reset_in": f"{seconds // 3600}:{seconds % 3600 // 60:02d}"}


class DryRunThrottle(UserRateThrottle):
    """The page's dry run shares the API's budget for dry runs (same scope, same counter)."""

    scope = "validate"


def _validate(form, competition, request) -> dict | None:
    """The dry run's answer for the page: the file's name and its problems (none: valid)."""
    throttle = DryRunThrottle()
    if not throttle.allow_request(request, None):
        form.add_error("file", _("Too many checks in a short time: try again in %(seconds)s s.")
                       % {"seconds": int(throttle.wait() or 1)})
        return None
    user = request.user
    upload = form.cleaned_data["file"]
    try:
        problems, count = services.submission_validate(competition=competition, user=user,
                                                       file=upload)
    except services.SubmissionRefused as refusal:
        form.add_error("file", str(refusal))
        return None
    return {"name": upload.name, "problem_count": count,
            "messages": [problem.message(_) for problem in problems[:STORED_PROBLEMS]],
            "unlisted": max(0, count - STORED_PROBLEMS)}


@participant_required
def submission_list(request, competition, participation):
    rows = {"submissions": selectors.team_submissions(competition, participation),
            "finals": final_choice(competition, participation),
            "private_board_revealed": policy.private_board_visible(request.user, competition)}
    if request.GET.get("fragment"):
        return render(request, "competitions/_submission_rows.html", rows)
    return render(request, "competitions/submissions.html", {
        **tab_context(request, competition, "submissions"), **rows,
        "chart": history_chart(selectors.score_history(competition, participation,
                                                       request.user)),
    })


@login_required
@require_POST
def submission_final(request, pk):
    submission = policy.team_submission_for(request.user, pk)
    final = request.POST.get("final") == "1"
    try:
        final_mark(submission=submission, user=request.user, final=final)
    except services.SubmissionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, (_("Submission #%(id)s is now final.") if final else
                                   _("Submission #%(id)s is no longer final.")) % {"id": pk})
    return redirect("submission_list", slug=submission.competition.slug)


def history_chart(history: dict):
    series = [Series(_("Public score"), [(p["at"], p["public"]) for p in history["points"]],
                     history["best_public"], "#2457d6")]
    if history["private_shown"]:
        series.append(Series(_("Private score"), [(p["at"], p["private"])
                                                  for p in history["points"]
                                                  if p["private"] is not None],
                             history["best_private"], "#b35c00"))
    return score_history_svg(series, _("Score history"))


@login_required
def submission_file(request, pk):
    submission = policy.submission_for(request.user, pk)
    if not submission.file or not submission.file.storage.exists(submission.file.name):
        raise policy.Hidden()  # a baseline posted without a file, or a file removed by hand
    return FileResponse(submission.file.open("rb"), as_attachment=True,
                        filename=submission.original_name)


@login_required
def staff_private_file(request, path):
    """A stored file of a competition the reader organizes: the admin links here for
    solutions and uploads."""
    policy.private_file_required(request.user, path)
    storage = private_storage()
    if not storage.exists(path):
        raise policy.Hidden()
    return FileResponse(storage.open(path, "rb"), as_attachment=True,
                        filename=path.rsplit("/", 1)[-1])


def leaderboard(request, slug, board="public"):
    competition = policy.competition_for(request.user, slug)
    participation = policy.participation_for(competition, request.user)
    # Organizers preview the private board before it is revealed; participants never.
    shown = board == "public" or policy.private_board_visible(request.user, competition)
    return render(request, "competitions/leaderboard.html", {
        **tab_context(request, competition, "leaderboard", participation),
        "board": board, "private_board_revealed": competition.private_board_revealed(),
        "leaderboard": selectors.leaderboard(
            competition, board, team_id=participation.team_id if participation else None,
        ) if shown else None,
        "my_team_id": participation.team_id if participation else None,
    })


def tab_context(request, competition, tab, participation=None):
    if participation is None:
        participation = policy.participation_for(competition, request.user)
    return {"competition": competition, "tab": tab, "participation": participation}
