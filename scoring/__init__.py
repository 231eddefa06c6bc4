"""The scoring library: parse a submission against the hidden solution and compute metrics.

It imports no Django, no Celery and nothing of `competitions/`, so the starter kit, the
workers and the tests use it directly (a test imports it with Django made unimportable).
The Celery task that loads a submission, calls it and saves the result is
`competitions.tasks.score_submission_task`.
"""
