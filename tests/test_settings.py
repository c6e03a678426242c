"""Settings: sections made on first use, so the command line starts without loading every stage."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

from newsdesk.settings import Settings, load_settings


def test_the_command_line_starts_without_importing_the_stages() -> None:
    heavy = ("spacy", "sklearn", "scipy", "datasketch", "trafilatura", "newsdesk.compare", "newsdesk.enrich")
    code = (
        "import sys, newsdesk.cli, newsdesk.pipeline, newsdesk.settings\n"
        "newsdesk.settings.load_settings(env={'NEWSDESK_FETCH_CONNECT_TIMEOUT': '3'})\n"
        f"loaded = [m for m in {heavy!r} if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"imported at start-up: {out}"


def test_sections_are_made_on_first_use_with_their_defaults() -> None:
    from newsdesk.stories import StorySettings

    settings = Settings()
    assert settings.stories == StorySettings() and settings.stories is settings.stories
    loaded = load_settings(env={"NEWSDESK_STORIES_THRESHOLD": "0.3"}, config=None)
    assert loaded.stories.threshold == 0.3
    assert dataclasses.replace(loaded, clean_fast_html=True).stories.threshold == 0.3
    assert Settings(stories=StorySettings(threshold=0.3)) == loaded
