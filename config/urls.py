from allauth.account.views import LoginView, LogoutView, SignupView
from django.contrib import admin
from django.urls import include, path, re_path

from accounts.views import switch_language
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
    # Sign-in, sign-up, e-mail, password (django-allauth; accounts/ fits it to Kompe).
    path("accounts/", include("allauth.urls")),
    # The language switch also remembers a signed-in reader's language for e-mails.
    path("i18n/setlang/", switch_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the competitions' API, whose last route answers every other path with a 404.
    path("api/v1/", include("discussion.api.urls")),
    path("api/v1/", include("competitions.api.urls")),
    re_path(r"^api/", api_not_found),  # other versions and paths: JSON, as under /api/v1/
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("discussion.urls")),
    path("", include("competitions.urls")),
    # The names of the sign-in pages before allauth, for links written against them
    # (requests resolve to allauth's names above; these only reverse).
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/signup/", SignupView.as_view(), name="signup"),
]
