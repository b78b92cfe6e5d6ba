"""The regimen library: the built-in regimens against the case report, loading, look-up."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field, ValidationError

from regimens._errors import LibraryError, UnknownNameError, UnknownRegimenError
from regimens._models.base import Frozen, Whole
from regimens._models.library import Library, LibraryFile, LibraryLayer
from regimens._models.regimen import Component, CumulativeLimit, DrugFacts, Regimen
from regimens._read import library as library_module
from regimens._read.library import (
    ENV_VAR,
    LibraryProblemsError,
    builtin_library_dir,
    load_drugs_file,
    load_library,
    load_regimen_file,
    validate_paths,
)
from regimens._read.validation import describe_errors

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "fixtures" / "broken"


def the(regimen: Regimen, drug: str, *, method: str | None = None) -> Component:
    """The one component of ``drug`` (and ``method``) in ``regimen``."""
    found = [
        c for c in regimen.components if c.drug == drug and (method is None or c.method == method)
    ]
    assert len(found) == 1, found
    return found[0]


# --- the built-in library ---------------------------------------------------------------


def test_builtin_library_is_the_repository_directory_in_a_checkout() -> None:
    """In a source checkout the built-in library is <repo>/regimen_library."""
    assert builtin_library_dir() == ROOT / "regimen_library"


def test_every_builtin_file_validates() -> None:
    """Each built-in file, alone and as a library, has no problem."""
    assert validate_paths([builtin_library_dir()]) == []
    for path in sorted(builtin_library_dir().glob("*.toml")):
        assert validate_paths([path]) == [], path.name


def test_builtin_library_has_the_regimens_of_the_case_report(library: Library) -> None:
    """EOX, XELIRI, DOCETAXEL, FOLFOX-6, FOLFIRI and ZOLEDRONIC-ACID; no warning.

    Issue 21's regimens are checked in test_regimens_21.py."""
    assert {
        "DOCETAXEL",
        "EOX",
        "FOLFIRI",
        "FOLFOX-6",
        "XELIRI",
        "ZOLEDRONIC-ACID",
    } <= set(library.regimens)
    assert library.warnings == ()


def test_eox(library: Library) -> None:
    """« épirubicine 50 mg/m2 jour 1, oxaliplatine 130 mg/m2 jour 1 et capécitabine
    1 250 mg/m2 jours 1 à 21, tous les 21 jours »; 3 + 3 cycles. Capecitabine as
    625 mg/m² twice daily continuously (REAL-2, Cunningham NEJM 2008;358:36)."""
    eox = library.get("EOX")
    assert (eox.cycle_length_days, eox.usual_cycles, eox.kind) == (21, 6, "chemotherapy")
    epirubicin = the(eox, "epirubicin")
    assert (epirubicin.dose.amount, epirubicin.dose.unit, epirubicin.days) == (50, "mg/m2", (1,))
    assert (epirubicin.route, epirubicin.method, epirubicin.order) == ("IV", "bolus", 1)
    oxaliplatin = the(eox, "oxaliplatin")
    assert (oxaliplatin.dose.amount, oxaliplatin.dose.unit, oxaliplatin.days) == (
        130,
        "mg/m2",
        (1,),
    )
    assert (oxaliplatin.method, oxaliplatin.duration_h, oxaliplatin.order) == ("infusion", 2, 2)
    capecitabine = the(eox, "capecitabine")
    assert (capecitabine.dose.amount, capecitabine.dose.unit) == (1250, "mg/m2")
    assert (capecitabine.dose_per, capecitabine.intakes_per_day) == ("day", 2)
    assert capecitabine.dose_per_intake == 625
    assert capecitabine.days == tuple(range(1, 22))
    assert (capecitabine.route, capecitabine.method) == ("PO", "oral")


