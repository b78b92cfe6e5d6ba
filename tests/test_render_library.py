"""``show`` and ``list`` rendering (_render/library.py): words from the catalogue."""

from __future__ import annotations

import pytest

from regimens._read.library import Library, load_library
from regimens._render.library import list_table, show_table

ENGLISH = ("Aliases:", "Administration notes and sources:", "References:", "Drug facts")


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(use_env=False)


def test_show_in_french_has_no_english_headings(library: Library) -> None:
    """Every heading of ``show`` is in the catalogue: French gives French headings."""
    text = show_table(library.get("EOX"), library=library, lang="fr")
    assert "Références :" in text
    assert "Médicament" in text
    assert not [word for word in ENGLISH if word in text]


def test_every_second_cycle_is_said_in_words(library: Library) -> None:
    """A supportive regimen every 2nd cycle: the ordinal in English, "1 sur 2" in French."""
    english = show_table(library.get("FOLFOX-6"), library=library)
    french = show_table(library.get("FOLFOX-6"), library=library, lang="fr")
    assert "day 1 of every 2nd cycle from cycle 1 (cycles 1, 3, 5...)" in english
    assert "jour 1, un cycle sur 2 à partir du cycle 1 (cycles 1, 3, 5...)" in french


def test_list_headers_in_french(library: Library) -> None:
    """The list's column heads come from the catalogue."""
    lines = list_table(library, "fr").splitlines()
    assert lines[0] == "Estomac et œsophage (digestif haut)"
    assert lines[1].split()[:3] == ["ID", "Nom", "Type"]
