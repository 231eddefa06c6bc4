"""Competitions, their data files and joining."""

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import policy, services
from ..policy.drf import CompetitionScoped, CompetitionVisible, MayDownloadData
from .schema import JOIN_FIRST
from .serializers import CompetitionSerializer, DataFileSerializer, JoinedSerializer


class CompetitionList(generics.ListAPIView):
    serializer_class = CompetitionSerializer
    throttle_scope = "read"

    def get_queryset(self):
        return policy.listed_competitions(self.request.user)


class CompetitionDetail(CompetitionScoped, generics.RetrieveAPIView):
    serializer_class = CompetitionSerializer
    throttle_scope = "read"

    def get_object(self):
        return self.get_competition()


class JoinCompetition(CompetitionScoped, APIView):
    """Join the competition: this accepts its rules (read them in `rules` first)."""

    permission_classes = [permissions.IsAuthenticated, CompetitionVisible]
    throttle_scope = "read"

    @extend_schema(request=None, responses={200: OpenApiResponse(JoinedSerializer, description=(
        "Joined (or had joined already); the time the rules were accepted."))})
    def post(self, request, slug):
        competition = self.get_competition()
        participation = services.join_competition(competition=competition, user=request.user)
        return Response(JoinedSerializer({
            "competition": competition.slug, "team": participation.team.name,
            "accepted_rules_at": participation.accepted_rules_at}).data,
            status=status.HTTP_200_OK)


class DataFileList(CompetitionScoped, generics.ListAPIView):
    """The competition's files with their download URLs (joined participants and the
    organizers)."""

    serializer_class = DataFileSerializer
    permission_classes = [permissions.IsAuthenticated, MayDownloadData]
    throttle_scope = "read"

    @extend_schema(responses={200: DataFileSerializer(many=True), 403: JOIN_FIRST})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.get_competition().data_files.select_related("competition")


class DataFileDownload(CompetitionScoped, APIView):
    permission_classes = [permissions.IsAuthenticated, MayDownloadData]
    throttle_scope = "read"

    @extend_schema(responses={(200, "*/*"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The file's bytes."), 403: JOIN_FIRST})
    def get(self, request, slug, name):
        data_file = self.get_competition().data_files.filter(name=name).first()
        if data_file is None:
            raise policy.Hidden(_("No such file."))
        return FileResponse(data_file.file.open("rb"), as_attachment=True,
                            filename=data_file.name)
