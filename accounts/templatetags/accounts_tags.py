from django import template

from accounts import names

register = template.Library()


@register.filter
def display_name(user) -> str:
    """`{{ user|display_name }}`: the display name, else the username."""
    return names.display_name(user)


@register.simple_tag
def board_names(rows) -> dict[int, str]:
    """`{% board_names leaderboard.rows as names %}`: what each row's team is called, in one
    query (see names.board_names)."""
    return names.board_names([row.team_id for row in rows])


@register.filter
def board_name(row, board_names: dict) -> str:
    """`{{ row|board_name:names }}`: the team's name as the board shows it."""
    return board_names.get(row.team_id) or row.team_name