def test_xeliri(library: Library) -> None:
    """« irinotécan 250 mg/m2 jour 1 et capécitabine 2 000 mg/m2 jours 1 à 14, tous les
    21 jours », 3 + 3 cycles; capecitabine as 1000 mg/m² twice daily (Skof 2009)."""
    xeliri = library.get("XELIRI")
    assert (xeliri.cycle_length_days, xeliri.usual_cycles) == (21, 6)
    irinotecan = the(xeliri, "irinotecan")
    assert (irinotecan.dose.amount, irinotecan.dose.unit, irinotecan.days) == (250, "mg/m2", (1,))
    assert (irinotecan.route, irinotecan.method, irinotecan.order) == ("IV", "infusion", 1)
    assert irinotecan.duration_h == 1.5
    assert irinotecan.unverified, "the irinotecan infusion time is marked unverified"
    capecitabine = the(xeliri, "capecitabine")
    assert (capecitabine.dose.amount, capecitabine.dose_per, capecitabine.intakes_per_day) == (
        2000,
        "day",
        2,
    )
    assert capecitabine.dose_per_intake == 1000
    assert capecitabine.days == tuple(range(1, 15))


def test_docetaxel(library: Library) -> None:
    """« docetaxel complet 75 mg/m2 jour 1, tous les 21 jours pendant 6 cycles »; 1-h
    IV infusion (docetaxel label)."""
    docetaxel_regimen = library.get("DOCETAXEL")
    assert (docetaxel_regimen.cycle_length_days, docetaxel_regimen.usual_cycles) == (21, 6)
    (docetaxel,) = docetaxel_regimen.components
    assert (docetaxel.drug, docetaxel.dose.amount, docetaxel.dose.unit) == (
        "docetaxel",
        75,
        "mg/m2",
    )
    assert (docetaxel.days, docetaxel.method, docetaxel.duration_h) == ((1,), "infusion", 1)


def test_folfox_6(library: Library) -> None:
    """« oxaliplatine 85 mg/m2 jour 1, leucovorine 400 mg/m2 jour 1, 5-fluorouracile bolus
    iv 400 mg/m2 jour 1 et 5-FU 2 400 mg/m2 en perfusion continue pendant 46 heures tous
    les 14 jours »; order per NCCP Modified FOLFOX-6."""
    folfox = library.get("FOLFOX-6")
    assert folfox.cycle_length_days == 14
    assert library.get("mFOLFOX6") is folfox
    expected = [
        ("oxaliplatin", 85, "infusion", 2.0),
        ("folinic acid", 400, "infusion", 2.0),
        ("fluorouracil", 400, "bolus", None),
        ("fluorouracil", 2400, "continuous_infusion", 46.0),
    ]
    ordered = sorted(folfox.components, key=lambda c: c.order)
    assert [(c.drug, c.dose.amount, c.method, c.duration_h) for c in ordered] == expected
    assert all(c.days == (1,) and c.dose.unit == "mg/m2" and c.route == "IV" for c in ordered)
    notes = " ".join(folfox.notes)
    assert "MODIFIED FOLFOX6" in notes
    assert "oxaliplatin 100 mg/m2" in notes


def test_folfiri(library: Library) -> None:
    """« irinotécan 180 mg/m2 jour 1, leucovorine 200 mg/m2 jour 1, 5-FU bolus 400 mg/m2
    jour 1, 5-FU 2.400 mg/m2 en perfusion continue pendant 46 heures »; every 14 days
    from the standard protocol (not in the case report)."""
    folfiri = library.get("FOLFIRI")
    assert folfiri.cycle_length_days == 14
    expected = [
        ("irinotecan", 180, "infusion", 1.5),
        ("folinic acid", 200, "infusion", 2.0),
        ("fluorouracil", 400, "bolus", None),
        ("fluorouracil", 2400, "continuous_infusion", 46.0),
    ]
    ordered = sorted(folfiri.components, key=lambda c: c.order)
    assert [(c.drug, c.dose.amount, c.method, c.duration_h) for c in ordered] == expected
    assert all(c.days == (1,) and c.dose.unit == "mg/m2" for c in ordered)
    notes = " ".join(folfiri.notes)
    assert "400 mg/m2" in notes
    assert "levofolinic acid 200 mg/m2" in notes
    assert "no cycle length" in notes


