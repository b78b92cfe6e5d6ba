"""French forms of library texts (``_read/translations.py``, docs/regimen-format.md,
"Translations"): English as the fallback, a warning from ``validate`` when missing."""

from __future__ import annotations

from pathlib import Path

from conftest import run_words
from golden_cases import ROOT

CAPOX = (ROOT / "regimen_library" / "capox.toml").read_text(encoding="utf-8")


def _without(text: str, key: str) -> str:
    """``text`` without its line ``key = ...``."""
    return "\n".join(line for line in text.splitlines() if not line.startswith(f"{key} = "))


def test_built_in_library_has_every_french_form() -> None:
    """Every text of the built-in library has its French form: no warning."""
    assert run_words("validate", str(ROOT / "regimen_library")) == (0, "OK: 1 path valid.\n", "")


def test_missing_french_form_is_a_warning_not_a_problem(tmp_path: Path) -> None:
    """A regimen without name_fr is valid (exit 0); validate names file, line and key."""
    user = tmp_path / "capox.toml"
    user.write_text(_without(CAPOX, "name_fr"), encoding="utf-8")
    code, out, err = run_words("validate", str(user))
    assert (code, out) == (0, "OK: 1 path valid.\n")
    line = next(n for n, text in enumerate(CAPOX.splitlines(), 1) if text.startswith("name = "))
    assert err == (
        f"warning: {user}:{line}: name: no French form (name_fr): "
        "--lang fr shows the English text\n"
    )


def test_english_is_the_fallback(tmp_path: Path) -> None:
    """Without name_fr the French sheet shows the English name; with it, the French."""
    user = tmp_path / "lib"
    user.mkdir()
    (user / "capox.toml").write_text(_without(CAPOX, "name_fr"), encoding="utf-8")
    sheet = ("sheet", "CAPOX", "--height", "170", "--weight", "70", "--crcl", "80", "--lang", "fr")
    _, built_in, _ = run_words(*sheet)
    assert "Fiche de doses : Oxaliplatine et capécitabine (CAPOX, XELOX), cycle 1" in built_in
    _, fallback, _ = run_words(*sheet, "--library", str(user))
    assert "Fiche de doses : Oxaliplatin and capecitabine (CAPOX, XELOX), cycle 1" in fallback


def test_renal_band_in_french() -> None:
    """Capecitabine at CrCl 40 mL/min: the band's label_fr in the French warning
    (drugs.toml: 30–50 mL/min → 75 %, capecitabine US label §2.4)."""
    sheet = ("sheet", "CAPOX", "--height", "170", "--weight", "70", "--crcl", "40")
    _, french, _ = run_words(*sheet, "--lang", "fr")
    assert "(ClCr 30–50 mL/min : 75 % de la dose initiale)" in french
    _, english, _ = run_words(*sheet)
    assert "(CrCl 30–50 mL/min: 75% of the starting dose)" in english
