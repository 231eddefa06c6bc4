"""Where the site's e-mails go, in words for the person running it (`rundemo` says it)."""

from django.conf import settings

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def where_mail_goes() -> str:
    backend = settings.EMAIL_BACKEND
    if backend == FILE_BACKEND:
        return (f"E-mails (sign-up links, password resets) are written to files in "
                f"{settings.EMAIL_FILE_PATH}/ (open the newest one).")
    if backend == CONSOLE_BACKEND:
        return "E-mails (sign-up links, password resets) are printed in this window."
    if backend == SMTP_BACKEND:
        return (f"E-mails are sent through the SMTP server "
                f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}.")
    return f"E-mails go to {backend}."
