"""Pages of community hosting: build a competition from a zip, follow the build, manage
the competition; and the invitation through which participants join a private one."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import hosting, policy, selectors
from .builder.limits import Limits
from .builder.refusals import MESSAGES as REFUSALS
from .builder.refusals import BuildRefused
from .builder.service import build_request, check_zip
from .forms import BuildForm, HostCompetitionForm, InviteCodeForm, JoinForm
from .models import Competition
from .permissions import host_required


@login_required
def host_index(request):
    return render(request, "competitions/host/index.html", selectors.hosting(request.user))


@login_required
def build_new(request):
    too_large = _too_large(request)
    if too_large:
        return too_large
    form = BuildForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not form.is_valid():
        # Say what is wrong with the zip too, not on the next try only.
        _check_zip_as_well(form)
    if form.is_valid():
        try:
            build = build_request(host=request.user, **form.build_options())
        except BuildRefused as refusal:
            form.add_refusal(refusal)
            if refusal.code in BuildForm.FORM_WIDE:
                _check_zip_as_well(form)
        else:
            return redirect("build_status", pk=build.pk)
    return _new_page(request, form, status=400 if form.errors else 200)


def _check_zip_as_well(form) -> None:
    """The zip's own quick checks (its size and directory, without decoding an image),
    added to the form's other errors, so that every problem is told at once."""
    upload = form.cleaned_data.get("zip_file") if hasattr(form, "cleaned_data") else None
    if upload is None or "zip_file" in form.errors:
        return
    limits = Limits.from_settings()
    try:
        if upload.size > limits.max_zip_bytes:
            raise BuildRefused("zip_too_large", size=filesizeformat(upload.size),
                               limit=filesizeformat(limits.max_zip_bytes))
        check_zip(upload, limits=limits, display_name=upload.name)
    except BuildRefused as refusal:
        form.add_error("zip_file", refusal.message(_))
    finally:
        upload.seek(0)


def _new_page(request, form, status, error=None):
    return render(request, "competitions/host/new.html",
                  {"form": form, "limits": Limits.from_settings(), "error": error},
                  status=status)


def _too_large(request):
    """A 413 page when the request says it is larger than any zip allowed. This does not
    spare the server the body: CsrfViewMiddleware has read request.POST (and spooled the
    upload to a temporary file) before any view runs. It spares the worker and the storage
    a zip that cannot be accepted and tells the host why; the body limit itself belongs to
    the reverse proxy (nginx's client_max_body_size, see the README)."""
    limit = settings.COMMUNITY_MAX_ZIP_BYTES
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None  # Django reads such a body as empty: the form says what is missing
    if size <= limit + 1024 * 1024:  # the form's other fields and the multipart framing
        return None
    return _new_page(request, BuildForm(), status=413, error=_(REFUSALS["zip_too_large"]) % {
        "size": filesizeformat(size), "limit": filesizeformat(limit)})


@login_required
def build_status(request, pk):
    build = policy.build_for(request.user, pk)
    template = ("competitions/host/_build_status.html" if request.GET.get("fragment")
                else "competitions/host/build.html")
    return render(request, template, {"build": build})


@host_required
def host_manage(request, competition):
    form = HostCompetitionForm(request.POST or None,
                               instance=Competition.objects.get(pk=competition.pk))
    if form.is_valid():
        hosting.competition_update(competition=competition, changes=form.cleaned_data)
        messages.success(request, _("Your changes were saved."))
        return redirect("host_manage", slug=competition.slug)
    return render(request, "competitions/host/manage.html", {
        "competition": competition, "tab": "host", "form": form,
        "build": competition.builds.first(),
        "submissions": selectors.host_submissions(competition),
        "participation": policy.participation_for(competition, request.user),
    }, status=400 if form.errors else 200)


@require_POST
@host_required
def host_close(request, competition):
    hosting.competition_close(competition=competition)
    messages.success(request, _("The competition is closed: new submissions are scored "
                                "late and not ranked."))
    return redirect("host_manage", slug=competition.slug)


@require_POST
@host_required
def host_invite_code(request, competition):
    hosting.invite_code_replace(competition=competition)
    messages.success(request, _("A new invite code was made; the old link no longer works."))
    return redirect("host_manage", slug=competition.slug)


def invite(request, code):
    competition = policy.invited_competition(code)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if (policy.organizes(request.user, competition)
            or policy.participation_for(competition, request.user)):
        return redirect("competition_overview", slug=competition.slug)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hosting.join_by_invite(competition=competition, user=request.user)
        messages.success(request, _("You joined %(title)s. Good luck!") % {"title": competition})
        return redirect("competition_data", slug=competition.slug)
    return render(request, "competitions/invite.html",
                  {"competition": competition, "join_form": form, "code": code},
                  status=400 if form.errors else 200)


@login_required
def invite_enter(request):
    form = InviteCodeForm(request.POST or None)
    if form.is_valid():
        try:
            competition = policy.invited_competition(form.cleaned_data["code"])
        except policy.Hidden:
            form.add_error("code", _("No competition has this invite code."))
        else:
            return redirect("invite", code=competition.invite_code)
    return render(request, "competitions/invite_enter.html", {"form": form},
                  status=400 if form.errors else 200)
