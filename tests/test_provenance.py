"""A sheet's provenance names every library file it read (issue 22).

With a user ``drugs.toml`` changing 5-FU's rounding, FOLFOX-6's doses changed (728 →
750 mg) under the same ``regimen_sha256``: the drug facts' file was not recorded. The
hashes below are of the files' bytes, computed here with :mod:`hashlib`.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

import regimens
from regimens._read.library import builtin_library_dir

BUILTIN = builtin_library_dir()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fluorouracil_block(step: str = "1 mg") -> str:
    """The built-in fluorouracil facts alone, with their rounding step replaced."""
    blocks = (BUILTIN / "drugs.toml").read_text(encoding="utf-8").split("[[drug]]\n")
    block = next(item for item in blocks if item.startswith('inn = "fluorouracil"'))
    assert 'rounding_increment = "1 mg"' in block
    return "[[drug]]\n" + block.replace(
        'rounding_increment = "1 mg"', f'rounding_increment = "{step}"'
    )


def user_library(tmp_path: Path, step: str = "50 mg") -> Path:
    directory = tmp_path / "my-library"
    directory.mkdir(exist_ok=True)
    (directory / "drugs.toml").write_text(fluorouracil_block(step), encoding="utf-8")
    return directory


def folfox(library: regimens.Library, **options: object) -> Any:
    patient = regimens.make_patient(height="170 cm", weight="70 kg")
    sheet = regimens.compute_sheet(
        library, "FOLFOX-6", patient, regimens.SheetOptions.model_validate(options)
    )
    return json.loads(regimens.sheet_json(sheet))


def test_a_built_in_sheet_names_its_regimen_and_drug_files(library: regimens.Library) -> None:
    """FOLFOX-6 reads folfox-6.toml and drugs.toml (its three drugs): both named, by their
    name in the built-in library, with the SHA-256 of their bytes; nothing shadowed."""
    provenance = folfox(library)["provenance"]
    assert provenance["files"] == [
        {
            "path": "drugs.toml",
            "sha256": sha256(BUILTIN / "drugs.toml"),
            "layer": "built-in",
            "role": "drugs",
            "names": ["fluorouracil", "folinic acid", "oxaliplatin"],
        },
        {
            "path": "folfox-6.toml",
            "sha256": sha256(BUILTIN / "folfox-6.toml"),
            "layer": "built-in",
            "role": "regimen",
            "names": ["FOLFOX-6"],
        },
    ]
    assert provenance["shadowed"] == []
    assert provenance["library_dirs"] == []
    # Kept for compatibility.
    assert provenance["regimen_sha256"] == sha256(BUILTIN / "folfox-6.toml")


def test_a_user_drugs_file_is_named_with_its_hash_and_what_it_shadows(tmp_path: Path) -> None:
    """The issue's case: a user drugs.toml rounding 5-FU to 50 mg. The bolus, 400 mg/m² ×
    1.82 m² = 728 mg, becomes 750 mg (nearest 50, by hand); the provenance now names
    that file, its hash, and that its fluorouracil shadows the built-in one."""
    directory = user_library(tmp_path)
    document = folfox(regimens.load_library([directory], use_env=False))
    bolus = document["days"][0]["administrations"][2]
    assert (bolus["drug"], bolus["method"], bolus["dose_mg"]) == ("fluorouracil", "bolus", 750.0)
    provenance = document["provenance"]
    user_file = os.path.abspath(directory / "drugs.toml")
    assert provenance["files"][-1] == {
        "path": user_file,
        "sha256": sha256(directory / "drugs.toml"),
        "layer": "extra_dirs",
        "role": "drugs",
        "names": ["fluorouracil"],
    }
    assert provenance["files"][0]["names"] == ["folinic acid", "oxaliplatin"]
    assert provenance["shadowed"] == [
        {
            "what": "drug",
            "name": "fluorouracil",
            "path": user_file,
            "layer": "extra_dirs",
            "shadowed_path": "drugs.toml",
        }
    ]
    assert provenance["library_dirs"] == [
        {"label": "extra_dirs", "path": os.path.abspath(directory)}
    ]


def test_the_environment_library_is_named_with_its_label(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A REGIMENS_LIBRARY directory is recorded as such, before the --library ones."""
    from_env = user_library(tmp_path)
    monkeypatch.setenv("REGIMENS_LIBRARY", str(from_env))
    document = folfox(regimens.load_library())
    assert document["provenance"]["library_dirs"] == [
        {"label": "REGIMENS_LIBRARY", "path": os.path.abspath(from_env)}
    ]
    assert document["provenance"]["files"][-1]["layer"] == "REGIMENS_LIBRARY"


def test_the_assessment_settings_file_is_named_when_an_assessment_is_made(
    library: regimens.Library,
) -> None:
    """assessment.toml (ULNs, lab age) is read for a treatment-day assessment only."""
    inputs = regimens.assessment_inputs(library, labs=["anc=2.0", "platelets=150"])
    with_assessment = folfox(library, assessment=inputs)["provenance"]["files"]
    assert {
        "path": "assessment.toml",
        "sha256": sha256(BUILTIN / "assessment.toml"),
        "layer": "built-in",
        "role": "assessment",
        "names": [],
    } in with_assessment
    without = folfox(library)["provenance"]["files"]
    assert all(item["role"] != "assessment" for item in without)


def test_sheet_sha256_is_the_hash_of_the_canonical_document(library: regimens.Library) -> None:
    """The definition of docs/json-output.md, written out here: the parsed document
    without provenance.sheet_sha256, json.dumps with sorted keys, no spaces, UTF-8."""
    document = folfox(library)
    saved = document["provenance"].pop("sheet_sha256")
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert saved == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert len(saved) == 64


def test_the_sheet_schema_version_says_the_provenance_grew() -> None:
    """A minor version: keys were added, none removed (docs/json-output.md); 1.6 added a
    creatinine as typed (given_value, given_unit)."""
    assert regimens.SCHEMA_VERSION == "1.7"


def test_a_user_assessment_file_is_named_as_shadowing_the_built_in_one(
    tmp_path: Path, library: regimens.Library
) -> None:
    """A user assessment.toml (other ULNs) replaces the built-in one for an assessment:
    named with its hash and as shadowing assessment.toml."""
    directory = tmp_path / "settings"
    directory.mkdir()
    (directory / "assessment.toml").write_bytes((BUILTIN / "assessment.toml").read_bytes())
    user = regimens.load_library([directory], use_env=False)
    inputs = regimens.assessment_inputs(user, labs=["anc=2.0"])
    provenance = folfox(user, assessment=inputs)["provenance"]
    path = os.path.abspath(directory / "assessment.toml")
    assert provenance["files"][-1]["path"] == path
    assert provenance["files"][-1]["role"] == "assessment"
    assert provenance["shadowed"] == [
        {
            "what": "assessment",
            "name": "assessment",
            "path": path,
            "layer": "extra_dirs",
            "shadowed_path": "assessment.toml",
        }
    ]
