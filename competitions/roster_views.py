"""The class roster's pages: the organizer's import (in the admin) and the learner's
one-time sign-in link (a page that asks, then a POST that signs in)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.profiles import set_language

from . import policy
from .roster import (
    Credential,
    RosterRefused,
    credentials_csv,
    credentials_filename,
    roster_import,
    roster_parse,
)

# One of settings.AUTHENTICATION_BACKENDS, so that the session stays valid.
SIGN_IN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


class RosterForm(forms.Form):
    roster = forms.FileField(
        label=gettext_lazy("Class roster (CSV)"),
        help_text=gettext_lazy("UTF-8 with a header: username or email, display_name, "
                               "student_number, and optionally team (学籍番号, 表示名, … "
                               "work too)."))
    credential = forms.ChoiceField(
        label=gettext_lazy("New accounts get"), widget=forms.RadioSelect,
        initial=Credential.LINK, choices=[
            (Credential.LINK, gettext_lazy("a one-time sign-in link (they then choose a "
                                           "password)")),
            (Credential.PASSWORD, gettext_lazy("an initial password"))])


@never_cache  # the answer is the credentials file
def roster_admin(request, admin_site, object_id):
    """The admin's roster page (CompetitionAdmin.get_urls wraps it in admin_view)."""
    competition = policy.roster_competition_for(request.user, object_id)
    form = RosterForm(request.POST or None, request.FILES or None)
    problems = []
    if form.is_valid():
        try:
            imported = roster_import(
                competition=competition,
                rows=roster_parse(form.cleaned_data["roster"].read()),
                credential=form.cleaned_data["credential"],
                base_url=request.build_absolute_uri("/").rstrip("/"))
        except RosterRefused as refusal:
            problems = refusal.problems
        else:
            # The only copy of the passwords and links: sent once, never stored.
            response = HttpResponse(credentials_csv(imported),
                                    content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="{credentials_filename(competition)}"')
            return response
    context = {**admin_site.each_context(request), "title": _("Import a class roster"),
               "competition": competition, "form": form, "problems": problems,
               "opts": competition._meta, "original": competition}
    return render(request, "admin/competitions/roster.html", context,
                  status=400 if problems or form.errors else 200)


@never_cache  # the page carries the link's token
@require_http_methods(["GET", "POST"])
def roster_sign_in(request, uidb64: str, token: str):
    """A learner's one-time link. A GET only asks: mail scanners and link previews open
    links, and must not use it up. The POST (CSRF-protected) signs the learner in once —
    the token changes with the sign-in — then sends them to choose a password."""
    user = _link_user(uidb64, token)
    if user is None:
        return render(request, "competitions/roster_link_used.html", status=404)
    if request.method != "POST":
        return render(request, "competitions/roster_sign_in.html", {
            "learner": user, "competition": policy.roster_link_competition(user)})
    login(request, user, backend=SIGN_IN_BACKEND)
    # The learner's own browser speaks now: their e-mails follow it.
    set_language(user, (get_language() or "")[:2])
    messages.success(request, _("Welcome, you are signed in. Choose a password now: the "
                                "link you used works only once."))
    return redirect("account_set_password" if not user.has_usable_password()
                    else "account")


def _link_user(uidb64: str, token: str):
    """The active user whose link this is, while its token is still good; else None."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not user.is_active or not default_token_generator.check_token(user, token):
        return None
    return user
