"""WARC archives: only HTML 200 responses become documents; damage is a problem, never a crash."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk.ingest import IngestSettings, iter_documents
from newsdesk.ingest.warc import NOT_WARC, iter_warc, iter_warc_stream
from newsdesk.ingest.web import Fetcher, FetchSettings
from newsdesk.model import Problem, RawDocument
from newsdesk.pipeline import ingest
from newsdesk.settings import Settings
from newsdesk.storage import MemoryStore
from test_fetch import TOPICS, LocalSite, article_html

HTML = "text/html; charset=utf-8"


class Archive:
    """Builds a WARC file record by record and remembers each record's id."""

    def __init__(self, path: Path, *, compress: bool = True) -> None:
        self.path = path
        self.handle = path.open("wb")
        self.writer = WARCWriter(self.handle, gzip=compress)
        self.ids: list[str] = []

    def response(self, url: str, body: bytes | str, *, status: str = "200 OK", content_type: str = HTML) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = self.writer.create_warc_record(url, "response", payload=io.BytesIO(data), http_headers=headers)
        return self._write(record)

    def request(self, url: str) -> str:
        headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.test")], is_http_request=True)
        record = self.writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=headers)
        return self._write(record)

    def metadata(self, url: str) -> str:
        record = self.writer.create_warc_record(
            url, "metadata", payload=io.BytesIO(b"via: crawler"), warc_content_type="text/plain"
        )
        return self._write(record)

    def _write(self, record: object) -> str:
        self.writer.write_record(record)
        record_id = record.rec_headers.get_header("WARC-Record-ID").strip("<>")  # type: ignore[attr-defined]
        self.ids.append(record_id)
        return record_id

    def close(self) -> str:
        self.handle.close()
        return str(self.path)