def test_zoledronic_acid(library: Library) -> None:
    """« acide zolédronique 4 mg iv à administrer en 15 minutes » with FOLFOX-6; every 3–4
    weeks (SmPC): day 1 of every second 14-day FOLFOX-6 cycle."""
    zoledronic = library.get("ZOLEDRONIC-ACID")
    assert zoledronic.kind == "supportive"
    (dose,) = zoledronic.components
    assert (dose.drug, dose.dose.amount, dose.dose.basis) == ("zoledronic acid", 4, "flat")
    assert (dose.route, dose.method, dose.duration_h) == ("IV", "infusion", 0.25)
    (schedule,) = zoledronic.given_with
    assert (schedule.regimen, schedule.every_n_cycles, schedule.first_cycle, schedule.day) == (
        "FOLFOX-6",
        2,
        1,
        1,
    )
    assert schedule.unverified
    assert library.supportive_for("mfolfox6") == ((zoledronic, schedule),)
    assert library.supportive_for("EOX") == ()


def test_every_component_cites_its_source(library: Library) -> None:
    """Every dose of the built-in library names where it comes from."""
    for regimen in library:
        assert regimen.references
        for item in regimen.components:
            assert item.source.strip(), (regimen.id, item.drug)


# --- drug facts --------------------------------------------------------------------------


def test_products(library: Library) -> None:
    """Capecitabine tablets 150 and 500 mg; 5-FU 50 mg/mL; docetaxel left blank on purpose."""
    assert library.drug("capecitabine").tablet_strengths_mg == (150, 500)
    assert library.drug("fluorouracil").concentration_mg_per_ml == 50
    assert library.drug("zoledronic acid").concentration_mg_per_ml == 0.8
    assert library.drug("docetaxel").concentration_mg_per_ml is None


def test_zoledronic_acid_is_rounded_to_a_tenth_of_a_mg(library: Library) -> None:
    """3.3 mg must stay 3.3 mg: the step is 0.1 mg; other parenteral drugs 1 mg."""
    assert library.drug("zoledronic acid").rounding_increment_mg == 0.1
    assert library.drug("oxaliplatin").rounding_increment_mg == 1


def test_epirubicin_cumulative_limit(library: Library) -> None:
    """Epirubicin: 900 mg/m² (US boxed warning)."""
    limit = library.drug("epirubicin").cumulative_limit
    assert limit is not None
    assert (limit.amount, limit.unit) == (900, "mg/m2")


@pytest.mark.parametrize(
    ("crcl", "action", "percent"),
    [
        (0.0, "contraindicated", None),
        (29.9, "contraindicated", None),
        (30.0, "percent", 75),
        (30.1, "percent", 75),
        (49.5, "percent", 75),
        (50.0, "percent", 75),
        (50.1, "full", None),
        (50.5, "full", None),
        (51.0, "full", None),
        (80.0, "full", None),
        (150.0, "full", None),
    ],
    ids=str,
)
def test_capecitabine_renal_bands(
    library: Library, crcl: float, action: str, percent: float | None
) -> None:
    """Capecitabine label: < 30 contraindicated; 30–50 → 75% (50.0 included); > 50 full."""
    rule = library.drug("capecitabine").renal_rule
    assert rule is not None
    chosen = rule.band_for(crcl)
    assert (chosen.action, chosen.percent) == (action, percent)


@pytest.mark.parametrize(
    ("crcl", "action", "dose_mg"),
    [
        (0.0, "contraindicated", None),
        (29.9, "contraindicated", None),
        (30.0, "absolute", 3.0),
        (30.1, "absolute", 3.0),
        (39.0, "absolute", 3.0),
        (39.5, "absolute", 3.0),
        (39.99, "absolute", 3.0),
        (40.0, "absolute", 3.3),
        (49.0, "absolute", 3.3),
        (49.5, "absolute", 3.3),
        (49.99, "absolute", 3.3),
        (50.0, "absolute", 3.5),
        (50.1, "absolute", 3.5),
        (59.9, "absolute", 3.5),
        (60.0, "absolute", 3.5),
        (60.1, "full", None),
        (61.0, "full", None),
        (120.0, "full", None),
    ],
    ids=str,
)
def test_zoledronic_acid_renal_bands(
    library: Library, crcl: float, action: str, dose_mg: float | None
) -> None:
    """SmPC: > 60 → 4.0 mg; 50–60 → 3.5; 40–49 → 3.3; 30–39 → 3.0; < 30 not recommended.
    Between 49 and 50 (and 39 and 40) the lower band's dose applies."""
    rule = library.drug("zoledronic acid").renal_rule
    assert rule is not None
    chosen = rule.band_for(crcl)
    assert (chosen.action, chosen.dose_mg) == (action, dose_mg)


