"""The format registry: (document kind, format) → renderer, and formats from file names."""

from __future__ import annotations

import subprocess
import sys

import pytest

from regimens._render import registry

ALL = [(kind, name) for kind, table in registry.RENDERERS.items() for name in table]


@pytest.mark.parametrize(("kind", "output_format"), ALL, ids=[f"{k}-{f}" for k, f in ALL])
def test_every_registered_renderer_exists(kind: str, output_format: str) -> None:
    """Each "module:function" string names a function that exists."""
    assert callable(registry.renderer(kind, output_format).load())


def test_formats_of_each_command() -> None:
    """The formats each command offers, in the order its --format lists them."""
    assert registry.formats("sheet") == ("table", "markdown", "csv", "json", "html", "fhir")
    assert registry.formats("calendar") == (
        *("table", "grid", "markdown", "csv", "html", "json", "ics", "fhir"),
    )
    assert registry.formats("check") == ("table", "markdown", "csv", "json")
    assert registry.formats("course") == ("table", "markdown", "csv", "json")
    for kind in ("bsa", "crcl", "list", "verify"):
        assert registry.formats(kind) == ("table", "json")
    assert registry.formats("show") == ("table", "json", "fhir")  # a PlanDefinition (issue 22)


@pytest.mark.parametrize(
    ("path", "supported", "expected"),
    [
        pytest.param("dose.md", registry.formats("sheet"), "markdown", id="md"),
        pytest.param("DOSE.HTML", registry.formats("sheet"), "html", id="upper-case"),
        pytest.param("dose.txt", registry.formats("sheet"), "table", id="txt"),
        pytest.param("out/dose.json", registry.formats("sheet"), "json", id="json"),
        pytest.param("dose.fhir.json", registry.formats("sheet"), "fhir", id="fhir-json"),
        pytest.param("dose.fhir.json", registry.formats("check"), "json", id="fhir-not-offered"),
        pytest.param("c.ics", registry.formats("calendar"), "ics", id="ics"),
        pytest.param("c.ics", registry.formats("sheet"), None, id="ics-not-offered"),
        pytest.param("dose.pdf", registry.formats("sheet"), None, id="unknown"),
        pytest.param("dose", registry.formats("sheet"), None, id="no-extension"),
        pytest.param("my.dir/dose", registry.formats("sheet"), None, id="dot-in-directory"),
    ],
)
def test_format_of_path(path: str, supported: tuple[str, ...], expected: str | None) -> None:
    """The extension chooses the format, among those the document offers only."""
    assert registry.format_of_path(path, supported) == expected


def test_extensions_listed_for_a_document() -> None:
    """The extensions an error message offers: those of the document's formats."""
    assert registry.extensions_for(registry.formats("check")) == [
        *(".txt", ".md", ".markdown", ".csv", ".json"),
    ]


def test_render_passes_only_what_a_renderer_takes() -> None:
    """``render`` offers the whole context; each renderer gets the keywords it names."""
    from regimens._calc.measures import compute_bsa_result
    from regimens._read.patient import make_patient

    result = compute_bsa_result(make_patient(height=170, weight=70), "mosteller")
    text = registry.render("bsa", "json", result, lang="fr", style=None, library=None)
    assert text == result.model_dump_json(indent=2)


@pytest.mark.subprocess
def test_importing_the_registry_loads_no_renderer() -> None:
    """The CLI imports the registry at start-up: it must stay light."""
    code = (
        "import sys; import regimens._render.registry as r\n"
        "r.formats('sheet'); r.format_of_path('x.fhir.json', r.formats('sheet'))\n"
        "heavy = [m for m in ('tabulate', 'fhir', 'pint', 'holidays', 'pydantic') "
        "if m in sys.modules]\n"
        "mine = sorted(m for m in sys.modules if m.startswith('regimens._render.') "
        "and m != 'regimens._render.registry')\n"
        "print(heavy, mine)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[] []"
