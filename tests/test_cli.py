"""The ``newsdesk`` command's own output: what reaches a terminal or a log is safe to print."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from newsdesk.cli import _EscapingFormatter, main
from newsdesk.model import Article, Story
from newsdesk.storage import SQLiteStore

HOSTILE_TITLE = "\x1b]0;owned\x07\x1b[2JFerry\u202e contract\x9b31m"
"""Sets the window title, clears the screen, reverses the line and starts an 8-bit escape."""


def _db_with_story(tmp_path: Path, title: str) -> Path:
    db = tmp_path / "news.db"
    article = Article(id="a-1", path="a.txt", title=title, paragraphs=["Signed on Monday."])
    with SQLiteStore(db) as store:
        store.add_articles([article])
        store.save_analysis(entities=[], quotes=[], claims=[], stories=[Story(id="s-1", title=title, articles=["a-1"])])
    return db


def test_skipped_lines_escape_file_names_so_they_cannot_forge_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = tmp_path / "a\nnewsdesk: skipped all is well.txt"
    forged.write_bytes(b"")

    code = main(["ingest", str(forged), "--db", str(tmp_path / "news.db")])

    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines() == [
        f"newsdesk: skipped {tmp_path}/a\\nnewsdesk: skipped all is well.txt: empty file",
        "newsdesk: 1 input(s) rejected",
    ]


def test_stories_listing_prints_no_escape_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _db_with_story(tmp_path, HOSTILE_TITLE)

    assert main(["stories", "--db", str(db)]) == 0

    out = capsys.readouterr().out
    assert not any(char in out for char in "\x1b\x07\u202e\x9b")
    assert out.rstrip("\n").endswith("Ferry contract 31m")


def test_stories_json_escapes_what_a_terminal_would_act_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _db_with_story(tmp_path, HOSTILE_TITLE)

    assert main(["stories", "--db", str(db), "--format", "json"]) == 0

    out = capsys.readouterr().out
    assert not any(char in out for char in "\x1b\x07\u202e\x9b")
    assert json.loads(out)[0]["title"] == HOSTILE_TITLE  # the data itself is unchanged


def test_error_lines_escape_what_the_user_gave(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "bad\x1b[2J\nnewsdesk: ok.toml"
    config.write_text("[nowhere]\n", encoding="utf-8")

    assert main(["--config", str(config), "stories", "--db", str(tmp_path / "news.db")]) == 2

    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("newsdesk: error: ") and "bad\\x1b[2J\\nnewsdesk: ok.toml" in line


def test_log_lines_escape_control_characters() -> None:
    record = logging.LogRecord(
        "newsdesk.x", logging.WARNING, __file__, 1, "skipped %s: %s", ("a\nb\x1b[2J", "bad"), None
    )

    line = _EscapingFormatter("newsdesk: %(message)s").format(record)

    assert line == "newsdesk: skipped a\\nb\\x1b[2J: bad"


def test_a_reader_that_goes_away_is_not_an_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = _db_with_story(tmp_path, "Ferry contract signed")
    command = [sys.executable, "-m", "newsdesk.cli", "stories", "--stored", "--db", str(db)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.close()  # `newsdesk stories | head -0`: nobody reads what it prints
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0
    assert b"Traceback" not in err and b"BrokenPipe" not in err