@pytest.fixture
def crawl(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A gzip WARC with two HTML pages among records that must be skipped."""
    archive = Archive(tmp_path / "crawl.warc.gz")
    ids = {}
    archive.request("https://news.test/a")
    ids["a"] = archive.response("https://news.test/a", article_html(TOPICS[0][0], 1))
    archive.metadata("https://news.test/a")
    archive.response("https://news.test/missing", "<html><body><p>Not found</p></body></html>", status="404 Not Found")
    archive.response("https://news.test/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    archive.response("https://news.test/moved", "", status="301 Moved Permanently")
    ids["b"] = archive.response(
        "https://news.test/b", article_html(TOPICS[1][0], 2), content_type="application/xhtml+xml"
    )
    yield archive.close(), ids


def test_only_html_200_responses_are_documents(crawl: tuple[str, dict[str, str]]) -> None:
    path, ids = crawl
    out = list(iter_documents([path]))
    assert all(isinstance(item, RawDocument) for item in out)
    docs = [item for item in out if isinstance(item, RawDocument)]
    assert [(d.path, d.url, d.is_html) for d in docs] == [
        (f"{path}#{ids['a']}", "https://news.test/a", True),
        (f"{path}#{ids['b']}", "https://news.test/b", True),
    ]
    assert ids["a"].startswith("urn:uuid:")
    assert "Harbour crane" in docs[0].body and docs[0].encoding == "utf-8"


def test_uncompressed_warc(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "plain.warc", compress=False)
    record_id = archive.response("https://news.test/a", article_html(TOPICS[2][0]))
    path = archive.close()
    (doc,) = iter_warc(path)
    assert isinstance(doc, RawDocument) and doc.path == f"{path}#{record_id}"


def test_http_charset_of_a_record_is_used(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "latin.warc.gz")
    page = article_html("Caf\u00e9 prices rise", charset="windows-1252").encode("cp1252")
    archive.response("https://news.test/cafe", page, content_type="text/html; charset=iso-8859-1")
    (doc,) = iter_warc(archive.close())
    assert isinstance(doc, RawDocument) and "Caf\u00e9 prices rise" in doc.body and doc.encoding == "cp1252"


def test_pipeline_stores_warc_pages_as_articles(crawl: tuple[str, dict[str, str]]) -> None:
    path, _ = crawl
    store = MemoryStore()
    report = ingest([path], store, Settings())
    assert report.problems == []
    assert [a.url for a in store.articles()] == ["https://news.test/a", "https://news.test/b"]
    assert store.articles()[0].title == TOPICS[0][0]


def test_not_a_warc_file(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_text("this is not an archive\n", encoding="utf-8")
    assert list(iter_warc(str(path))) == [Problem(path=str(path), reason=NOT_WARC)]
    binary = tmp_path / "noise.warc.gz"
    binary.write_bytes(b"\x1f\x8b\x08\x00garbage" * 10)
    assert list(iter_warc(str(binary))) == [Problem(path=str(binary), reason=NOT_WARC)]


def test_truncated_archive_keeps_the_pages_before_the_damage(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "cut.warc.gz")
    archive.response("https://news.test/a", article_html(TOPICS[0][0]))
    archive.response("https://news.test/b", article_html(TOPICS[1][0]) * 20)
    path = Path(archive.close())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 300])
    out = list(iter_warc(str(path)))
    assert [type(item) for item in out] == [RawDocument, Problem]
    assert out[1] == Problem(path=str(path), reason="truncated WARC archive: record 2 ends early")


def test_archive_without_html_and_empty_archive(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "images.warc.gz")
    archive.response("https://news.test/logo.png", b"\x89PNG", content_type="image/png")
    archive.request("https://news.test/")
    path = archive.close()
    assert list(iter_warc(path)) == [
        Problem(path=path, reason="no HTML page in WARC archive (2 record(s), none an HTML 200 response)")
    ]
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(gzip.compress(b""))
    assert list(iter_warc(str(empty))) == [Problem(path=str(empty), reason="empty WARC archive")]


def test_bad_records_are_problems_and_the_archive_goes_on(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "mixed.warc.gz")
    big = archive.response("https://news.test/big", "<html><body><p>" + "word " * 5000)
    pdf = archive.response("https://news.test/pdf", b"%PDF-1.4 \x00\x01", content_type="text/html")
    archive.response("https://news.test/ok", article_html(TOPICS[0][0]))
    path = archive.close()
    out = list(iter_warc(path, IngestSettings(max_bytes=10_000)))
    assert out[:2] == [
        Problem(path=f"{path}#{big}", reason="page too large: more than 10.0 KB limit"),
        Problem(path=f"{path}#{pdf}", reason="binary file (looks like PDF)"),
    ]
    assert isinstance(out[2], RawDocument) and out[2].url == "https://news.test/ok"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    folder = tmp_path / "dir.warc"
    folder.mkdir()
    assert list(iter_documents([str(tmp_path / "nope.warc.gz"), str(folder)])) == [
        Problem(path=str(tmp_path / "nope.warc.gz"), reason="no such file or directory"),
        Problem(path=str(folder), reason="cannot read: is a directory"),
    ]


def test_warc_over_http(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "remote.warc.gz")
    record_id = archive.response("https://news.test/a", article_html(TOPICS[0][0]))
    data = Path(archive.close()).read_bytes()
    site = LocalSite()
    try:
        url = site.add("/dump/remote.warc.gz", data, content_type="application/warc")
        with Fetcher(FetchSettings(min_interval=0.0)) as fetcher:
            (doc,) = iter_documents([url], fetcher=fetcher)
    finally:
        site.close()
    assert isinstance(doc, RawDocument) and doc.path == f"{url}#{record_id}" and doc.url == "https://news.test/a"


def test_stream_reader_names_records_by_offset_without_an_id(tmp_path: Path) -> None:
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.test/x\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
    )
    page = article_html(TOPICS[0][0]).encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(page) + page
    data = record + b"Content-Length: %d\r\n\r\n" % len(http) + http + b"\r\n\r\n"
    first, second = iter_warc_stream(io.BytesIO(data * 2), "x.warc")
    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert (first.path, second.path) == ("x.warc#0", f"x.warc#{len(data)}")
