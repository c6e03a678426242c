"""Ingest on a Dask cluster: partitions keep outlets together, and a 2-worker LocalCluster gives the stories
of a local ingest (slow; needs Dask and $NEWSDESK_TEST_POSTGRES)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from newsdesk.errors import StorageError
from newsdesk.model import Article, RawDocument

pytest.importorskip("distributed", reason="Dask is not installed: pip install -e '.[dask]'")

from newsdesk.cluster import (
    CleanedPartition,
    _in_input_order,
    ingest_on_cluster,
    outlet_key,
    partition_documents,
)


def raw(path: str, *, source: str | None = None, url: str | None = None, title: str | None = None) -> RawDocument:
    return RawDocument(path=path, body=f"Body of {path}.\n\nSecond paragraph.", source=source, url=url, title=title)


def test_outlet_key_is_source_then_host_then_title_site() -> None:
    assert outlet_key(raw("a", source="Daily Post", url="https://x.org/1")) == "Daily Post"
    assert outlet_key(raw("b", url="https://www.example.org/news/1")) == "example.org"
    assert outlet_key(raw("c", title="Bridge reopens early | Evening News")) == "Evening News"


def test_partitions_keep_outlets_whole_balanced_and_in_order() -> None:
    raws = [raw(f"p{i}", source=f"outlet-{i % 5}") for i in range(40)] + [raw("big", source="outlet-0")]
    partitions = partition_documents(raws, 3)
    assert sorted(r.path for part in partitions for r in part) == sorted(r.path for r in raws)
    outlets = [{r.source for r in part} for part in partitions]
    assert all(a.isdisjoint(b) for i, a in enumerate(outlets) for b in outlets[i + 1 :])
    assert max(map(len, partitions)) - min(map(len, partitions)) <= 9  # whole outlets of 8 or 9
    for part in partitions:  # input order within a partition
        assert [raws.index(r) for r in part] == sorted(raws.index(r) for r in part)
    assert partition_documents([], 4) == []


def test_articles_are_stored_in_input_order_first_copy_kept() -> None:
    raws = [raw(f"in/{i}.txt") for i in range(4)]

    def article(i: int, title: str) -> Article:
        return Article(id=Article.make_id(title, ["x"]), path=f"in/{i}.txt", title=title, paragraphs=["x"])

    first, second = [article(3, "Three"), article(0, "Zero")], [article(2, "Zero"), article(1, "One")]
    parts = [CleanedPartition(articles=p, problems=[], seconds=0.0, cpu=0.0) for p in (first, second)]
    assert [a.path for a in _in_input_order(raws, parts)] == ["in/0.txt", "in/1.txt", "in/3.txt"]


def test_a_file_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match=r"postgresql:// URL"):
        ingest_on_cluster(["x"], str(tmp_path / "n.db"))


@pytest.mark.slow
def test_two_workers_give_the_stories_of_a_local_ingest(postgres_url: str) -> None:
    from newsdesk.pipeline import ingest, update_store
    from newsdesk.storage import MemoryStore, open_store

    sample = resources.files("newsdesk.data") / "sample"
    with resources.as_file(sample) as folder:
        report = ingest_on_cluster([str(folder)], postgres_url, workers=2, partition_size=4)
        with MemoryStore() as local:
            ingest([str(folder)], local)
            update_store(local)
            expected = [(s.title, s.articles) for s in local.stories()]
    assert report.workers == 2 and report.partitions >= 2
    assert len(report.added) == report.enriched == report.articles == 13 and not report.problems
    with open_store(postgres_url) as store:
        _, states = store.analysis_state()
        assert all(s.enriched for s in states) and not any(s.story for s in states)
        assert [r["command"] for r in store.runs()] == ["ingest --engine dask"]
        update_store(store)  # groups and compares: nothing is parsed again
        assert [(s.title, s.articles) for s in store.stories()] == expected
