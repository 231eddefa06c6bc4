"""The CLI's language: Japanese when the locale says so (LC_ALL, then LC_MESSAGES, then
LANG, as POSIX orders them), English otherwise.

The catalogue is a dictionary rather than a compiled gettext file: the client is installed
on learners' machines with pip and needs no build step. Its own messages are translated
here; the server's (problems, refusals) come in the same language through Accept-Language.
"""

import os
from collections.abc import Mapping

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def language(environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def gettext(message: str) -> str:
    """`message` in the locale's language (English text is the key)."""
    if language() == "ja":
        return JAPANESE.get(message, message)
    return message


_ = gettext

JAPANESE = {
    # kompe/cli.py
    "The Kompe command line.": "Kompe のコマンドライン",
    "store the server URL and your API token": "サーバーの URL と API トークンを保存する",
    "server URL (default {url})": "サーバーの URL（既定値 {url}）",
    "API token (asked for if not given)": "API トークン（省略すると入力を求めます）",
    "competition verbs": "コンペの操作",
    "competitions you can see": "見られるコンペの一覧",
    "a competition's data files": "コンペのデータファイル",
    "download a competition's data files": "コンペのデータファイルをダウンロードする",
    "join a competition (accepts its rules)": "コンペに参加する（ルールに同意します）",
    "submit a prediction file": "予測ファイルを投稿する",
    "check a file without submitting (no score, no quota)":
        "投稿せずにファイルを確認する（スコアなし、回数を消費しない）",
    "your submissions": "自分の投稿",
    "which submissions count for the private leaderboard":
        "Private リーダーボードで使われる投稿",
    "the leaderboard": "リーダーボード",
    "print JSON": "JSON で出力する",
    "a description of the submission": "投稿の説明",
    "wait for the score; exit 1 if the file failed":
        "スコアが出るまで待つ（ファイルが失敗したら終了コード 1）",
    "folder to download into": "ダウンロード先のフォルダ",
    "mark as final": "最終投稿にする",
    "no longer final": "最終投稿から外す",
    "kompe: {error}": "kompe: {error}",
    "kompe: no such file: {name}": "kompe: ファイルがありません: {name}",
    "API token (from your account page): ": "API トークン（アカウントページで作成）: ",
    "Saved to {path} (readable by you only).": "{path} に保存しました（あなただけが読めます）。",
    "slug": "スラッグ", "title": "タイトル", "phase": "状態", "end": "終了", "metric": "指標",
    "name": "名前", "size": "サイズ", "description": "説明", "id": "ID",
    "submitted": "投稿日時", "file": "ファイル", "status": "状態",
    "public score": "Public スコア", "rank": "順位", "change": "変動",
    "participant": "参加者", "score": "スコア", "entries": "投稿数",
    "best entry": "最高スコアの投稿",
    "Already complete, skipped: {names}": "ダウンロード済みのためスキップ: {names}",
    "Joined {competition} as {team}.": "{competition} に {team} として参加しました。",
    " (late: scored, not ranked)": "（締切後: 採点のみで順位なし）",
    "Submission {id} ({name}): {status}{late}": "投稿 {id}（{name}）: {status}{late}",
    "Public score: {score}": "Public スコア: {score}",
    "  … and {count} more": "  … ほか {count} 件",
    "{name} is valid. Nothing was submitted.":
        "{name} は有効です。まだ投稿されていません。",
    "{name}: {count} problem(s). Nothing was submitted.":
        "{name}: 問題が {count} 件あります。投稿されていません。",
    "none yet": "まだありません",
    "your best public submissions (none marked)":
        "Public スコアが最も高い投稿（最終投稿の指定なし）",
    "the submissions you marked": "あなたが指定した投稿",
    "Counting for the private leaderboard: {counting}: {how}; up to {limit} may be marked.":
        "Private リーダーボードで使われる投稿: {counting}: {how}。"
        "最大 {limit} 件まで指定できます。",
    "The competition has ended: finals can no longer change.":
        "コンペは終了しました。最終投稿はもう変更できません。",
    "higher is better": "高いほど良い", "lower is better": "低いほど良い",
    "public": "Public", "private": "Private",
    "{board} leaderboard, {metric} ({direction}), {count} ranked":
        "{board} リーダーボード、{metric}（{direction}）、{count} 人が順位付き",
    " (baseline)": "（ベースライン）",
    "queued": "待機中", "scoring": "採点中", "scored": "採点済み", "failed": "失敗",
    # kompe/cli.py: teams, notifications and discussion
    "your team in a competition": "コンペでの自分のチーム",
    "your team, its invite link and pending invitations":
        "自分のチーム、招待リンク、返事待ちの招待",
    "invite a user into your team by username": "ユーザー名を指定してチームに招待する",
    "accept an invitation (joins the competition if needed)":
        "招待を受ける（必要ならコンペにも参加します）",
    "leave your team for a team of your own": "チームを抜けて自分一人のチームに戻る",
    "which invitation (needed if you have several)": "受ける招待（複数あるときは必須）",
    "Invited: {user} (invitation {id})": "招待中: {user}（招待 {id}）",
    "Team {name}: {members} ({count} of at most {limit})":
        "チーム {name}: {members}（{count} 人、最大 {limit} 人）",
    "Invite link: {url}": "招待リンク: {url}",
    "Invitation {id} from team {team} (by {user}): kompe teams accept {id} -c SLUG":
        "チーム {team} からの招待 {id}（{user} より）: kompe teams accept {id} -c SLUG",
    "Invited {user} into {team}.": "{user} を {team} に招待しました。",
    "no invitation to accept": "受けられる招待はありません",
    "several invitations: name one": "招待が複数あります。どれか一つを指定してください",
    "You joined {team}.": "{team} に加わりました。",
    "You left your team; you are now {team}.": "チームを抜けました。今は {team} です。",
    "your unread notifications": "未読の通知",
    "read ones too": "既読の通知も表示する",
    "then mark them all read": "表示したあとすべて既読にする",
    "No unread notifications.": "未読の通知はありません。",
    "No notifications.": "通知はありません。",
    "Marked {count} read.": "{count} 件を既読にしました。",
    "a competition's discussion": "コンペのディスカッション",
    "the threads, announcements first": "スレッドの一覧（お知らせが先頭）",
    "a thread and its posts": "スレッドとその投稿",
    "start a thread (--title) or reply to one (--thread)":
        "スレッドを立てる（--title）か、スレッドに返信する（--thread）",
    "the new thread's title": "新しいスレッドのタイトル",
    "the thread to reply to": "返信するスレッド",
    "the text (Markdown)": "本文（Markdown）",
    "a file holding the text (Markdown)": "本文（Markdown）を収めたファイル",
    "a pinned announcement (organizers only)": "固定表示のお知らせ（運営者のみ）",
    "by": "投稿者", "last post": "最終投稿",
    "announcement": "お知らせ", "answered": "解決済み", "locked": "ロック中",
    " (answer)": "（回答）",
    "(deleted by its author)": "（投稿者が削除しました）",
    "(hidden by the organizers)": "（運営者が非表示にしました）",
    "Replied in thread {thread} (post {id}).": "スレッド {thread} に返信しました（投稿 {id}）。",
    "Started thread {id}: {title}": "スレッド {id} を立てました: {title}",
    # kompe/client.py
    "Submission {id} is still {status} after {seconds} s; check later with "
    "`kompe competitions submissions`.":
        "投稿 {id} は {seconds} 秒後もまだ {status} です。後で `kompe competitions "
        "submissions` で確認してください。",
    "Cannot reach the Kompe server at {url}: is the URL right (KOMPE_URL or "
    "`kompe login --url`), and is it up?":
        "Kompe サーバー {url} に接続できません。URL（KOMPE_URL または `kompe login --url`）"
        "が正しいか、サーバーが動いているか確認してください。",
    "The server at {url} did not answer in {seconds} s.":
        "サーバー {url} から {seconds} 秒以内に応答がありませんでした。",
    "Not authenticated.": "認証されていません。",
    "{detail} Create a token on your account page ({url}/account/) and run `kompe login`.":
        "{detail} アカウントページ（{url}/account/）でトークンを作成し、`kompe login` を"
        "実行してください。",
    "{detail} (retry after {seconds} s)": "{detail}（{seconds} 秒後に再試行してください）",
    "The server answered {status} for {url}.": "サーバーは {url} に {status} を返しました。",
}
