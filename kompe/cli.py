"""The `kompe` command: Kaggle-CLI-like verbs on the Kompe REST API.

    kompe login --url https://kompe.example --token KEY
    kompe competitions list
    kompe competitions files -c SLUG
    kompe competitions download -c SLUG -p DIR
    kompe competitions join -c SLUG
    kompe competitions submit -c SLUG -f FILE -m MESSAGE [--wait]
    kompe competitions validate -c SLUG -f FILE
    kompe competitions submissions -c SLUG
    kompe competitions finals -c SLUG [--mark ID | --unmark ID]
    kompe competitions leaderboard -c SLUG [--private]
    kompe teams show -c SLUG
    kompe teams invite USERNAME -c SLUG
    kompe teams accept [INVITATION_ID] -c SLUG
    kompe teams leave -c SLUG
    kompe notifications [--all] [--mark-read]
    kompe discussion list -c SLUG
    kompe discussion show -c SLUG THREAD
    kompe discussion post -c SLUG --title TITLE -m TEXT [--announcement]
    kompe discussion post -c SLUG --thread THREAD -m TEXT

Every verb takes --json for machine-readable output.
"""

import argparse
import getpass
import json
import sys
from pathlib import Path

from tqdm import tqdm

from . import config
from .client import ApiError, Client
from .i18n import _
from .tables import score, table

# Exit codes: 0 done, 1 refused or failed (the message says why), 2 wrong usage.
EXIT_FAILED = 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except ApiError as error:
        print(_("kompe: {error}").format(error=error), file=sys.stderr)
        return EXIT_FAILED
    except FileNotFoundError as error:
        print(_("kompe: no such file: {name}").format(name=error.filename), file=sys.stderr)
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kompe", description=_("The Kompe command line."))
    verbs = parser.add_subparsers(
        required=True, metavar="{login,competitions,teams,discussion,notifications}")
    login = verbs.add_parser("login", help=_("store the server URL and your API token"))
    login.add_argument("--url", default=None,
                       help=_("server URL (default {url})").format(url=config.DEFAULT_URL))
    login.add_argument("--token", default=None, help=_("API token (asked for if not given)"))
    login.set_defaults(run=_login)

    competitions = verbs.add_parser("competitions", aliases=["c"], help=_("competition verbs"))
    actions = competitions.add_subparsers(required=True, metavar="VERB")
    for name, run, helptext in [
        ("list", _list, "competitions you can see"),
        ("files", _files, "a competition's data files"),
        ("download", _download, "download a competition's data files"),
        ("join", _join, "join a competition (accepts its rules)"),
        ("submit", _submit, "submit a prediction file"),
        ("validate", _validate, "check a file without submitting (no score, no quota)"),
        ("submissions", _submissions, "your submissions"),
        ("finals", _finals, "which submissions count for the private leaderboard"),
        ("leaderboard", _leaderboard, "the leaderboard"),
    ]:
        action = actions.add_parser(name, help=_(helptext))
        action.set_defaults(run=run)
        action.add_argument("--json", action="store_true", help=_("print JSON"))
        if name != "list":
            action.add_argument("-c", "--competition", required=True, metavar="SLUG")
        if name in ("submit", "validate"):
            action.add_argument("-f", "--file", required=True, type=Path)
        if name == "submit":
            # -m/--message as in Kaggle's CLI; the API calls it the description.
            action.add_argument("-d", "--description", "-m", "--message", dest="description",
                                default="", help=_("a description of the submission"))
            action.add_argument("--wait", action="store_true",
                                help=_("wait for the score; exit 1 if the file failed"))
        if name == "download":
            action.add_argument("-p", "--path", type=Path, default=Path("."),
                                help=_("folder to download into"))
        if name == "finals":
            choice = action.add_mutually_exclusive_group()
            choice.add_argument("--mark", type=int, metavar="ID", help=_("mark as final"))
            choice.add_argument("--unmark", type=int, metavar="ID", help=_("no longer final"))
        if name == "leaderboard":
            action.add_argument("--private", action="store_true")
    _team_verbs(verbs)
    notifications = verbs.add_parser("notifications", help=_("your unread notifications"))
    notifications.add_argument("--all", action="store_true", help=_("read ones too"))
    notifications.add_argument("--mark-read", action="store_true",
                               help=_("then mark them all read"))
    notifications.add_argument("--json", action="store_true", help=_("print JSON"))
    notifications.set_defaults(run=_notifications)
    _discussion_parser(verbs)
    return parser


