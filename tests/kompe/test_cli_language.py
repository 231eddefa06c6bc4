"""The `kompe` CLI speaks the locale's language: LC_ALL, then LC_MESSAGES, then LANG."""

import ast
from pathlib import Path

import pytest

import kompe
from kompe import cli, i18n
from kompe.client import Client


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "ja_JP.UTF-8"}, "ja"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "ja_JP.UTF-8"}, "ja"),
    ({"LANG": "ja_JP.UTF-8", "LC_ALL": "C.UTF-8"}, "en"),
    ({"LANG": "ja_JP.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
    ({"LANG": "C"}, "en"),
    ({}, "en"),
])
def test_the_language_follows_the_posix_locale_variables(environ, expected):
    assert i18n.language(environ) == expected


def test_every_message_of_the_client_has_a_japanese_translation():
    folder = Path(kompe.__file__).parent
    marked = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.args):
                continue
            if node.func.id == "_" and isinstance(node.args[0], ast.Constant):
                marked.add(node.args[0].value)
            # Table headers go through _all(["id", "title", ...]) one word at a time.
            if node.func.id == "_all" and isinstance(node.args[0], ast.List):
                marked.update(word.value for word in ast.walk(node.args[0])
                              if isinstance(word, ast.Constant) and word.value)
    listed = {"list", "files", "download", "join", "submit", "validate", "submissions",
              "finals", "leaderboard"}
    assert marked - set(i18n.JAPANESE) == set()
    assert len(marked) > 80 and listed.isdisjoint(marked)


def test_offline_errors_and_help_are_in_japanese_under_a_japanese_locale(
        monkeypatch, capsys):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.setenv("KOMPE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("KOMPE_TOKEN", "x")
    assert cli.main(["competitions", "list"]) == 1
    assert "Kompe サーバー http://127.0.0.1:9 に接続できません" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["competitions", "--help"])
    assert "予測ファイルを投稿する" in capsys.readouterr().out
    assert Client("http://x", None).session.headers["Accept-Language"] == "ja"


@pytest.mark.parametrize(("argv", "japanese"), [
    (["teams", "--help"], "ユーザー名を指定してチームに招待する"),
    (["teams", "accept", "--help"], "受ける招待（複数あるときは必須）"),
    (["notifications", "--help"], "既読の通知も表示する"),
    (["discussion", "--help"], "スレッドの一覧（お知らせが先頭）"),
    (["discussion", "post", "--help"], "固定表示のお知らせ（運営者のみ）"),
    (["--help"], "コンペでの自分のチーム"),
])
def test_the_team_notification_and_discussion_help_is_japanese_under_a_japanese_locale(
        monkeypatch, capsys, argv, japanese):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    with pytest.raises(SystemExit):
        cli.main(argv)
    assert japanese in capsys.readouterr().out


def test_english_stays_english(monkeypatch, capsys):
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    monkeypatch.setenv("KOMPE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("KOMPE_TOKEN", "x")
    assert cli.main(["competitions", "list"]) == 1
    assert "Cannot reach the Kompe server at http://127.0.0.1:9" in capsys.readouterr().err
