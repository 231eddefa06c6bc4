"""Pages: the list (mark read, mark all read), the e-mail settings, and the unsubscribe
link of the e-mails, which works without signing in."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from competitions import policy

from .emails import read_unsubscribe_token
from .forms import PreferencesForm
from .kinds import Kind
from .services import preferences_set

PAGE_SIZE = 30


@login_required
def notification_list(request):
    notifications = policy.notifications_of(request.user).select_related("competition")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one read and follow its link (the list's items are buttons)."""
    notification = policy.notification_for(request.user, pk)
    policy.notifications_of(request.user).filter(pk=notification.pk).mark_read()
    if request.POST.get("follow") and url_has_allowed_host_and_scheme(
            notification.link, allowed_hosts={request.get_host()}):
        return redirect(notification.link or "notification_list")
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request):
    policy.notifications_of(request.user).mark_read()
    messages.success(request, _("All notifications are marked read."))
    return redirect("notification_list")


@login_required
def notification_settings(request):
    form = PreferencesForm(request.POST or None, user=request.user)
    if form.is_valid():
        preferences_set(user=request.user, choices=form.choices())
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("notification_settings")
    return render(request, "notifications/settings.html", {"form": form})


# The e-mail's link is followed without a session (and mail clients POST to it for
# List-Unsubscribe-Post): the signed token is the proof, so no CSRF token can be asked.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request, token: str):
    """GET only asks: mail scanners open an e-mail's links before its reader does. A POST
    (the page's button, or a mail client's RFC 8058 one-click `List-Unsubscribe=One-Click`)
    stops that kind's e-mails for the token's user. Turning e-mail off is all a token can
    do, so a forwarded e-mail can do no harm beyond that."""
    found = read_unsubscribe_token(token)
    user = (get_user_model().objects.filter(pk=found[0]).first()
            if found is not None else None)
    if user is None:
        return render(request, "notifications/unsubscribed.html", {"kind": None}, status=404)
    kind = Kind(found[1]).label
    if request.method == "GET":
        return render(request, "notifications/unsubscribe_confirm.html", {"kind": kind})
    preferences_set(user=user, choices={found[1]: False})
    return render(request, "notifications/unsubscribed.html", {"kind": kind})
