from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import competitions, errors, finals, history, insight, leaderboard, submissions

app_name = "api"
urlpatterns = [
    path("competitions/", competitions.CompetitionList.as_view(), name="competition-list"),
    path("competitions/<slug:slug>/", competitions.CompetitionDetail.as_view(),
         name="competition-detail"),
    path("competitions/<slug:slug>/join/", competitions.JoinCompetition.as_view(),
         name="competition-join"),
    path("competitions/<slug:slug>/files/", competitions.DataFileList.as_view(),
         name="data-file-list"),
    path("competitions/<slug:slug>/files/<str:name>/download/",
         competitions.DataFileDownload.as_view(), name="data-file-download"),
    path("competitions/<slug:slug>/submissions/", submissions.CompetitionSubmissions.as_view(),
         name="competition-submissions"),
    path("competitions/<slug:slug>/validate/", submissions.ValidateSubmission.as_view(),
         name="competition-validate"),
    path("competitions/<slug:slug>/leaderboard/", leaderboard.Leaderboard.as_view(),
         name="leaderboard"),
    path("competitions/<slug:slug>/history/", history.ScoreHistory.as_view(),
         name="score-history"),
    path("competitions/<slug:slug>/finals/", finals.FinalChoice.as_view(), name="final-choice"),
    path("submissions/<int:pk>/", submissions.SubmissionDetail.as_view(),
         name="submission-detail"),
    path("submissions/<int:pk>/final/", finals.MarkFinal.as_view(), name="submission-final"),
    path("submissions/<int:pk>/insight/", insight.SubmissionInsight.as_view(),
         name="submission-insight"),
    path("submissions/<int:pk>/examples/", insight.SubmissionExamples.as_view(),
         name="submission-examples"),
    path("competitions/<slug:slug>/compare/", insight.CompareSubmissions.as_view(),
         name="compare-submissions"),
    path("competitions/<slug:slug>/analytics/", insight.Analytics.as_view(),
         name="analytics"),
    # The notifications app's (its views live there; one namespace, one schema).
    path("", include("notifications.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other URL under /api/v1/ answers a JSON 404, not the site's HTML page.
    re_path(r"", errors.not_found, name="not-found"),
]
