"""What Kompe keeps about a person beyond django.contrib.auth's user."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    """One per user, made on first need (accounts.profiles.profile_of), so that users made
    before this model, by the admin or by a script, need no back-filling."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="profile", verbose_name=_("user"))
    display_name = models.CharField(
        _("display name"), max_length=50, blank=True,
        help_text=_("Shown on leaderboards and your profile instead of your username."))
    # The reader's language for e-mails (pages follow the browser's or the switcher's
    # choice): set at sign-up from the request and again when the user switches.
    language = models.CharField(_("language"), max_length=8, blank=True,
                                choices=settings.LANGUAGES)
    # Where the reader is, for the times on pages (config.timezones): blank follows the
    # browser. Not a choices list: the zones are the server's, checked by the form.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True,
                                 help_text=_("Times on pages are shown in this zone. "
                                             "Leave empty to use your browser's."))
    # Set when the person deleted their account (accounts.deletion): the user row stays,
    # emptied of personal data, so that their team's submissions and boards stay whole.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()
