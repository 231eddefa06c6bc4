"""Log lines that can be followed from an upload to its score.

Every line carries a request id (taken from the proxy's X-Request-ID or made here, and
sent back in the response) and a submission id. Both live in context variables: the
request id is set by RequestIdMiddleware and travels with every Celery task sent while
handling the request (a message header); the submission id is set in the worker for the
scoring task from its argument. With LOG_FORMAT=json each line is one JSON object.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
submission_id: ContextVar[int | None] = ContextVar("submission_id", default=None)

# An id from outside is kept only if it looks like one (no log injection through it).
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SCORING_TASK = "scoring.tasks.score_submission_task"
HEADER = "kompe_request_id"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        value = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = value
        return response


class ContextFilter(logging.Filter):
    """Puts the ids on every record, None where there is none."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.submission_id = submission_id.get()
        return True


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s "
                                 "%(request_id)s %(submission_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level",
                                            "name": "logger"})
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        super().__init__(*args, **kwargs)


@before_task_publish.connect
def _send_request_id(sender=None, body=None, headers=None, **kwargs):
    if headers is not None and request_id.get():
        headers[HEADER] = request_id.get()
    # The request that queued a submission names it on its lines from here on.
    if sender == SCORING_TASK and isinstance(body, list | tuple) and body and body[0]:
        submission_id.set(body[0][0])


@task_prerun.connect
def _enter_task(task=None, args=None, **kwargs):
    if task is None:
        return
    request_id.set(task.request.get(HEADER) or (task.request.headers or {}).get(HEADER))
    submission_id.set(args[0] if task.name == SCORING_TASK and args else None)


@task_postrun.connect
def _leave_task(**kwargs):
    request_id.set(None)
    submission_id.set(None)
