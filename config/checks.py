"""Deployment checks of our own, beside Django's `check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Django's own threshold for its warning security.W009, made an error here: the compose
# stack runs `check --deploy --fail-level ERROR` before it migrates, and stops on it.
MIN_SECRET_KEY_LENGTH = 50


@register(Tags.security, deploy=True)
def secret_key_is_strong(app_configs, **kwargs):
    if len(settings.SECRET_KEY) >= MIN_SECRET_KEY_LENGTH:
        return []
    return [Error(f"SECRET_KEY has {len(settings.SECRET_KEY)} characters; a production key "
                  f"needs at least {MIN_SECRET_KEY_LENGTH}.",
                  hint="Generate one, for example with `openssl rand -base64 48`.",
                  id="kompe.E001")]
