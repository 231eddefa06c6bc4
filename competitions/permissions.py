"""Page decorators that ask the policy layer (refusals become pages in policy.http)."""

from functools import wraps

from . import policy


def participant_required(view):
    """Pass (competition, participation) to views that need a joined participant.

    Anonymous users go to the login page; signed-in users who have not joined go to
    the overview, where the rules and the join button are (see policy.http).
    """

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        competition = policy.competition_for(request.user, slug)
        participation = policy.participation_required(competition, request.user)
        return view(request, competition, participation, *args, **kwargs)

    return wrapper


def host_required(view):
    """Pass the competition to views of its host; anyone else finds nothing."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not request.user.is_authenticated:
            raise policy.SignInRequired()
        competition = policy.hosted_competition_for(request.user, slug)
        return view(request, competition, *args, **kwargs)

    return wrapper
