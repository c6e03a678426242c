"""Tests of newsdesk.ingest: every bad input is reported and skipped, the rest read."""

from __future__ import annotations

import errno
import io
import json
import os
import random
from pathlib import Path

import pytest

from newsdesk.ingest import IngestSettings, iter_documents
from newsdesk.ingest.encoding import UNDECODABLE
from newsdesk.ingest.readers import sniff_format
from newsdesk.model import Problem, RawDocument

BIDI_OVERRIDE = "\u202e"
ARTICLE = "Harbour bridge closes\n\nThe council voted on Monday to close the bridge.\n\nWork starts in spring.\n"
CP1252_ARTICLE = "Caf\u00e9 owners protest\n\nThe \u201cna\u00efve\u201d plan will cost \u00a320 \u2014 owners said.\n"


def ingest(*paths: str | Path, **kwargs) -> tuple[list[RawDocument], list[Problem]]:
    items = list(iter_documents([str(p) for p in paths], **kwargs))
    docs = [item for item in items if isinstance(item, RawDocument)]
    problems = [item for item in items if isinstance(item, Problem)]
    assert len(docs) + len(problems) == len(items)
    return docs, problems


def reasons(problems: list[Problem]) -> dict[str, str]:
    return {problem.path: problem.reason for problem in problems}


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def random_bytes(size: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(size))


# --- plain text ---------------------------------------------------------------


def test_text_file_is_read_as_is(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)

    docs, problems = ingest(path)

    assert problems == []
    assert docs == [RawDocument(path=str(path), body=ARTICLE, encoding="utf-8")]


def test_newlines_normalised_and_bom_stripped(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"\xef\xbb\xbfTitle\r\n\r\nPara one.\rPara two.\r\n")

    [doc], _ = ingest(path)

    assert doc.body == "Title\n\nPara one.\nPara two.\n"


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE.encode("utf-16"))

    [doc], problems = ingest(path)

    assert problems == [] and doc.body == ARTICLE
    assert doc.encoding is not None and doc.encoding.startswith("utf-16")


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    docs, problems = ingest(write(tmp_path / "A.TXT", ARTICLE), write(tmp_path / "b.Md", ARTICLE))

    assert len(docs) == 2 and problems == []


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    empty, blank = write(tmp_path / "empty.txt", b""), write(tmp_path / "blank.txt", " \n\t\n")

    docs, problems = ingest(empty, blank)

    assert docs == []
    assert reasons(problems) == {str(empty): "empty file", str(blank): "empty file (whitespace only)"}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (random_bytes(4096), "binary file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random_bytes(200), "binary file (looks like PNG image)"),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "binary file (looks like PDF)",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00" + random_bytes(100), "binary file (looks like ZIP archive)"),
        (b"\x1f\x8b\x08\x00" + random_bytes(100), "binary file (looks like gzip archive)"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary file (looks like JPEG image)"),
        (bytes(range(1, 32)) * 10 + b"some text", "binary file"),
    ],
)
def test_binary_files_are_rejected(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path / "a.txt", data)

    docs, problems = ingest(path)

    assert docs == [] and reasons(problems) == {str(path): reason}


