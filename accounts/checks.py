"""`check --deploy`: a production site whose e-mails only land in files says so (a warning:
a closed course may run without e-mail, but then nobody can verify an address or reset a
password without an administrator)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from .mail import FILE_BACKEND


@register(Tags.security, deploy=True)
def email_is_sent(app_configs, **kwargs):
    if settings.DEBUG or settings.EMAIL_BACKEND != FILE_BACKEND:
        return []
    return [Warning(f"E-mails are written to files in {settings.EMAIL_FILE_PATH}, not sent: "
                    "sign-up verification and password resets cannot reach anyone.",
                    hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, "
                         "EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL).",
                    id="kompe.W101")]
