"""Who may read the site's own operations endpoints.

/metrics (Prometheus) tells how busy the site is, how many uploads fail and why, and the
request counts per view: for the operators' scraper only, never for visitors. It asks for
the bearer token of METRICS_TOKEN (Prometheus: `authorization: {credentials_file: …}`).
Without a token set, only a DEBUG (development) site answers it. Signing in does not
open it, not even as a superuser: a scraper has no session.
"""

import hmac

from django.conf import settings


def may_read_metrics(request) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return settings.DEBUG
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        credentials.strip().encode(), token.encode())
