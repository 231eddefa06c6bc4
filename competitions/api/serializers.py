"""What the API answers and reads: every body has a serializer, so the schema types it."""

from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from scoring.problems import MESSAGES, Problem

from .. import policy
from ..models import Competition, DataFile, Submission


class CompetitionSerializer(serializers.ModelSerializer):
    phase = serializers.ChoiceField(choices=Competition.Phase.choices, read_only=True)
    labels = serializers.ListField(child=serializers.CharField(), read_only=True,
                                   help_text="The class labels, in order.")
    extra_metrics = serializers.ListField(child=serializers.CharField(), read_only=True)
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
    message = serializers.SerializerMethodField()

    def get_message(self, problem: Problem) -> str:
        return problem.message(gettext)


class SubmissionSerializer(serializers.ModelSerializer):
    competition = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    file_name = serializers.CharField(source="original_name", read_only=True)
    extra_public_scores = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="api:submission-detail")
    # Not read-only, so that the schema can call it optional: it is only ever written out.
    private_score = serializers.FloatField(
        required=False, allow_null=True,
        help_text="Only once the private leaderboard is revealed; absent before.")

    class Meta:
        model = Submission
        fields = ["id", "url", "competition", "submitted_by", "file_name", "description",
                  "status", "is_late", "is_final", "public_score", "private_score",
                  "extra_public_scores", "problems", "problem_count", "created_at",
                  "started_at", "finished_at"]
        read_only_fields = [name for name in fields if name != "private_score"]

    def to_representation(self, submission: Submission) -> dict:
        data = super().to_representation(submission)
        # Private scores only for whoever may see them now (policy.private_board_visible);
        # a view may have asked already (`private_visible`: the upload asks before its commit,
        # so that answering it needs no database).
        visible = self.context.get("private_visible")
        if visible is None:
            visible = policy.private_board_visible(self.context["request"].user,
                                                   submission.competition)
        if not visible:
            del data["private_score"]
        return data

    def get_extra_public_scores(self, submission: Submission) -> dict[str, float]:
        return {name: values["public"] for name, values in submission.extra_scores.items()
                if values.get("public") is not None}

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problems(self, submission: Submission) -> list[dict]:
        return ProblemSerializer([Problem.from_dict(data) for data in submission.problems],
                                 many=True).data


# The same words as the pages and the scoring problem, wherever an empty file is caught.
EMPTY_FILE = {"empty": gettext_lazy(MESSAGES["empty_file"])}


@extend_schema_field({"type": "string", "format": "binary", "minLength": 1})
class UploadField(serializers.FileField):
    """A file part of a multipart body, not empty. drf-spectacular would call a FileField a
    URL (what it reads back as), and a fuzzer would then send a URL instead of a file."""


class SubmissionCreateSerializer(serializers.Serializer):
    file = UploadField(error_messages=EMPTY_FILE, help_text="The predictions (CSV).")
    description = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                        default="")


class ValidationSerializer(serializers.Serializer):
    file = UploadField(error_messages=EMPTY_FILE, help_text="The predictions (CSV).")


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
    participant = serializers.CharField(source="team_name", help_text="The team's name.")
    members = serializers.ListField(child=serializers.CharField(),
                                    help_text="The team's members' names.")
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


class StrictBooleanField(serializers.BooleanField):
    """JSON's true or false, nothing else: DRF's BooleanField also reads 0, "no", "off" and
    the like, and in a form reads a missing field as an unticked box (false), so a body
    without `final` unmarked a final submission."""

    default_empty_html = empty

    def to_internal_value(self, data) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class FinalMarkSerializer(serializers.Serializer):
    final = StrictBooleanField(help_text="true to mark as final, false to unmark")


class FinalChoiceSerializer(serializers.Serializer):
    limit = serializers.IntegerField(help_text="How many submissions may be marked final.")
    automatic = serializers.BooleanField(
        help_text="None marked: the best public submissions count instead.")
    can_change = serializers.BooleanField(help_text="False after the end.")
    counting = serializers.SerializerMethodField(
        help_text="The ids of the submissions that count for the private leaderboard.")

    def get_counting(self, choice) -> list[int]:
        return [submission.pk for submission in choice.counting]


class JoinedSerializer(serializers.Serializer):
    competition = serializers.SlugField()
    team = serializers.CharField(help_text="Your team's name.")
    accepted_rules_at = serializers.DateTimeField()


