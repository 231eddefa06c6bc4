from django.contrib import admin
from django.urls import include, path

from .health import healthz
from .metrics import metrics

urlpatterns = [
    # Operations: for the compose health checks, the load balancer and Prometheus.
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("competitions.api.urls")),
    path("", include("competitions.urls")),
]
