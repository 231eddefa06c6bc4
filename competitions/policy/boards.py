"""Who may see private scores and the private leaderboard."""

from ..models import Competition
from .errors import NotRevealed
from .people import organizes


def private_board_visible(user, competition: Competition) -> bool:
    """Private scores and ranks: to everyone once revealed (see
    Competition.private_board_revealed); before that, to its organizers only."""
    return competition.private_board_revealed() or organizes(user, competition)


def private_board_required(user, competition: Competition) -> None:
    if not private_board_visible(user, competition):
        raise NotRevealed(competition=competition)