# --- look-up ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "regimen_id"),
    [
        ("EOX", "EOX"),
        ("eox", "EOX"),
        ("  Eox ", "EOX"),
        ("folfox-6", "FOLFOX-6"),
        ("mFOLFOX6", "FOLFOX-6"),
        ("MFOLFOX-6", "FOLFOX-6"),
        ("modified folfox6", "FOLFOX-6"),
        ("Zometa", "ZOLEDRONIC-ACID"),
        ("acide zolédronique", "ZOLEDRONIC-ACID"),
    ],
)
def test_regimen_by_id_or_alias(library: Library, name: str, regimen_id: str) -> None:
    """Ids and aliases, in any case."""
    assert library.get(name).id == regimen_id


@pytest.mark.parametrize(
    ("name", "inn"),
    [
        ("épirubicine", "epirubicin"),
        ("oxaliplatine", "oxaliplatin"),
        ("capécitabine", "capecitabine"),
        ("CAPECITABINE", "capecitabine"),
        ("irinotécan", "irinotecan"),
        ("docetaxel", "docetaxel"),
        ("docétaxel", "docetaxel"),
        ("leucovorine", "folinic acid"),
        ("acide folinique", "folinic acid"),
        ("leucovorin", "folinic acid"),
        ("5-fluorouracile", "fluorouracil"),
        ("5-FU", "fluorouracil"),
        ("acide zolédronique", "zoledronic acid"),
        ("acide zoledronique", "zoledronic acid"),
    ],
)
def test_drug_by_inn_alias_or_french_name(library: Library, name: str, inn: str) -> None:
    """The French names of the case report find their drug, case- and accent-insensitive."""
    assert library.drug(name).inn == inn


def test_levoleucovorin_is_not_folinic_acid(library: Library) -> None:
    """Levofolinic acid is dosed at half the racemic dose: it must not resolve silently."""
    with pytest.raises(UnknownNameError):
        library.drug("levoleucovorin")


def test_unknown_regimen_suggests_the_closest(library: Library) -> None:
    """'FOLFOX6' is not silently taken for FOLFOX-6 (original FOLFOX6 used 100 mg/m²)."""
    with pytest.raises(UnknownRegimenError, match="FOLFOX-6") as caught:
        library.get("FOLFOX6")
    assert isinstance(caught.value, LookupError)
    assert "unknown regimen 'FOLFOX6'" in str(caught.value)


def test_unknown_regimen_message_names_no_command(library: Library) -> None:
    """The library says what is unknown and what is close; pointing at a command is the CLI's.

    The CLI adds "('regimens list' shows them all)" when it prints the error.
    """
    with pytest.raises(UnknownRegimenError) as caught:
        library.get("FOLFOX6")
    assert str(caught.value) == (
        "unknown regimen 'FOLFOX6'; close matches (each not the same regimen as 'FOLFOX6': "
        "check which is meant): FOLFOX-6 (alias mFOLFOX6), FOLFOXIRI, FOLFIRINOX"
    )
    with pytest.raises(UnknownRegimenError) as caught:
        library.get("nothing-close")
    assert "regimens list" not in str(caught.value)
    # With issue 21's seventeen regimens the library no longer lists them all.
    assert str(caught.value) == "unknown regimen 'nothing-close'"


def test_unknown_drug_names_the_field(library: Library) -> None:
    """An unknown drug is an UnknownNameError on the 'drug' field."""
    # Cisplatin was the example until issue 21 added it to the built-in drugs.
    with pytest.raises(UnknownNameError, match="unknown drug 'gemcitabine'") as caught:
        library.drug("gemcitabine")
    assert caught.value.field == "drug"


def test_file_of_gives_path_and_hash(library: Library) -> None:
    """The dose sheet's provenance: the file and the SHA-256 of its bytes."""
    file = library.file_of("mfolfox6")
    assert Path(file.path).name == "folfox-6.toml"
    assert file.sha256 == hashlib.sha256(Path(file.path).read_bytes()).hexdigest()
    assert file.builtin
    assert Path(library.file_of_drug("5-FU").path).name == "drugs.toml"


