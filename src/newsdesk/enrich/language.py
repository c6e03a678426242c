"""Language identification with py3langid (model inside the wheel, offline)."""

from __future__ import annotations

from py3langid.langid import MODEL_FILE, LanguageIdentifier


class LanguageDetector:
    """Identify an article's language (ISO 639-1), or None when unsure.

    The model is loaded on first use, so the detector is cheap to build and to
    send to a worker process.
    """

    def __init__(self, min_probability: float = 0.5) -> None:
        self.min_probability = min_probability
        self._identifier: LanguageIdentifier | None = None

    def __getstate__(self) -> dict[str, float]:
        return {"min_probability": self.min_probability}

    def __setstate__(self, state: dict[str, float]) -> None:
        self.__init__(state["min_probability"])  # type: ignore[misc]

    def detect(self, text: str) -> str | None:
        """Return the language code of ``text`` (first 2,000 characters), or None."""
        sample = text[:2000].strip()
        if len(sample) < 20:
            return None
        if self._identifier is None:
            self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        language, probability = self._identifier.classify(sample)
        return str(language) if probability >= self.min_probability else None
