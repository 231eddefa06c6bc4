"""Competitions, their data files and joining."""

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from .access import competition_or_404, participation_or_403
from .schema import JOIN_FIRST
from .serializers import CompetitionSerializer, DataFileSerializer, JoinedSerializer


class CompetitionList(generics.ListAPIView):
    serializer_class = CompetitionSerializer
    throttle_scope = "read"

    def get_queryset(self):
        return selectors.listed_competitions(self.request.user)


class CompetitionDetail(generics.RetrieveAPIView):
    serializer_class = CompetitionSerializer
    throttle_scope = "read"

    def get_object(self):
        return competition_or_404(self.request, self.kwargs["slug"])


class JoinCompetition(APIView):
    """Join the competition: this accepts its rules (read them in `rules` first)."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(request=None, responses={200: OpenApiResponse(JoinedSerializer, description=(
        "Joined (or had joined already); the time the rules were accepted."))})
    def post(self, request, slug):
        competition = competition_or_404(request, slug)
        participation = services.join_competition(competition=competition, user=request.user)
        return Response(JoinedSerializer({
            "competition": competition.slug, "team": participation.team.name,
            "accepted_rules_at": participation.accepted_rules_at}).data,
            status=status.HTTP_200_OK)


class DataFileList(generics.ListAPIView):
    """The competition's files with their download URLs (joined participants only)."""

    serializer_class = DataFileSerializer
    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(responses={200: DataFileSerializer(many=True), 403: JOIN_FIRST})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        competition = competition_or_404(self.request, self.kwargs["slug"])
        participation_or_403(self.request, competition)
        return competition.data_files.select_related("competition")


class DataFileDownload(APIView):
    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(responses={(200, "*/*"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The file's bytes."), 403: JOIN_FIRST})
    def get(self, request, slug, name):
        competition = competition_or_404(request, slug)
        participation_or_403(request, competition)
        data_file = competition.data_files.filter(name=name).first()
        if data_file is None:
            raise NotFound(_("No such file."))
        return FileResponse(data_file.file.open("rb"), as_attachment=True,
                            filename=data_file.name)
