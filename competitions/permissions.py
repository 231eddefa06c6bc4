"""The one place that decides who may act as a participant of a competition."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from . import selectors
from .services import NOT_JOINED


def participant_required(view):
    """Pass (competition, participation) to views that need a joined participant.

    Anonymous users go to the login page; signed-in users who have not joined go to
    the overview, where the rules and the join button are.
    """

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        competition = selectors.competition_for(request.user, slug)
        participation = selectors.participation_for(competition, request.user)
        if participation is None:
            messages.info(request, NOT_JOINED)
            return redirect("competition_overview", slug=slug)
        return view(request, competition, participation, *args, **kwargs)

    return wrapper


def host_required(view):
    """Pass the competition to views of its host; 404 for anyone else."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        competition = selectors.hosted_competition_for(request.user, slug)
        return view(request, competition, *args, **kwargs)

    return wrapper
