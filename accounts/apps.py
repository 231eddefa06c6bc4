from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    # Not "Accounts": allauth's e-mail addresses already sit under that name in the admin.
    verbose_name = _("Profiles")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (register the deploy check)