class ErrorSerializer(serializers.Serializer):
    """Every error of the API."""

    detail = serializers.CharField(help_text="What went wrong, in the request's language.")
    code = serializers.CharField(help_text='For programs: "not_joined", "not_found", '
                                           '"invalid", "throttled", ...')


class InvalidSerializer(ErrorSerializer):
    """A request with invalid fields or parameters (code "invalid"): beside `detail` and
    `code`, each field or parameter with problems, as {name: [words]} (see schema.py)."""


# --- insight: the same feedback as the pages ---------------------------------------------

@extend_schema_field({"type": "array", "minItems": 3, "maxItems": 3,
                      "items": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                      "description": "[true label, predicted label, count]"})
class ConfusedPairField(serializers.ListField):
    pass


class ClassResultSerializer(serializers.Serializer):
    label = serializers.CharField()
    precision = serializers.FloatField(allow_null=True)
    recall = serializers.FloatField(allow_null=True)
    f1 = serializers.FloatField(allow_null=True)
    support = serializers.IntegerField()


class InsightSerializer(serializers.Serializer):
    level = serializers.CharField()
    rows = serializers.CharField(help_text="The rows described: public, private or all.")
    row_count = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    labels = serializers.ListField(child=serializers.CharField())
    confusion = serializers.ListField(child=serializers.ListField(
        child=serializers.IntegerField()), help_text="Rows: true class; columns: predicted.")
    per_class = ClassResultSerializer(many=True)
    most_confused = serializers.ListField(child=ConfusedPairField(),
                                         help_text="The most frequent mistakes first.")


class ExampleSerializer(serializers.Serializer):
    id = serializers.CharField(source="image_id", help_text="The test image's file name.")
    true_label = serializers.CharField()
    predicted_label = serializers.CharField()
    confidence = serializers.FloatField(
        allow_null=True, help_text="The predicted class's probability (probability files).")
    image_url = serializers.SerializerMethodField()

    def get_image_url(self, example) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("test_image", args=[self.context["slug"], example.image_id]))


class ExampleGroupSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["confident_mistakes", "pair", "confident_correct",
                                            "correct"])
    count = serializers.IntegerField(help_text="Rows of this kind; `examples` shows a few.")
    true_label = serializers.CharField(help_text='Set for the kind "pair".')
    predicted_label = serializers.CharField(help_text='Set for the kind "pair".')
    examples = ExampleSerializer(many=True)


class ExamplesSerializer(serializers.Serializer):
    rows = serializers.CharField(help_text="The rows described: public, private or all.")
    groups = ExampleGroupSerializer(many=True)


class ClassChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    fixed = serializers.IntegerField()
    broken = serializers.IntegerField()


class ComparisonSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    agreeing = serializers.IntegerField(help_text="Rows with the same prediction.")
    agreement = serializers.FloatField(allow_null=True)
    changed = serializers.IntegerField()
    fixed = serializers.IntegerField(
        allow_null=True, help_text="Wrong in `first`, right in `second` (null where the "
                                   "feedback level hides the labels).")
    broken = serializers.IntegerField(allow_null=True,
                                      help_text="Right in `first`, wrong in `second`.")
    per_class = serializers.SerializerMethodField()

    @extend_schema_field(ClassChangeSerializer(many=True))
    def get_per_class(self, comparison) -> list[dict]:
        return ClassChangeSerializer(
            [{"label": label, "fixed": fixed, "broken": broken}
             for label, fixed, broken in comparison.per_class or []], many=True).data


class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    submissions = serializers.IntegerField()
    participants = serializers.IntegerField()


class HardClassSerializer(serializers.Serializer):
    label = serializers.CharField()
    mean_recall = serializers.FloatField()
    participants = serializers.IntegerField(
        help_text="Participants whose best submission counts here.")


class AnalyticsSerializer(serializers.Serializer):
    days = DaySerializer(many=True)
    hardest_classes = serializers.SerializerMethodField()

    @extend_schema_field(HardClassSerializer(many=True))
    def get_hardest_classes(self, analytics) -> list[dict]:
        return HardClassSerializer(
            [{"label": label, "mean_recall": recall, "participants": teams}
             for label, recall, teams in analytics.hardest], many=True).data
