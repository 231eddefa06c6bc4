# The Django project ("the platform"). Not called `platform`: a package of that name
# shadows Python's standard-library `platform` module and breaks uuid, Celery and Django.
from .celery import app as celery_app

__all__ = ("celery_app",)
