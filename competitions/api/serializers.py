from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from rest_framework import serializers

from scoring.problems import MESSAGES, Problem

from .. import policy
from ..models import Competition, DataFile, Submission


class CompetitionSerializer(serializers.ModelSerializer):
    phase = serializers.CharField(read_only=True)
    higher_is_better = serializers.BooleanField(source="metric_info.higher_is_better",
                                                read_only=True)
    expected_header = serializers.CharField(read_only=True)
    private_leaderboard_revealed = serializers.BooleanField(source="private_board_revealed",
                                                            read_only=True)

    class Meta:
        model = Competition
        fields = ["slug", "title", "short_description", "overview", "evaluation", "rules",
                  "phase", "start_at", "end_at", "labels", "metric", "higher_is_better",
                  "extra_metrics", "top_k", "submission_kind", "submission_header",
                  "submission_labels_as", "expected_header", "daily_submission_limit",
                  "total_submission_limit", "max_upload_bytes", "final_submission_limit",
                  "private_leaderboard_revealed"]


class DataFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DataFile
        fields = ["name", "size", "description", "download_url"]

    def get_download_url(self, data_file: DataFile) -> str:
        return self.context["request"].build_absolute_uri(reverse(
            "api:data-file-download", args=[data_file.competition.slug, data_file.name]))


class ProblemSerializer(serializers.Serializer):
    """One problem of a file, with the same words as the pages, in the request's language."""

    line = serializers.IntegerField(allow_null=True)
    column = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()

    @staticmethod
    def of(problem: Problem) -> dict:
        return {"line": problem.line, "column": problem.column, "code": problem.code,
                "message": problem.message(gettext)}


class SubmissionSerializer(serializers.ModelSerializer):
    competition = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    file_name = serializers.CharField(source="original_name", read_only=True)
    extra_public_scores = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="api:submission-detail")

    class Meta:
        model = Submission
        # The private score is added only once the private leaderboard is revealed.
        fields = ["id", "url", "competition", "submitted_by", "file_name", "description",
                  "status", "is_late", "is_final", "public_score", "extra_public_scores",
                  "problems", "problem_count", "created_at", "started_at", "finished_at"]
        read_only_fields = fields

    def to_representation(self, submission: Submission) -> dict:
        data = super().to_representation(submission)
        if policy.private_board_visible(self.context["request"].user, submission.competition):
            data["private_score"] = submission.private_score
        return data

    def get_extra_public_scores(self, submission: Submission) -> dict[str, float]:
        return {name: values["public"] for name, values in submission.extra_scores.items()
                if values.get("public") is not None}

    def get_problems(self, submission: Submission) -> list[dict]:
        return [ProblemSerializer.of(Problem.from_dict(data)) for data in submission.problems]


# The same words as the pages and the scoring problem, wherever an empty file is caught.
EMPTY_FILE = {"empty": gettext_lazy(MESSAGES["empty_file"])}


class SubmissionCreateSerializer(serializers.Serializer):
    file = serializers.FileField(error_messages=EMPTY_FILE)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                        default="")


class ValidationSerializer(serializers.Serializer):
    file = serializers.FileField(error_messages=EMPTY_FILE)


class ValidationResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    problem_count = serializers.IntegerField()
    problems = ProblemSerializer(many=True)


class LeaderboardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="null for baselines")
    is_baseline = serializers.BooleanField()
    is_host_preview = serializers.BooleanField(
        help_text="An organizer trying their own competition: shown, never ranked.")
    is_mine = serializers.SerializerMethodField()
    participant = serializers.CharField(source="team_name")
    score = serializers.FloatField()
    entries = serializers.IntegerField()
    best_at = serializers.DateTimeField()
    public_rank = serializers.IntegerField(
        allow_null=True, help_text="Private board only: the rank on the public board.")
    shake_up = serializers.IntegerField(
        allow_null=True, help_text="Private board only: places gained (negative: lost).")

    def get_is_mine(self, row) -> bool:
        return row.team_id is not None and row.team_id == self.context.get("team_id")


class LeaderboardSerializer(serializers.Serializer):
    board = serializers.ChoiceField(choices=["public", "private"])
    metric = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    ranked_count = serializers.IntegerField(help_text="Participants ranked on this board.")
    rows = LeaderboardRowSerializer(many=True)


class FinalMarkSerializer(serializers.Serializer):
    final = serializers.BooleanField(help_text="true to mark as final, false to unmark")


class FinalChoiceSerializer(serializers.Serializer):
    limit = serializers.IntegerField(help_text="How many submissions may be marked final.")
    automatic = serializers.BooleanField(
        help_text="None marked: the best public submissions count instead.")
    can_change = serializers.BooleanField(help_text="False after the end.")
    counting = serializers.SerializerMethodField(
        help_text="The ids of the submissions that count for the private leaderboard.")

    def get_counting(self, choice) -> list[int]:
        return [submission.pk for submission in choice.counting]


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
