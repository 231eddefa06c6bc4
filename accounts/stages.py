"""The e-mail verification step of signing in, with room for accounts from before e-mail.

A new sign-up must open the link sent to its address before it first signs in
(ACCOUNT_EMAIL_VERIFICATION = "mandatory"). Accounts that had signed in before they had
an address (made before e-mail existed, by the admin or by a teacher's roster) are let in
and asked to add one: holding them at the door would lock them out for good, since the
lost-password link needs an address."""

from allauth.account import stages
from allauth.account.models import EmailAddress


def held_for_verification(user) -> bool:
    """True for an account that has an address, none verified, and never signed in: a
    sign-up whose link was not opened yet."""
    addresses = EmailAddress.objects.filter(user=user)
    if not addresses.exists():
        return False
    if addresses.filter(verified=True).exists():
        return False
    return user.last_login is None


class EmailVerificationStage(stages.EmailVerificationStage):
    def handle(self):
        # No user: a sign-up with an address some account already has. allauth's own stage
        # mails that address and answers as for a new account (no enumeration); letting it
        # through unhandled signs in nobody and fails (500).
        if self.login.user is None:
            return super().handle()
        if not held_for_verification(self.login.user):
            return None, True
        return super().handle()