def test_cp1252_text_is_decoded_and_encoding_recorded(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", CP1252_ARTICLE.encode("cp1252"))

    [doc], problems = ingest(path)

    assert problems == []
    assert doc.body == CP1252_ARTICLE
    assert doc.encoding == "cp1252"


def test_short_cp1252_text_is_not_misread_as_another_code_page(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Caf\u00e9 au lait\n".encode("cp1252"))

    [doc], _ = ingest(path)

    assert (doc.body, doc.encoding) == ("Caf\u00e9 au lait\n", "cp1252")


def test_non_western_legacy_encoding_is_detected(tmp_path: Path) -> None:
    text = "Президент заявил, что переговоры продолжатся в понедельник, сообщает агентство.\n"
    path = write(tmp_path / "a.txt", text.encode("cp1251"))

    [doc], _ = ingest(path)

    assert (doc.body, doc.encoding) == (text, "cp1251")


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="iso-8859-15"><title>\u20ac</title></head>'
        "<body><p>Caf\u00e9 \u20ac5</p></body></html>"
    )
    path = write(tmp_path / "a.html", html.encode("iso-8859-15"))

    [doc], _ = ingest(path)

    assert doc.is_html and doc.body == html and doc.encoding == "iso8859_15"


def test_mostly_utf8_with_a_stray_byte_is_utf8(tmp_path: Path) -> None:
    text = "Z\u00fcrich \u2014 \u201cquoted\u201d words. " * 50
    path = write(tmp_path / "a.txt", text.encode("utf-8") + b"\x93 end")

    [doc], _ = ingest(path)

    assert doc.encoding == "utf-8" and doc.body.startswith(text) and doc.body.endswith("\ufffd end")


def test_undecodable_bytes_are_rejected(tmp_path: Path) -> None:
    rng = random.Random(1)
    path = write(tmp_path / "a.txt", bytes(rng.randrange(0x80, 0x100) for _ in range(2000)))

    docs, problems = ingest(path)

    assert docs == [] and reasons(problems) == {str(path): UNDECODABLE}


# --- size ---------------------------------------------------------------------


def test_huge_file_is_rejected_by_size_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: costs no disk space or time
    small = write(tmp_path / "small.txt", ARTICLE)

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file must not be opened")

    monkeypatch.setattr("newsdesk.ingest.sources.open", no_open, raising=False)
    with pytest.raises(AssertionError):  # the patch does guard reads
        ingest(small)

    docs, problems = ingest(huge)

    assert docs == []
    assert reasons(problems) == {str(huge): "file too large: 52.4 MB > 20.0 MB limit"}


def test_size_limit_is_a_setting(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)

    _, problems = ingest(path, settings=IngestSettings(max_bytes=20))

    assert reasons(problems) == {str(path): f"file too large: {len(ARTICLE.encode())} bytes > 20 bytes limit"}


class CountingStream(io.BytesIO):
    """A stdin double that records how much was asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.requested: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.requested.append(-1 if size is None else size)
        return super().read(size)


def test_stdin_reads_at_most_the_limit(tmp_path: Path) -> None:
    stream = CountingStream(b"x" * 10_000)

    docs, problems = ingest("-", settings=IngestSettings(max_bytes=1000), stdin=stream)

    assert docs == []
    assert reasons(problems) == {"-": "input too large: more than 1.0 KB limit"}
    assert stream.requested == [1001]


# --- JSONL --------------------------------------------------------------------


def jsonl_line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_jsonl_broken_line_between_good_ones(tmp_path: Path) -> None:
    lines = [
        jsonl_line(
            title="First",
            text="Body one.",
            url="https://a.test/1",
            source="A",
            author="Ann",
            published="2024-01-02",
        ),
        '{"title": "Broken", "text": "no closing brace"',
        jsonl_line(title="Third", html="<html><body><p>Body three.</p></body></html>"),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")

    docs, problems = ingest(path)

    assert [doc.path for doc in docs] == [f"{path}:1", f"{path}:3"]
    first, third = docs
    assert first.body == "First\n\nBody one." and not first.is_html
    assert (first.title, first.url, first.source, first.author, first.published) == (
        "First",
        "https://a.test/1",
        "A",
        "Ann",
        "2024-01-02",
    )
    assert third.is_html and third.title == "Third" and third.body.startswith("<html>")
    [problem] = problems
    assert problem.path == str(path)
    assert problem.reason.startswith("invalid JSON on line 2: ")


def test_jsonl_larger_than_the_limit_is_read_in_blocks_of_lines(tmp_path: Path) -> None:
    records = [jsonl_line(title=f"Story {n}", text=f"Body {n} " + "word " * 20) for n in range(40)]
    records[7] = jsonl_line(title="Too long", text="word " * 200)
    records[20] = ""  # a blank line keeps its number
    path = write(tmp_path / "export.jsonl", "\n".join(records) + "\n")
    limit = 400
    assert path.stat().st_size > 5 * limit

    docs, problems = ingest(path, settings=IngestSettings(max_bytes=limit))

    numbers = [n for n in range(40) if n not in (7, 20)]
    assert [doc.path for doc in docs] == [f"{path}:{n + 1}" for n in numbers]
    assert [doc.title for doc in docs] == [f"Story {n}" for n in numbers]
    assert reasons(problems) == {str(path): "line 8 too large: more than 400 bytes"}


def test_jsonl_within_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = write(tmp_path / "small.jsonl", jsonl_line(title="One", text="Body.") + "\n")

    docs, problems = ingest(path, settings=IngestSettings(max_bytes=10_000))

    assert [doc.path for doc in docs] == [f"{path}:1"] and problems == []


def test_jsonl_bad_records(tmp_path: Path) -> None:
    lines = [
        "",
        "[1, 2]",
        jsonl_line(title="No body", url="https://a.test"),
        jsonl_line(text=42),
        jsonl_line(text="   "),
        "   ",
        jsonl_line(text="Untitled body.", author=["not", "a", "string"]),
    ]
    path = write(tmp_path / "feed.ndjson", "\r\n".join(lines))

    docs, problems = ingest(path)

    assert [problem.reason for problem in problems] == [
        "line 2: expected a JSON object, got an array",
        "line 3: no text or html field",
        "line 4: text field is a number, not a string",
        "line 5: text and html fields are empty",
    ]
    [doc] = docs
    assert (doc.path, doc.body, doc.title, doc.author) == (f"{path}:7", "Untitled body.", None, None)


def test_jsonl_line_separators_inside_strings_do_not_split_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "feed.jsonl", jsonl_line(title="T", text="a\u2028b\u0085c") + "\n")

    [doc], problems = ingest(path)

    assert problems == [] and doc.body == "T\n\na\u2028b\u0085c"


def deeply_nested_line(depth: int = 100_000) -> str:
    return '{"title": "n", "text": "t", "x": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("name", ["feed.jsonl", "feed"])
def test_jsonl_line_nested_too_deeply_is_a_problem(tmp_path: Path, name: str) -> None:
    good = write(tmp_path / "good.txt", ARTICLE)
    lines = [jsonl_line(title="First", text="Body one."), deeply_nested_line(), jsonl_line(text="Body three.")]
    path = write(tmp_path / name, "\n".join(lines) + "\n")

    docs, problems = ingest(good, path)

    assert [doc.path for doc in docs] == [str(good), f"{path}:1", f"{path}:3"]
    assert reasons(problems) == {str(path): "invalid JSON on line 2: nested too deeply"}


# --- paths ----------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"

    docs, problems = ingest(missing, write(tmp_path / "ok.txt", ARTICLE))

    assert len(docs) == 1
    assert reasons(problems) == {str(missing): "no such file or directory"}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files despite chmod 000")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", ARTICLE)
    path.chmod(0)
    try:
        docs, problems = ingest(path)
    finally:
        path.chmod(0o644)

    assert docs == [] and reasons(problems) == {str(path): "cannot read: permission denied"}


def test_permission_error_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs as root too, where chmod 000 does not stop reads.
    path = write(tmp_path / "secret.txt", ARTICLE)

    def denied(file: str, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", file)

    monkeypatch.setattr("newsdesk.ingest.sources.open", denied, raising=False)

    docs, problems = ingest(path)

    assert docs == [] and reasons(problems) == {str(path): "cannot read: permission denied"}


def test_unreadable_subdirectory_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "locked" / "b.txt", ARTICLE)
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)

    docs, problems = ingest(tmp_path)

    assert [Path(doc.path).name for doc in docs] == ["a.txt"]
    assert reasons(problems) == {str(tmp_path / "locked"): "cannot read: permission denied"}


def test_stdin_read_error_is_a_problem() -> None:
    class Broken(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise OSError(errno.EIO, "Input/output error")

    _, problems = ingest("-", stdin=Broken())  # type: ignore[arg-type]

    assert reasons(problems) == {"-": "cannot read: input/output error"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_is_not_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    docs, problems = ingest(fifo, tmp_path)

    assert docs == []
    assert [(p.path, p.reason) for p in problems] == [
        (str(fifo), "not a regular file (named pipe)"),
        (str(fifo), "not a regular file (named pipe)"),
    ]


def test_os_errors_become_problems(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    dangling = tmp_path / "dir" / "dangling.txt"
    dangling.parent.mkdir()
    dangling.symlink_to(tmp_path / "gone.txt")
    under_file = write(tmp_path / "file.txt", ARTICLE) / "child.txt"

    docs, problems = ingest(loop, dangling.parent, under_file)

    assert docs == []
    assert reasons(problems) == {
        str(loop): "cannot read: too many levels of symbolic links",
        str(dangling): "no such file or directory",
        str(under_file): "cannot read: not a directory",
    }


def test_directory_named_like_a_file(tmp_path: Path) -> None:
    fake = tmp_path / "x.txt"
    fake.mkdir()

    docs, problems = ingest(fake)

    assert docs == [] and reasons(problems) == {str(fake): "directory contains no article files"}


def test_directory_without_articles(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    write(folder / "notes.docx", b"PK\x03\x04")
    write(folder / ".hidden.txt", ARTICLE)
    write(folder / ".git" / "a.txt", ARTICLE)
    (folder / "empty-subdir").mkdir()

    docs, problems = ingest(folder)

    assert docs == [] and reasons(problems) == {str(folder): "directory contains no article files"}


def test_directory_mixing_good_and_bad_files(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "b.txt", ARTICLE)
    write(root / "a.html", "<html><body><p>Page.</p></body></html>")
    write(root / "c_empty.txt", b"")
    write(root / "d_binary.txt", random_bytes(512))
    write(root / "sub" / "feed.jsonl", jsonl_line(title="T", text="Body.") + "\n{oops\n")
    write(root / "sub" / "z.md", ARTICLE)
    write(root / "skip.docx", b"PK\x03\x04")
    write(root / ".hidden.txt", ARTICLE)
    (root / "x.txt").mkdir()  # a directory with an article suffix is walked

    docs, problems = ingest(root)

    assert [doc.path for doc in docs] == [
        str(root / "a.html"),
        str(root / "b.txt"),
        f"{root / 'sub' / 'feed.jsonl'}:1",
        str(root / "sub" / "z.md"),
    ]
    assert docs[0].is_html
    assert [(p.path, p.reason.split(":")[0]) for p in problems] == [
        (str(root / "c_empty.txt"), "empty file"),
        (str(root / "d_binary.txt"), "binary file"),
        (str(root / "sub" / "feed.jsonl"), "invalid JSON on line 2"),
    ]


def test_explicit_unsupported_and_extensionless_files(tmp_path: Path) -> None:
    docx = write(tmp_path / "report.docx", b"PK\x03\x04")
    bare = write(tmp_path / "README", "<html><body><p>Hi</p></body></html>")

    docs, problems = ingest(docx, bare)

    assert reasons(problems) == {str(docx): "unsupported file type .docx"}
    assert [(doc.path, doc.is_html) for doc in docs] == [(str(bare), True)]


def test_extensions_setting_restricts_directories(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "b.html", "<html><body><p>Page.</p></body></html>")

    docs, _ = ingest(tmp_path, settings=IngestSettings(extensions=frozenset({".html"})))

    assert [Path(doc.path).name for doc in docs] == ["b.html"]


def test_one_call_survives_every_bad_input(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", ARTICLE)
    bad = [
        write(tmp_path / "empty.txt", b""),
        write(tmp_path / "bin.txt", random_bytes(300)),
        tmp_path / "missing.txt",
        write(tmp_path / "x.pdf", b"%PDF-1.4"),
    ]

    docs, problems = ingest(*bad, good)

    assert [doc.path for doc in docs] == [str(good)]
    assert [p.path for p in problems] == [str(p) for p in bad]


# --- standard input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (ARTICLE.encode(), [("-", False)]),
        (b"  \n<!DOCTYPE html><html><body><p>x</p></body></html>", [("-", True)]),
        (b'{"text": "one"}\n\n{"html": "<p>two</p>"}\n', [("-:1", False), ("-:3", True)]),
    ],
)
def test_stdin_is_sniffed(data: bytes, expected: list[tuple[str, bool]]) -> None:
    docs, problems = ingest("-", stdin=io.BytesIO(data))

    assert problems == []
    assert [(doc.path, doc.is_html) for doc in docs] == expected


def test_stdin_empty() -> None:
    _, problems = ingest("-", stdin=io.BytesIO(b""))

    assert reasons(problems) == {"-": "empty file"}


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("<p>Short HTML fragment</p>", "html"),
        ("<b>Not a page</b>", "text"),
        ('{"a": 1}\n[1]\n', "text"),
        ("Title\n\n<p> in text", "text"),
        ('{"text": "x"}', "jsonl"),
    ],
)
def test_sniff_format(text: str, fmt: str) -> None:
    assert sniff_format(text) == fmt


def test_jsonl_lone_surrogate_escapes_become_replacement_characters(tmp_path: Path) -> None:
    line = (
        '{"title": "Half \\ud800 a pair", "text": "Body \\udfff text.", "author": "Ann \\ud83d", "x": "\\ud83d\\ude00"}'
    )
    path = write(tmp_path / "feed.jsonl", line + "\n")

    [doc], problems = ingest(path)

    assert problems == []
    assert (doc.title, doc.body, doc.author) == (
        "Half \ufffd a pair",
        "Half \ufffd a pair\n\nBody \ufffd text.",
        "Ann \ufffd",
    )
    doc.body.encode("utf-8")  # storable


# --- fuzz: good and hostile inputs mixed -------------------------------------------------

_WORDS = (
    *("council", "harbour", "ferry", "plan", "budget", "bridge", "strike", "union", "minister", "port"),
    *("contract", "vote", "river", "storm", "school", "hospital", "railway", "mayor", "court", "police"),
    *("farmers", "market", "festival", "museum", "airport", "tunnel"),
)
_VERBS = ("approved", "rejected", "delayed", "announced", "criticised", "funded", "reviewed", "postponed")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def _good_article(rng: random.Random, number: int) -> tuple[str, str]:
    """A unique article (title, body) long and sentence-shaped enough to survive cleaning."""

    def sentence() -> str:
        a, b, c = rng.sample(_WORDS, 3)
        return (
            f"The {a} {rng.choice(_VERBS)} the {b} {c} proposal on {rng.choice(_DAYS)} after "
            f"{rng.randint(2, 90)} {rng.choice(_WORDS)} officials met in the {rng.choice(_WORDS)} hall."
        )

    title = f"{rng.choice(_WORDS).title()} {rng.choice(_VERBS)} {rng.choice(_WORDS)} plan number {number}"
    paragraphs = [" ".join(sentence() for _ in range(3)) for _ in range(3)]
    return title, "\n\n".join(paragraphs)


def _hostile_inputs(rng: random.Random) -> list[tuple[str, bytes]]:
    """Inputs that must each be reported: (file name, content)."""
    depth = 100_000
    return [
        ("empty.txt", b""),
        ("blank.txt", b" \n\t\n"),
        ("noise.txt", bytes(rng.randrange(256) for _ in range(2000))),
        ("paper.txt", b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(500))),
        ("deep.jsonl", ('{"title": "n", "text": "t", "x": ' + "[" * depth + "]" * depth + "}\n").encode()),
        ("deep-no-suffix", ('{"text": "t", "x": ' + "{" * 50_000 + "}" * 50_000 + "}\n").encode()),
        ("broken.jsonl", b'{"title": "Broken", "text": "no closing brace"\n'),
        ("types.jsonl", b'{"title": "T", "text": 42}\n[1, 2]\n"just a string"\n{"html": null}\n'),
        ("huge-number.jsonl", b'{"text": "t", "n": ' + b"9" * 5000 + b"}\n"),
        ("nothing.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>"),
        ("too-big.txt", b"Title\n\n" + b"word " * 60_000),
        (f"bad-{rng.randrange(10**6)}.\x1b[2J\nnewsdesk: skipped forged.txt", b""),
    ]


def test_fuzz_every_good_input_is_stored_every_bad_one_reported(tmp_path: Path) -> None:
    from newsdesk.pipeline import ingest as pipeline_ingest
    from newsdesk.settings import Settings
    from newsdesk.storage import MemoryStore

    rng = random.Random(21)
    folder = tmp_path / "inputs"
    expected: set[str] = set()
    bad: set[str] = set()
    jsonl: list[str] = []
    for number in range(24):
        title, body = _good_article(rng, number)
        kind = rng.choice(("txt", "jsonl", "html", "hostile-name", "controls"))
        if kind == "jsonl":
            record = {"title": title, "text": body.replace(". ", ".\x00\ud800 ", 1), "source": f"Wire{BIDI_OVERRIDE}"}
            jsonl.append(json.dumps({**record, "author": "\ud800"}))
        elif kind == "html":
            paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
            html = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
            write(folder / f"page-{number}.html", html)
        elif kind == "hostile-name":
            write(folder / f"name-{number}\n\x1b]0;owned\x07{BIDI_OVERRIDE}.txt", f"{title}\n\n{body}\n")
        elif kind == "controls":
            dirty = body.replace(". ", ".\x07\u0085 ", 1)  # a NUL byte would make the file binary
            write(folder / f"controls-{number}.txt", f"{title}\x1b[2J\n\n{dirty}\n")
            title += "[2J"  # what is left once the escape character is taken out
        else:
            write(folder / f"article-{number}.txt", f"{title}\n\n{body}\n")
        expected.add(title)
    write(folder / "feed.jsonl", "\n".join(jsonl) + "\n")
    named: list[str] = []  # a file without a suffix is read only when named (a directory walk skips it)
    for name, data in _hostile_inputs(rng):
        path = str(write(folder / name if "." in name else tmp_path / name, data))
        bad.add(path)
        if "." not in name:
            named.append(path)
    settings = Settings(ingest=IngestSettings(max_bytes=200_000))

    store = MemoryStore()
    report = pipeline_ingest([str(folder), *named], store, settings)

    assert {article.title for article in store.articles()} == expected
    assert {problem.path for problem in report.problems} == bad
    assert all(problem.reason for problem in report.problems)


# --- edge cases of issue 18 -----------------------------------------------------


def test_utf8_mixed_with_another_encoding_is_reported_not_decoded_as_a_code_page(tmp_path: Path) -> None:
    # Most accented letters re-encoded as cp1252, a few left in UTF-8: no single codec reads it.
    rng = random.Random(3)
    text = "Le maire a déclaré que le budget était approuvé lundi à Genève, après un débat animé. " * 40
    data = b"".join(c.encode("cp1252") if len(c.encode()) > 1 and rng.random() < 0.9 else c.encode() for c in text)
    path = write(tmp_path / "mixed.txt", data)

    docs, problems = ingest(path)

    assert docs == [] and reasons(problems)[str(path)].startswith("invalid UTF-8:")
    assert "re-save the file as UTF-8" in reasons(problems)[str(path)]


@pytest.mark.parametrize("damage", ["one byte", "random bytes"])
def test_ascii_text_with_many_stray_bytes_is_reported_not_decoded_as_a_code_page(tmp_path: Path, damage: str) -> None:
    rng = random.Random(5)
    data = bytearray(("The mayor said that the bridge will reopen on Monday after repairs to its deck. " * 50).encode())
    for i in range(0, len(data), 7 if damage == "one byte" else 30):
        data[i] = 0xFF if damage == "one byte" else rng.randrange(0x80, 0x100)
    path = write(tmp_path / "damaged.txt", bytes(data))

    docs, problems = ingest(path)

    assert docs == [] and reasons(problems)[str(path)].startswith("invalid UTF-8:")


def test_central_european_text_is_not_read_as_windows_1252(tmp_path: Path) -> None:
    text = "Rząd ogłosił, że będzie kontynuował rozmowy ze związkami w przyszłym tygodniu. Łódź, gęś, ślimak. "
    path = write(tmp_path / "polish.txt", f"Title\n\n{text * 10}".encode("cp1250"))

    docs, problems = ingest(path)

    assert problems == [] and "ogłosił" in docs[0].body


def test_single_byte_text_in_a_language_is_still_read(tmp_path: Path) -> None:
    text = "Le café était fermé à cause de la grève, a déclaré le maire à Genève. Noël, août, île, naïf, œuvre."
    french = write(tmp_path / "french.txt", f"Title\n\n{text * 20}".encode("cp1252"))
    russian = write(
        tmp_path / "russian.txt", f"Title\n\n{'Москва заявила, что переговоры продолжатся. ' * 20}".encode("cp866")
    )

    docs, problems = ingest(french, russian)

    assert problems == [] and len(docs) == 2
    assert any("grève" in doc.body for doc in docs) and any("Москва" in doc.body for doc in docs)


def test_jsonl_record_without_a_title_keeps_its_first_paragraph(tmp_path: Path) -> None:
    from newsdesk.clean import clean_document

    text = "First paragraph is short.\n\nSecond paragraph has more words in it than the first one, clearly."
    path = write(tmp_path / "feed.jsonl", jsonl_line(title=42, text=text) + "\n" + jsonl_line(text=text) + "\n")

    docs, problems = ingest(path)

    assert problems == [] and len(docs) == 2
    for doc in docs:
        article = clean_document(doc)
        assert article.text == text and article.title == "First paragraph is short."


def test_a_first_line_too_long_for_a_title_stays_in_the_body() -> None:
    from newsdesk.clean import clean_document
    from newsdesk.clean.text import MAX_TITLE_CHARS

    long_line = "The council approved the new budget on Monday after a long debate " * 20
    article = clean_document(RawDocument(path="a.txt", body=f"{long_line}\n\nA second paragraph follows it here."))

    assert len(article.title) <= MAX_TITLE_CHARS and article.title.endswith("…")
    assert article.paragraphs[0] == long_line.strip()


def test_a_one_line_file_too_long_for_a_title_is_reported() -> None:
    from newsdesk.clean import clean_document
    from newsdesk.errors import InputError

    with pytest.raises(InputError, match="single line of 2000000 characters"):
        clean_document(RawDocument(path="a.txt", body="word " * 399_999 + "words"))
