"""Profile pages, the display name, the time zone, deleting one's account, and the
language switch."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from competitions import selectors
from competitions.policy import profiles as policy

from .deletion import delete_account
from .forms import DeleteAccountForm, DisplayNameForm, TimeZoneForm
from .profiles import profile_of
from .profiles import set_language as remember_language


def profile(request, username):
    person = policy.profile_for(username)
    entries = [(entry, selectors.public_rank(entry.competition, entry.team_id))
               for entry in policy.profile_entries(request.user, person)]
    return render(request, "accounts/profile.html", {
        "person": person, "entries": entries,
        "hosted": policy.profile_hosted(request.user, person)})


@login_required
@require_POST
def display_name(request):
    form = DisplayNameForm(request.POST, instance=profile_of(request.user))
    if form.is_valid():
        # This field only: a whole-row save would put back what another request (a
        # deletion in another tab) changed meanwhile.
        form.save(commit=False).save(update_fields=["display_name"])
        messages.success(request, _("Your display name was saved."))
    else:
        messages.error(request, " ".join(form.errors.get("display_name", [])))
    return redirect("account")


@login_required
@require_POST
def time_zone(request):
    form = TimeZoneForm(request.POST, instance=profile_of(request.user))
    if form.is_valid():
        form.save(commit=False).save(update_fields=["time_zone"])  # as display_name
        messages.success(request, _("Your time zone was saved."))
    else:
        messages.error(request, " ".join(form.errors.get("time_zone", [])))
    return redirect("account")


@login_required
def delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        delete_account(user=request.user)
        logout(request)
        messages.success(request, _("Your account was deleted."))
        return redirect("competition_list")
    return render(request, "accounts/delete.html", {"form": form})


def switch_language(request):
    """Django's language switch, and the signed-in reader's e-mails follow it."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated:
        remember_language(request.user, language)
    return response