def _team_verbs(verbs) -> None:
    teams = verbs.add_parser("teams", aliases=["t"], help=_("your team in a competition"))
    actions = teams.add_subparsers(required=True, metavar="VERB")
    for name, run, helptext in [
        ("show", _team_show, _("your team, its invite link and pending invitations")),
        ("invite", _team_invite, _("invite a user into your team by username")),
        ("accept", _team_accept, _("accept an invitation (joins the competition if needed)")),
        ("leave", _team_leave, _("leave your team for a team of your own")),
    ]:
        action = actions.add_parser(name, help=helptext)
        action.set_defaults(run=run)
        action.add_argument("--json", action="store_true", help=_("print JSON"))
        action.add_argument("-c", "--competition", required=True, metavar="SLUG")
        if name == "invite":
            action.add_argument("username")
        if name == "accept":
            action.add_argument("invitation", nargs="?", type=int, metavar="INVITATION_ID",
                                help=_("which invitation (needed if you have several)"))


def _discussion_parser(verbs) -> None:
    discussion = verbs.add_parser("discussion", aliases=["d"],
                                  help=_("a competition's discussion"))
    actions = discussion.add_subparsers(required=True, metavar="VERB")
    for name, run, helptext in [
        ("list", _threads, _("the threads, announcements first")),
        ("show", _show_thread, _("a thread and its posts")),
        ("post", _post, _("start a thread (--title) or reply to one (--thread)")),
    ]:
        action = actions.add_parser(name, help=helptext)
        action.set_defaults(run=run)
        action.add_argument("--json", action="store_true", help=_("print JSON"))
        action.add_argument("-c", "--competition", required=True, metavar="SLUG")
    actions.choices["show"].add_argument("thread", type=int, metavar="THREAD")
    post = actions.choices["post"]
    where = post.add_mutually_exclusive_group(required=True)
    where.add_argument("--title", help=_("the new thread's title"))
    where.add_argument("--thread", type=int, metavar="THREAD", help=_("the thread to reply to"))
    text = post.add_mutually_exclusive_group(required=True)
    text.add_argument("-m", "--message", help=_("the text (Markdown)"))
    text.add_argument("-f", "--file", type=Path, help=_("a file holding the text (Markdown)"))
    post.add_argument("--announcement", action="store_true",
                      help=_("a pinned announcement (organizers only)"))


def _client() -> Client:
    return Client.from_environment()


def _print_json(value) -> int:
    print(json.dumps(value, ensure_ascii=False, indent=2))
    return 0


def _login(args) -> int:
    url = args.url or config.load().url
    token = args.token or getpass.getpass(_("API token (from your account page): ")).strip()
    client = Client(url, token)
    client.competitions()  # a wrong URL fails here, before anything is written
    path = config.save(url, token)
    print(_("Saved to {path} (readable by you only).").format(path=path))
    return 0


def _list(args) -> int:
    competitions = _client().competitions()
    if args.json:
        return _print_json(competitions)
    print(table(_all(["slug", "title", "phase", "end", "metric"]), [
        [c["slug"], c["title"], c["phase"], c["end_at"] or "-", c["metric"]]
        for c in competitions]))
    return 0


def _files(args) -> int:
    files = _client().files(args.competition)
    if args.json:
        return _print_json(files)
    print(table(_all(["name", "size", "description"]),
                [[f["name"], f["size"], f["description"]] for f in files]))
    return 0


def _download(args) -> int:
    client = _client()
    files = client.files(args.competition)
    args.path.mkdir(parents=True, exist_ok=True)
    done = []
    for file in files:
        with tqdm(total=file["size"], unit="B", unit_scale=True, desc=file["name"],
                  disable=args.json, leave=True) as bar:
            path, fetched = client.download(file, args.path, progress=bar.update)
            if not fetched:
                bar.update(file["size"])
        done.append({"name": file["name"], "path": str(path), "downloaded": fetched})
    if args.json:
        return _print_json(done)
    skipped = [item["name"] for item in done if not item["downloaded"]]
    if skipped:
        print(_("Already complete, skipped: {names}").format(names=", ".join(skipped)))
    return 0


def _join(args) -> int:
    joined = _client().join(args.competition)
    if args.json:
        return _print_json(joined)
    print(_("Joined {competition} as {team}.").format(competition=joined["competition"],
                                                      team=joined["team"]))
    return 0


