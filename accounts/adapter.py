"""allauth, fitted to Kompe: the reader's language remembered at sign-up, and accounts made
before e-mail addresses existed still signing in."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib import messages
from django.contrib.sites.requests import RequestSite
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy

from .profiles import set_language

# What allauth's e-mails call the site ("Hello from Kompe!"), as their subject prefix and
# sender do; without django.contrib.sites allauth would name it by the request's host.
SITE_NAME = "Kompe"
ALLAUTH_EMAIL_STAGE = "allauth.account.stages.EmailVerificationStage"
ADD_AN_ADDRESS = gettext_lazy("Add an e-mail address on your account page: without one, "
                              "a forgotten password cannot be reset.")


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # E-mails (verification now, notifications later) go out in this language.
            set_language(user, (get_language() or "")[:2])
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = RequestSite(allauth_context.request)
        site.name = SITE_NAME
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def get_password_change_redirect_url(self, request) -> str:
        # The account page, which says the password was set: allauth's default, the
        # change-password form, asks a roster learner who just chose one for it again.
        return reverse("account")

    def get_login_stages(self) -> list[str]:
        return [("accounts.stages.EmailVerificationStage" if path == ALLAUTH_EMAIL_STAGE
                 else path) for path in super().get_login_stages()]

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if not user.emailaddress_set.exists():
            messages.warning(request, ADD_AN_ADDRESS)
        return response
