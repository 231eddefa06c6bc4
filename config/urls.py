from django.contrib import admin
from django.urls import include, path, re_path

from competitions.admin import view_on_site
from competitions.api.errors import not_found as api_not_found

from .health import healthz
from .metrics import metrics

urlpatterns = [
    # Operations: for the compose health checks, the load balancer and Prometheus.
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    # Before the admin's own: its "view on site" redirect, asked of the policy.
    path("admin/r/<int:content_type_id>/<path:object_id>/", view_on_site,
         name="admin_view_on_site"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("competitions.api.urls")),
    re_path(r"^api/", api_not_found),  # other versions and paths: JSON, as under /api/v1/
    path("", include("notifications.urls")),
    path("", include("competitions.urls")),
]
