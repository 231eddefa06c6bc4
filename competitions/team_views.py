"""The Team tab: members, invitations, the invite link, rename, leave and merges. Each
action is a POST that calls one service of competitions.teams and comes back here."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import policy, teams
from .forms import JoinForm
from .models import Standing
from .throttling import invitation_refusal
from .views import tab_context


class RenameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Team name"), max_length=150)


class InviteForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)


class MergeForm(forms.Form):
    team_name = forms.CharField(label=gettext_lazy("Name of the team to merge into"),
                                max_length=150)


class LeaveForm(forms.Form):
    """Leaving is one click otherwise and takes a new invitation to undo: the box is ticked
    on purpose (the browser asks for it too, without any script)."""
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, I leave this team for a team of my own."), required=True)


LEAVE_NOT_CONFIRMED = gettext_lazy("Tick the box to confirm that you leave the team.")


def team_action(view):
    """A POST on the Team tab: the service's refusal becomes a message on the tab."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        competition = policy.competition_for(request.user, slug)
        try:
            done = view(request, competition, *args, **kwargs)
        except teams.TeamRefused as refusal:
            messages.error(request, str(refusal.message))
        else:
            if done:
                messages.success(request, done)
        return redirect("team", slug=competition.slug)

    return login_required(require_POST(wrapper))


@login_required
def team(request, slug):
    competition = policy.competition_for(request.user, slug)
    participation = policy.participation_for(competition, request.user)
    context = {**tab_context(request, competition, "team", participation),
               "received": teams.pending_invitations_received(competition, request.user),
               "join_form": JoinForm(), "rename_form": RenameForm(), "invite_form": InviteForm(),
               "merge_form": MergeForm(), "leave_form": LeaveForm()}
    if participation is not None:
        own = participation.team
        context.update({
            "team": own, "members": teams.members(own),
            "sent": teams.pending_invitations_sent(own), "merges": teams.pending_merges(own),
            "standing": Standing.objects.filter(team=own).first(),
            "changes_open": competition.accepts_team_changes() and own.is_ranked,
            "invite_url": (request.build_absolute_uri(
                reverse("team_join", args=[competition.slug, teams.invite_token(own)]))
                if competition.accepts_team_changes() and own.is_ranked else None)})
        context["rename_form"] = RenameForm(initial={"name": own.name})
    return render(request, "competitions/team.html", context)


@team_action
def team_rename(request, competition):
    participation = policy.participation_required(competition, request.user)
    form = RenameForm(request.POST)
    if not form.is_valid():
        raise teams.TeamRefused(teams.NAME_EMPTY, "invalid_name")
    renamed = teams.team_rename(participation=participation, name=form.cleaned_data["name"])
    return _("Your team is now called “%(name)s”.") % {"name": renamed.name}


@team_action
def team_invite(request, competition):
    participation = policy.participation_required(competition, request.user)
    too_often = invitation_refusal(request)
    if too_often:
        raise teams.TeamRefused(too_often, "throttled")
    form = InviteForm(request.POST)
    if not form.is_valid():
        raise teams.TeamRefused(teams.NO_SUCH_USER % {"username": ""}, "no_such_user")
    invitation = teams.invitation_create(participation=participation,
                                         username=form.cleaned_data["username"])
    return _("%(username)s is invited.") % {"username": invitation.invitee.get_username()}


@team_action
def team_link_replace(request, competition):
    participation = policy.participation_required(competition, request.user)
    teams.replace_invite_token(participation=participation)
    return _("Your team has a new invite link: the old one no longer works.")


@team_action
def team_leave(request, competition):
    participation = policy.participation_required(competition, request.user)
    if not LeaveForm(request.POST).is_valid():
        raise teams.TeamRefused(LEAVE_NOT_CONFIRMED, "not_confirmed")
    teams.team_leave(participation=participation)
    return _("You left the team. You are now a team of one.")


@team_action
def team_merge(request, competition):
    participation = policy.participation_required(competition, request.user)
    form = MergeForm(request.POST)
    if not form.is_valid():
        raise teams.TeamRefused(teams.NO_SUCH_TEAM % {"name": ""}, "no_such_team")
    request_ = teams.merge_request_create(participation=participation,
                                          team_name=form.cleaned_data["team_name"])
    return _("Your merge request was sent to “%(name)s”.") % {"name": request_.to_team.name}


@team_action
def invitation_answer(request, competition, pk, answer):
    invitation = policy.invitation_for(request.user, competition, pk)
    if answer == "decline":
        teams.invitation_decline(invitation=invitation, user=request.user)
        return _("The invitation was declined.")
    _rules_accepted(request, competition)
    teams.invitation_accept(invitation=invitation, user=request.user)
    return _("You joined the team “%(name)s”.") % {"name": invitation.team.name}


@team_action
def merge_answer(request, competition, pk, answer):
    merge = policy.merge_request_for(request.user, competition, pk)
    if answer == "decline":
        teams.merge_decline(request=merge, user=request.user)
        return _("The merge request was declined.")
    merged = teams.merge_accept(request=merge, user=request.user)
    return _("The teams are merged into “%(name)s”.") % {"name": merged.name}


def team_join(request, slug, token):
    """The invite link: shows the team (and the rules, for someone who has not joined);
    a POST joins it."""
    competition = policy.competition_for(request.user, slug)
    if not request.user.is_authenticated:
        raise policy.SignInRequired()
    joining = teams.team_for_token(competition, token)
    participation = policy.participation_for(competition, request.user)
    if request.method == "POST":
        try:
            _rules_accepted(request, competition)
            teams.join_by_link(competition=competition, token=token, user=request.user)
        except teams.TeamRefused as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("You joined the team “%(name)s”.") % {
                "name": joining.name})
            return redirect("team", slug=competition.slug)
    return render(request, "competitions/team_join.html", {
        **tab_context(request, competition, "team", participation),
        "joining": joining, "joining_members": teams.members(joining), "token": token,
        "join_form": JoinForm()})


def _rules_accepted(request, competition) -> None:
    """Someone who has not joined accepts the rules by joining a team."""
    if policy.participation_for(competition, request.user) is None and not JoinForm(
            request.POST).is_valid():
        raise teams.TeamRefused(_("Accept the rules to join."), "rules_not_accepted")