def test_builtin_load_is_cached() -> None:
    """Loading is on every command's path: the built-in files are read once."""
    first, second = load_library(use_env=False), load_library(use_env=False)
    assert first.get("EOX") is second.get("EOX")


@pytest.mark.subprocess
def test_loading_the_library_does_not_build_pint() -> None:
    """The common unit spellings are read without pint, keeping commands quick to start."""
    code = (
        "import sys; from regimens._read.library import load_library; "
        "load_library(use_env=False); print('pint' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "False"


# --- user libraries ---------------------------------------------------------------------

USER_REGIMEN = """
id = "{id}"
name = "User regimen"
aliases = {aliases}
description = "d"
setting = "s"
cycle_length_days = 21

[[references]]
citation = "c"

[[components]]
drug = "{drug}"
dose = "60 mg/m2"
days = "1"
route = "IV"
method = "infusion"
duration = "1 h"
order = 1
source = "user"
"""


def write(directory: Path, name: str, regimen_id: str, **fields: Any) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    values = {"id": regimen_id, "aliases": "[]", "drug": "docetaxel", **fields}
    path = directory / name
    path.write_text(USER_REGIMEN.format(**values), encoding="utf-8")
    return path


def test_user_library_adds_a_regimen(tmp_path: Path) -> None:
    """--library DIR adds its regimens to the built-in ones."""
    write(tmp_path, "mine.toml", "MY-DOCETAXEL", aliases='["docetaxel 60"]')
    library = load_library([tmp_path], use_env=False)
    assert library.get("Docetaxel 60").id == "MY-DOCETAXEL"
    assert not library.file_of("MY-DOCETAXEL").builtin
    assert "EOX" in library.regimens
    assert library.warnings == ()


def test_user_regimen_shadowing_a_builtin_is_used_with_a_warning(tmp_path: Path) -> None:
    """A user EOX replaces the built-in EOX, and the library says so."""
    path = write(tmp_path, "eox.toml", "EOX")
    library = load_library([tmp_path], use_env=False)
    assert library.get("EOX").components[0].dose.amount == 60
    (warning,) = library.warnings
    assert "regimen EOX" in warning
    assert str(path) in warning
    assert "shadows" in warning


def test_user_alias_claiming_a_builtin_name_warns(tmp_path: Path) -> None:
    """A user alias 'mFOLFOX6' now means the user's regimen, with a warning."""
    write(tmp_path, "mine.toml", "MINE", aliases='["mFOLFOX6"]')
    library = load_library([tmp_path], use_env=False)
    assert library.get("mfolfox6").id == "MINE"
    assert library.get("FOLFOX-6").id == "FOLFOX-6"
    assert any("'mFOLFOX6' now means MINE" in warning for warning in library.warnings)


def test_regimens_library_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REGIMENS_LIBRARY lists directories separated by os.pathsep; --library comes last."""
    first, second, option = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write(first, "one.toml", "ONE")
    write(second, "two.toml", "TWO")
    write(option, "two.toml", "TWO", drug="oxaliplatin")
    monkeypatch.setenv(ENV_VAR, os.pathsep.join([str(first), "", str(second)]))
    library = load_library([option])
    assert {"ONE", "TWO"} <= set(library.regimens)
    assert library.get("TWO").components[0].drug == "oxaliplatin"
    assert "TWO" not in load_library(use_env=False).regimens


def test_missing_library_directory_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory that does not exist is named, with where it came from."""
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(LibraryError, match=r"nowhere: library directory \(from REGIMENS_LIBRARY\)"):
        load_library()


def test_duplicate_alias_in_one_library_is_an_error(tmp_path: Path) -> None:
    """Two files of one directory may not share a name; both files are named."""
    first = write(tmp_path, "a.toml", "AAA", aliases='["shared"]')
    second = write(tmp_path, "b.toml", "BBB", aliases='["SHARED"]')
    with pytest.raises(LibraryError) as caught:
        load_library([tmp_path], use_env=False)
    message = str(caught.value)
    assert f"{second}:4: aliases[1]: duplicate alias 'SHARED'" in message
    assert str(first) in message


def test_duplicate_id_in_one_library_is_an_error(tmp_path: Path) -> None:
    """Two files with one id in the same directory: an error, not a silent choice."""
    write(tmp_path, "a.toml", "SAME")
    second = write(tmp_path, "b.toml", "SAME")
    with pytest.raises(LibraryError, match=f"{second}:2: id: duplicate id 'SAME'"):
        load_library([tmp_path], use_env=False)


def test_unknown_drug_is_an_error(tmp_path: Path) -> None:
    """A component's drug must be described in a drugs.toml of the library."""
    path = write(tmp_path, "a.toml", "AAA", drug="gemcitabine")
    with pytest.raises(LibraryError, match=f"{path}:13: components\\[1\\].drug: unknown drug"):
        load_library([tmp_path], use_env=False)


def test_drug_alias_in_a_component_asks_for_the_inn(tmp_path: Path) -> None:
    """'5-fu' is a name of fluorouracil, but files use the INN."""
    write(tmp_path, "a.toml", "AAA", drug="5-fu")
    with pytest.raises(LibraryError, match="'5-fu' is another name of 'fluorouracil'"):
        load_library([tmp_path], use_env=False)


def test_user_drugs_file_describes_new_drugs(tmp_path: Path) -> None:
    """A user library can describe its own drugs in its drugs.toml."""
    write(tmp_path, "a.toml", "AAA", drug="cisplatin")
    (tmp_path / "drugs.toml").write_text(
        '[[drug]]\ninn = "cisplatin"\naliases = ["cisplatine"]\nsources = ["label"]\n',
        encoding="utf-8",
    )
    library = load_library([tmp_path], use_env=False)
    assert library.drug("Cisplatine").inn == "cisplatin"
    assert not library.file_of_drug("cisplatin").builtin


def test_supportive_regimen_needs_an_existing_host(tmp_path: Path) -> None:
    """given_with must name a chemotherapy regimen of the library."""
    path = write(tmp_path, "a.toml", "AAA")
    text = path.read_text(encoding="utf-8").replace(
        "cycle_length_days = 21", 'kind = "supportive"\ncycle_length_days = 21'
    )
    text += '\n[[given_with]]\nregimen = "NOPE"\nevery_n_cycles = 1\nday = 1\nsource = "s"\n'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LibraryError, match=r"given_with\[1\]\.regimen: no regimen has the id"):
        load_library([tmp_path], use_env=False)