def _submit(args) -> int:
    client = _client()
    submission = client.submit(args.competition, args.file, args.description)
    if args.wait:
        submission = client.wait(submission["id"])
    if args.json:
        _print_json(submission)
    else:
        _print_submission(submission)
    return EXIT_FAILED if submission["status"] == "failed" else 0


def _print_submission(submission: dict) -> None:
    late = _(" (late: scored, not ranked)") if submission.get("is_late") else ""
    print(_("Submission {id} ({name}): {status}{late}").format(
        id=submission["id"], name=submission["file_name"], status=_(submission["status"]),
        late=late))
    if submission["status"] == "scored":
        print(_("Public score: {score}").format(score=score(submission["public_score"])))
        for name, value in submission.get("extra_public_scores", {}).items():
            print(f"  {name}: {score(value)}")
    _print_problems(submission.get("problems", []), submission.get("problem_count", 0))


def _print_problems(problems: list[dict], total: int) -> None:
    for problem in problems:
        print(f"  {problem['message']}")
    if total > len(problems):
        print(_("  … and {count} more").format(count=total - len(problems)))


def _validate(args) -> int:
    result = _client().validate(args.competition, args.file)
    if args.json:
        _print_json(result)
    elif result["valid"]:
        print(_("{name} is valid. Nothing was submitted.").format(name=args.file.name))
    else:
        print(_("{name}: {count} problem(s). Nothing was submitted.").format(
            name=args.file.name, count=result["problem_count"]))
        _print_problems(result["problems"], result["problem_count"])
    return 0 if result["valid"] else EXIT_FAILED


def _submissions(args) -> int:
    submissions = _client().submissions(args.competition)
    if args.json:
        return _print_json(submissions)
    print(table(_all(["id", "submitted", "file", "status", "public score", "description"]), [
        [s["id"], s["created_at"][:19].replace("T", " "), s["file_name"], _(s["status"]),
         score(s["public_score"]), s["description"]] for s in submissions]))
    return 0


def _finals(args) -> int:
    client = _client()
    if args.mark is not None or args.unmark is not None:
        client.mark_final(args.mark if args.mark is not None else args.unmark,
                          final=args.mark is not None)
    finals = client.finals(args.competition)
    if args.json:
        return _print_json(finals)
    counting = ", ".join(f"#{pk}" for pk in finals["counting"]) or _("none yet")
    how = (_("your best public submissions (none marked)") if finals["automatic"]
           else _("the submissions you marked"))
    print(_("Counting for the private leaderboard: {counting}: {how}; up to {limit} may be "
            "marked.").format(counting=counting, how=how, limit=finals["limit"]))
    if not finals["can_change"]:
        print(_("The competition has ended: finals can no longer change."))
    return 0


def _leaderboard(args) -> int:
    board = _client().leaderboard(args.competition, private=args.private)
    if args.json:
        return _print_json(board)
    direction = _("higher is better") if board["higher_is_better"] else _("lower is better")
    print(_("{board} leaderboard, {metric} ({direction}), {count} ranked").format(
        board=_(board["board"]), metric=board["metric"], direction=direction,
        count=board["ranked_count"]))
    private = board["board"] == "private"
    header = _all(["rank", *(["change"] if private else []), "participant", "score", "entries",
                   "best entry"])
    print(table(header, [
        [_rank(row), *([_shake_up(row["shake_up"])] if private else []),
         row["participant"] + _members(row) + (_(" (baseline)") if row["is_baseline"] else ""),
         score(row["score"]), row["entries"], row["best_at"][:19].replace("T", " ")]
        for row in board["rows"]]))
    return 0


def _all(words: list[str]) -> list[str]:
    return [_(word) for word in words]


def _members(row: dict) -> str:
    """A team's members after its name, unless it is one person under their own name."""
    members = row.get("members") or []
    if not members or members == [row["participant"]]:
        return ""
    return f" ({', '.join(members)})"


def _notifications(args) -> int:
    client = _client()
    notifications = client.notifications(unread_only=not args.all)
    if args.json:
        _print_json(notifications)
    elif not notifications:
        print(_("No unread notifications.") if not args.all else _("No notifications."))
    else:
        for notification in notifications:
            when = notification["created_at"][:16].replace("T", " ")
            mark = " " if notification["read"] else "*"
            print(f"{mark} {when}  {notification['text']}")
            if notification["link"]:
                print(f"    {notification['link']}")
    if args.mark_read:
        marked = client.mark_notifications_read()
        if not args.json:
            print(_("Marked {count} read.").format(count=marked))
    return 0


