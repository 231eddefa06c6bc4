"""The scoring core: parse a submission against the hidden solution and compute metrics.

Every module here except `tasks.py` and `apps.py` imports no Django, so the starter kit
and the tests use them directly.
"""
