"""What the team endpoints read and answer (competitions/api/teams.py)."""

from rest_framework import serializers

from accounts.names import display_name

from ..models import MergeRequest, Team, TeamInvitation

# (A plain string: an enum would share its name with the submissions' `status` enum.)
STATUS_HELP = "pending, accepted, declined or withdrawn"


class MemberSerializer(serializers.Serializer):
    username = serializers.CharField(source="get_username")
    name = serializers.SerializerMethodField(help_text="The display name.")

    def get_name(self, user) -> str:
        return display_name(user)


class TeamSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()
    max_size = serializers.IntegerField(source="competition.max_team_size",
                                        help_text="1: a solo competition.")
    merger_deadline = serializers.DateTimeField(
        source="competition.team_merger_deadline", allow_null=True,
        help_text="After it, no invitations, new members or merges.")
    changes_open = serializers.SerializerMethodField(
        help_text="Whether the team may still take members or merge.")
    invite_url = serializers.SerializerMethodField(
        allow_null=True, help_text="The team's invite link (members only; keep it secret).")

    class Meta:
        model = Team
        fields = ["id", "name", "members", "max_size", "merger_deadline", "changes_open",
                  "invite_url"]

    def get_members(self, team) -> list[dict]:
        from ..teams import members

        return MemberSerializer(members(team), many=True).data

    def get_changes_open(self, team) -> bool:
        return team.competition.accepts_team_changes() and team.is_ranked

    def get_invite_url(self, team) -> str | None:
        from django.urls import reverse

        from ..teams import invite_token

        if not self.get_changes_open(team):
            return None
        path = reverse("team_join", args=[team.competition.slug, invite_token(team)])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class NameField(serializers.RegexField):
    """A name: a JSON string with something besides spaces (the schema says so with its
    pattern). DRF's CharField would also read 0 as "0"."""

    def __init__(self, **kwargs):
        super().__init__(r"\S", max_length=150, **kwargs)

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class RenameSerializer(serializers.Serializer):
    name = NameField(help_text="Unique within the competition.")


class InvitationSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.name")
    invitee = serializers.CharField(source="invitee.username")
    invited_by = serializers.CharField(source="invited_by.username", allow_null=True,
                                       default=None)
    status = serializers.CharField(help_text=STATUS_HELP)

    class Meta:
        model = TeamInvitation
        fields = ["id", "team", "invitee", "invited_by", "status", "created_at"]


class InvitationsSerializer(serializers.Serializer):
    received = InvitationSerializer(many=True, help_text="Pending invitations for you.")
    sent = InvitationSerializer(many=True, help_text="Pending invitations of your team.")


class InviteSerializer(serializers.Serializer):
    username = NameField()


class MergeRequestSerializer(serializers.ModelSerializer):
    from_team = serializers.CharField(source="from_team_name")
    to_team = serializers.CharField(source="to_team.name")
    status = serializers.CharField(help_text=STATUS_HELP)

    class Meta:
        model = MergeRequest
        fields = ["id", "from_team", "to_team", "status", "created_at"]


class MergeRequestsSerializer(serializers.Serializer):
    received = MergeRequestSerializer(many=True, help_text="Teams asking to join yours.")
    sent = MergeRequestSerializer(many=True, help_text="Your requests to join another team.")


class MergeAskSerializer(serializers.Serializer):
    team_name = NameField(help_text="The team that would take in yours.")
