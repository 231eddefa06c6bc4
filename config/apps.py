from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """The platform's own checks and signal receivers (no models)."""

    name = "config"
    label = "platform_config"

    def ready(self) -> None:
        from . import checks, logs  # noqa: F401  (registers the checks and the receivers)