def test_unknown_drug_names_its_line_and_a_sound_library_scans_no_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The line of a problem is found when there is a problem: 'drug = "gemcitabine"' is
    line 13 of the user regimen (USER_REGIMEN above, whose text starts with an empty
    line; counted by hand); a library without a problem loads without scanning any file
    for lines (about 25 ms of every command's start, issue 23)."""
    path = write(tmp_path / "bad", "a.toml", "AAA", drug="gemcitabine")
    with pytest.raises(LibraryError, match=rf"^{re.escape(str(path))}:13: components\[1\]\.drug: "):
        load_library([tmp_path / "bad"], use_env=False)
    write(tmp_path / "good", "b.toml", "BBB")

    def refuse(text: str) -> None:
        raise AssertionError("key_lines called for a library without problems")

    monkeypatch.setattr(library_module, "key_lines", refuse)
    assert load_library([tmp_path / "good"], use_env=False).get("BBB").id == "BBB"


# --- broken files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "line", "field_path", "reason"),
    [
        ("unknown_key.toml", 34, "components[2].note", "unknown key 'note'; did you mean 'notes'?"),
        (
            "wrong_unit_dimension.toml",
            26,
            "components[2].dose",
            "'2000 mL/m2' is not a dose: a volume or an amount in mmol is a flat amount",
        ),
        (
            "day_outside_cycle.toml",
            29,
            "components[2].days",
            "day 22 is outside the 21-day cycle",
        ),
        (
            "overlapping_renal_bands.toml",
            18,
            "drug[1].renal_rule.bands[2]",
            "overlaps bands[1]: starts at 25 mL/min, before 30",
        ),
        (
            "gapped_renal_bands.toml",
            18,
            "drug[1].renal_rule.bands[2]",
            "leaves a gap after bands[1]: values between 30 and 35 mL/min have no band",
        ),
        ("duplicate_alias.toml", 6, "aliases[2]", "duplicate alias 'docecape'"),
    ],
)
def test_broken_file_names_file_line_field_and_reason(
    fixture: str, line: int, field_path: str, reason: str
) -> None:
    """Each kind of mistake gives its own message: FILE:LINE: FIELD: REASON."""
    path = BROKEN / fixture
    (problem,) = validate_paths([path])
    assert problem.startswith(f"{path}:{line}: {field_path}: {reason}")