def _rank(row: dict) -> str:
    """The rank, "-" for a baseline, and "*" for your own row."""
    rank = "-" if row["rank"] is None else str(row["rank"])
    return f"{rank} *" if row["is_mine"] else rank


def _shake_up(places: int | None) -> str:
    if places is None:
        return ""
    return "=" if places == 0 else f"{places:+d}"


def _team_show(args) -> int:
    client = _client()
    team = client.team(args.competition)
    invitations = client.invitations(args.competition)
    if args.json:
        return _print_json({**team, "invitations": invitations})
    _print_team(team)
    for invitation in invitations["sent"]:
        print(_("Invited: {user} (invitation {id})").format(user=invitation["invitee"],
                                                            id=invitation["id"]))
    _print_received(invitations["received"])
    return 0


def _print_team(team: dict) -> None:
    names = ", ".join(member["name"] for member in team["members"])
    print(_("Team {name}: {members} ({count} of at most {limit})").format(
        name=team["name"], members=names, count=len(team["members"]), limit=team["max_size"]))
    if team["invite_url"]:
        print(_("Invite link: {url}").format(url=team["invite_url"]))


def _print_received(received: list[dict]) -> None:
    for invitation in received:
        print(_("Invitation {id} from team {team} (by {user}): kompe teams accept {id} "
                "-c SLUG").format(id=invitation["id"], team=invitation["team"],
                                  user=invitation["invited_by"]))


def _team_invite(args) -> int:
    invitation = _client().invite(args.competition, args.username)
    if args.json:
        return _print_json(invitation)
    print(_("Invited {user} into {team}.").format(user=invitation["invitee"],
                                                  team=invitation["team"]))
    return 0


def _team_accept(args) -> int:
    client = _client()
    invitation_id = args.invitation
    if invitation_id is None:
        received = client.invitations(args.competition)["received"]
        if len(received) != 1:
            problem = (_("no invitation to accept") if not received
                       else _("several invitations: name one"))
            print(_("kompe: {error}").format(error=problem), file=sys.stderr)
            _print_received(received)
            return EXIT_FAILED
        invitation_id = received[0]["id"]
    team = client.accept_invitation(args.competition, invitation_id)
    if args.json:
        return _print_json(team)
    print(_("You joined {team}.").format(team=team["name"]))
    _print_team(team)
    return 0


def _team_leave(args) -> int:
    team = _client().leave_team(args.competition)
    if args.json:
        return _print_json(team)
    print(_("You left your team; you are now {team}.").format(team=team["name"]))
    return 0


def _threads(args) -> int:
    threads = _client().threads(args.competition)
    if args.json:
        return _print_json(threads)
    print(table(_all(["id", "title", "by", "last post", ""]), [
        [t["id"], t["title"], t["author"] or "-", _when(t["last_posted_at"]), _flags(t)]
        for t in threads]))
    return 0


def _flags(thread: dict) -> str:
    return " ".join(flag for flag, on in ((_("announcement"), thread["is_announcement"]),
                                          (_("answered"), thread["answer"] is not None),
                                          (_("locked"), thread["is_locked"])) if on)


def _show_thread(args) -> int:
    client = _client()
    thread = client.thread(args.competition, args.thread)
    posts = client.posts(args.competition, args.thread)
    if args.json:
        return _print_json({**thread, "posts": posts})
    print(f"#{thread['id']} {thread['title']}" + (f" [{_flags(thread)}]" if _flags(thread)
                                                  else ""))
    for post in posts:
        mark = _(" (answer)") if post["is_answer"] else ""
        print(f"\n--- {post['author'] or '-'}, {_when(post['created_at'])}{mark}")
        if post["is_deleted"]:
            print(_("(deleted by its author)"))
        elif post["body"] is None:
            print(_("(hidden by the organizers)"))
        else:
            print(post["body"])
    return 0


def _post(args) -> int:
    client = _client()
    body = args.message if args.message is not None else args.file.read_text(encoding="utf-8")
    if args.thread is not None:
        made = client.reply(args.competition, args.thread, body)
        if args.json:
            return _print_json(made)
        print(_("Replied in thread {thread} (post {id}).").format(thread=args.thread,
                                                                   id=made["id"]))
    else:
        made = client.start_thread(args.competition, args.title, body, args.announcement)
        if args.json:
            return _print_json(made)
        print(_("Started thread {id}: {title}").format(id=made["id"], title=made["title"]))
    return 0


def _when(stamp: str) -> str:
    return stamp[:16].replace("T", " ")
