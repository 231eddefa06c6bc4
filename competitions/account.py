"""The account page: display name, time zone, e-mail and password links, and the personal API token,
created, shown and revoked by its owner."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from accounts.forms import DisplayNameForm, TimeZoneForm
from accounts.profiles import profile_of


@never_cache  # the page shows the token
@login_required
def account(request):
    token = Token.objects.filter(user=request.user).first()
    profile = profile_of(request.user)
    return render(request, "account.html", {
        "token": token, "display_name_form": DisplayNameForm(instance=profile),
        "time_zone_form": TimeZoneForm(instance=profile),
        "email_addresses": request.user.emailaddress_set.all()})


@login_required
@require_POST
def account_token(request):
    replaced, _deleted = Token.objects.filter(user=request.user).delete()
    if request.POST.get("action") == "create":
        Token.objects.create(user=request.user)
        # Only say that an earlier token stopped working when there was one.
        messages.success(request, _("A new API token was created; the earlier one no "
                                    "longer works.") if replaced else
                         _("Your API token was created."))
    else:
        messages.success(request, _("Your API token was revoked."))
    return redirect("account")