def test_malformed_toml_names_file_and_line() -> None:
    """Not TOML at all: the parser's reason with the file and line."""
    path = BROKEN / "malformed_toml.toml"
    assert validate_paths([path]) == [f"{path}:29: malformed TOML: Illegal character '\\n'"]
    with pytest.raises(LibraryError, match="malformed TOML") as caught:
        load_regimen_file(path)
    assert caught.value.source == str(path)


def test_load_regimen_file_raises_the_first_problem() -> None:
    """load_regimen_file raises LibraryError naming the file and field."""
    with pytest.raises(LibraryError, match=r"components\[2\]\.dose"):
        load_regimen_file(BROKEN / "wrong_unit_dimension.toml")
    with pytest.raises(LibraryError, match=r"bands\[2\]"):
        load_drugs_file(BROKEN / "overlapping_renal_bands.toml")


def test_a_broken_user_library_fails_to_load_with_a_count(tmp_path: Path) -> None:
    """The first problem is raised; the count of the others points to validate."""
    for fixture in ("unknown_key.toml", "day_outside_cycle.toml"):
        (tmp_path / fixture).write_bytes((BROKEN / fixture).read_bytes())
    with pytest.raises(LibraryError, match=r"day_outside_cycle\.toml:29: .*and 1 more"):
        load_library([tmp_path], use_env=False)


def test_a_broken_library_error_carries_every_problem(tmp_path: Path) -> None:
    """The error of a broken library lists every problem, so the CLI can show them all."""
    for fixture in ("unknown_key.toml", "day_outside_cycle.toml"):
        (tmp_path / fixture).write_bytes((BROKEN / fixture).read_bytes())
    with pytest.raises(LibraryProblemsError) as caught:
        load_library([tmp_path], use_env=False)
    assert len(caught.value.problems) == 2
    assert str(caught.value) == caught.value.problems[0] + " (and 1 more problems)"
    assert "regimens validate" not in str(caught.value)


def test_a_missing_extra_directory_names_the_argument(tmp_path: Path) -> None:
    """A directory given to load_library is named with the argument it came from."""
    with pytest.raises(LibraryError, match=r"nowhere: library directory \(from extra_dirs\)"):
        load_library([tmp_path / "nowhere"], use_env=False)


def test_loaded_models_are_the_domain_models(library: Library) -> None:
    """The loader hands back the domain models, not the file models that read the spelling.

    Each is equal to itself validated again from its dump: built from the file, it holds
    exactly what the domain model's own validation accepts.
    """
    for regimen in library:
        assert type(regimen) is Regimen
        assert {type(component) for component in regimen.components} == {Component}
        assert Regimen.model_validate(regimen.model_dump()) == regimen
    for facts in library.drugs.values():
        assert type(facts) is DrugFacts
        if facts.cumulative_limit is not None:
            assert type(facts.cumulative_limit) is CumulativeLimit
        assert DrugFacts.model_validate(facts.model_dump()) == facts


def test_a_library_is_built_from_layers_of_models(library: Library) -> None:
    """Library is a container of models: layers of (model, file), the later one winning."""
    eox = library.get("EOX")
    first = LibraryFile(path="a/eox.toml", sha256="0" * 64, builtin=True)
    second = LibraryFile(path="b/eox.toml", sha256="1" * 64, builtin=False)
    built = Library(
        [
            LibraryLayer("built-in", regimens={"EOX": (eox, first)}),
            LibraryLayer("extra_dirs", regimens={"EOX": (eox, second)}),
        ]
    )
    assert built.file_of("eox") == second
    assert built.warnings == (
        "regimen EOX from b/eox.toml (extra_dirs) shadows EOX from a/eox.toml",
    )
    assert list(built) == [eox]


def test_library_notices_are_codes_and_params(tmp_path: Path) -> None:
    """What a user layer changed is data (code + params) for a renderer to word."""
    path = write(tmp_path, "eox.toml", "EOX", aliases='["mFOLFOX6"]')
    library = load_library([tmp_path], use_env=False)
    shadowed, moved = library.notices
    assert shadowed.code == "shadowed"
    assert shadowed.params == {
        "what": "regimen",
        "name": "EOX",
        "path": str(path),
        "layer": "extra_dirs",
        "shadowed_path": library.file_of("FOLFOX-6").path.replace("folfox-6", "eox"),
    }
    assert moved.code == "name_moved"
    assert (moved.params["name"], moved.params["target"], moved.params["previous"]) == (
        "mFOLFOX6",
        "EOX",
        "FOLFOX-6",
    )
    assert len(library.warnings) == 2


def test_describe_errors_places_any_models_problems_in_its_file() -> None:
    """The one translation of validation errors: any model, any TOML text, file:line: field."""

    class Row(Frozen):
        amount: Whole = Field(ge=1)

    class Sheet(Frozen):
        title: str
        rows: tuple[Row, ...]

    text = 'title = "t"\n\n[[rows]]\namount = 1\n\n[[rows]]\namount = 0\ncolour = "red"\n'
    with pytest.raises(ValidationError) as caught:
        Sheet.model_validate(tomllib.loads(text))
    assert describe_errors(caught.value, Sheet, source="s.toml", text=text) == [
        "s.toml:7: rows[2].amount: Input should be greater than or equal to 1, got 0",
        "s.toml:8: rows[2].colour: unknown key 'colour' (accepted keys: amount)",
    ]


def test_validate_collects_every_problem_of_every_path(tmp_path: Path) -> None:
    """validate_paths returns one line per problem, across files and directories."""
    problems = validate_paths([BROKEN, tmp_path / "missing.toml"])
    assert len(problems) == 8
    assert problems[-1] == f"{tmp_path / 'missing.toml'}: no such file or directory"


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    """A file saved in another encoding is named, with the offending byte."""
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "épirubicine"\n'.encode("latin-1"))
    assert validate_paths([path]) == [f"{path}: is not UTF-8 text (byte 8): save it as UTF-8"]


# --- the format documentation -----------------------------------------------------------


def _toml_blocks() -> list[str]:
    text = (ROOT / "docs" / "regimen-format.md").read_text(encoding="utf-8")
    return re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)


def test_documented_example_regimen_is_valid(tmp_path: Path) -> None:
    """The annotated example of docs/regimen-format.md validates as written."""
    regimen_block = _toml_blocks()[0]
    path = tmp_path / "capox.toml"
    path.write_text(regimen_block, encoding="utf-8")
    assert validate_paths([path]) == []
    regimen = load_library([tmp_path], use_env=False).get("xelox")
    assert [c.daily_amount for c in regimen.components] == [130, 2000]


def test_documented_hydration_order_is_valid(tmp_path: Path) -> None:
    """The hydration order of docs/regimen-format.md validates after the chemotherapy it
    protects (cisplatin, added here), and is read as a flat 10 mmol order."""
    blocks = _toml_blocks()
    cisplatin = (
        '\n[[components]]\ndrug = "cisplatin"\ndose = "60 mg/m2"\ndays = "1"\n'
        'route = "IV"\nmethod = "infusion"\nduration = "1 h"\norder = 15\nsource = "Test."\n'
    )
    path = tmp_path / "capox.toml"
    path.write_text(blocks[0] + cisplatin + "\n" + blocks[1], encoding="utf-8")
    assert validate_paths([path]) == []
    regimen = load_library([tmp_path], use_env=False).get("capox")
    (magnesium,) = [c for c in regimen.components if c.drug == "magnesium sulfate"]
    assert (magnesium.kind, magnesium.dose.amount, magnesium.dose.basis) == (
        "hydration",
        10,
        "mmol",
    )


def test_documented_drug_entry_is_valid(tmp_path: Path) -> None:
    """The drugs.toml example of the documentation validates, bands included."""
    drug_block = _toml_blocks()[-1]
    (tmp_path / "drugs.toml").write_text(drug_block, encoding="utf-8")
    assert validate_paths([tmp_path]) == []
    (facts,) = load_drugs_file(tmp_path / "drugs.toml")
    assert facts.renal_rule is not None
    assert facts.renal_rule.band_for(50.0).percent == 75
