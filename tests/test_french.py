"""``--lang fr`` is French throughout: no English weekday, month, warning or note text.

Every command that takes ``--lang`` (sheet, calendar, check, course, assess, batch,
list, show) runs in French, in each of its text formats (ICS included), on the realistic
cases of tests/golden_cases.py (and three checks that raise every kind of note, two
assessments, ``show`` of every regimen). Its output must contain:

- no word that is not French (issue 22, the strict scan): every word must be a word
  of the French catalogue or of a French text of the library (``*_fr``, local
  names), or on the short allow-list below of proper nouns, drug INNs, units and
  codes. Text quoted from a source (a ``source``, ``sources`` or ``citation`` of the
  library) is removed first: a citation is quoted as written, in its language; so is,
  for ``show``, a text of the library that has no French form (a ``setting``, a
  ``note``, an ``unverified`` item, or a text whose ``_fr`` form the file lacks:
  ``regimens validate`` lists those), shown in English by design;
- no decimal point in a number (``1.07``) in table, Markdown, HTML and ICS output;

- no English weekday or month name (whole words, case-sensitive: French writes
  ``lundi``, ``mars``, so ``March`` or ``May`` can only be English);
- no fixed fragment (15 characters or more between two placeholders) of an English
  ``warning.``, ``course.``, ``check.`` or ``calendar.`` text of the catalogue, unless
  the same fragment is also French text (a unit, a symbol, a name).

JSON (and batch's JSON Lines) keep English keys and an English ``message`` by design,
so they are not scanned.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import re
import string
import tomllib
from pathlib import Path

import pytest

from conftest import invoke
from golden_cases import BATCH_INPUT, CASES, ROOT
from regimens._render.catalogue import en, fr

#: The text formats of each command that takes --lang.
FORMATS: dict[str, tuple[str, ...]] = {
    "sheet": ("table", "markdown", "csv", "html"),
    "calendar": ("table", "grid", "markdown", "csv", "html", "ics"),
    "check": ("table", "markdown", "csv"),
    "course": ("table", "markdown", "csv"),
    "assess": ("table", "markdown", "csv", "html"),
    "batch": ("csv",),
    "list": ("table",),
    "show": ("table",),
}

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ENGLISH_DATE_WORDS = re.compile(r"\b(" + "|".join(WEEKDAYS + MONTHS) + r")\b")

#: Catalogue prefixes whose texts are sentences a person reads on an output.
MESSAGE_PREFIXES = ("warning.", "course.", "check.", "calendar.")
MIN_FRAGMENT = 15

#: Checks that raise every kind of note: a withheld drug, drugs not in the regimen, a
#: daily dose written as one intake, swapped methods.
EXTRA_CHECKS: dict[str, tuple[str, ...]] = {
    "check-eox-withheld": (
        "check", "EOX", "--height", "170", "--weight", "70", "--crcl", "25",
        "--prescribed", "capecitabine=2500mg", "--prescribed", "docetaxel=100mg",
        "--prescribed", "epirubicin=90mg", "--prescribed", "oxaliplatin=230mg",
    ),
    "check-eox-daily": (
        "check", "EOX", "--height", "170", "--weight", "70", "--crcl", "80",
        "--prescribed", "capecitabine=2300mg", "--prescribed", "epirubicin=91mg",
        "--prescribed", "oxaliplatin=237mg",
    ),
    "check-folfox-swapped": (
        "check", "FOLFOX-6", "--height", "180", "--weight", "80",
        "--prescribed", "oxaliplatin=170mg", "--prescribed", "leucovorin=800mg",
        "--prescribed", "fluorouracil:bolus=4800mg",
        "--prescribed", "fluorouracil:infusion=800mg",
    ),
    "assess-folfox": (
        "assess", "FOLFOX-6", "--height", "170", "--weight", "70", "--crcl", "90",
        "--lab", "anc=1.2", "--lab", "platelets=140", "--uracil", "12", "--country", "FR",
    ),
    "assess-eox": (
        "assess", "EOX", "--height", "180", "--weight", "64.8", "--age", "60", "--sex", "F",
        "--creatinine", "95umol/L", "--lab", "bilirubin=2.0 mg/dL", "--toxicity", "hand-foot=3",
    ),
}  # fmt: skip
#: ``show`` of every regimen: every drug fact, renal band and supportive schedule.
EXTRA_CHECKS.update(
    {
        f"show-{path.stem}": ("show", regimen["id"])
        for path in sorted((ROOT / "regimen_library").glob("*.toml"))
        if "id" in (regimen := tomllib.loads(path.read_text(encoding="utf-8")))
    }
)


def _without_format_and_lang(argv: tuple[str, ...]) -> tuple[str, ...]:
    kept: list[str] = []
    words = iter(argv)
    for word in words:
        if word in ("--format", "--lang"):
            next(words)
        else:
            kept.append(word)
    return tuple(kept)


def _commands() -> dict[str, tuple[str, ...]]:
    """Each distinct command line of the golden cases (no format, no language), by name."""
    commands: dict[str, tuple[str, ...]] = {}
    for name, argv in CASES.items():
        if argv[0] not in FORMATS:
            continue
        command = _without_format_and_lang(argv)
        if command not in commands.values():
            commands[name.split(".")[0].removesuffix("-fr")] = command
    commands.update(EXTRA_CHECKS)
    return commands


def _cases() -> list[pytest.ParameterSet]:
    cases = []
    for name, command in _commands().items():
        for fmt in FORMATS[command[0]]:
            cases.append(pytest.param(command, fmt, id=f"{name}.{fmt}"))
    return cases


def _words(text: str) -> str:
    return " ".join(text.split())


def _english_fragments() -> list[str]:
    """The fixed fragments of the English message texts that French text never contains."""
    french = "\n".join(_words(value) for value in fr.TEXTS.values())
    fragments = set()
    for key, template in en.TEXTS.items():
        if not key.startswith(MESSAGE_PREFIXES):
            continue
        for literal, *_ in string.Formatter().parse(template):
            fragment = _words(literal)
            if len(fragment) >= MIN_FRAGMENT and fragment not in french:
                fragments.add(fragment)
    return sorted(fragments)


def _readable_text(output: str, fmt: str) -> str:
    """What a person reads of ``output``: HTML without its markup, ICS unfolded, CSV cells."""
    if fmt == "html":
        output = re.sub(r"<style>.*?</style>", " ", output, flags=re.S)  # CSS, not words
        # The options as recorded in the footer: JSON, the same in every language.
        output = re.sub(r"(<div>[^<{]*: )\{[^<]*\}(</div>\s*</footer>)", r"\1\2", output)
        output = html.unescape(re.sub(r"<[^>]*>", " ", output))
    elif fmt == "ics":
        output = re.sub(r"\r?\n[ \t]", "", output)
        output = re.sub(r"\\([,;\\])", r"\1", output).replace("\\n", "\n").replace("\\N", "\n")
    elif fmt == "csv":
        output = "\n".join(" | ".join(row) for row in csv.reader(io.StringIO(output)))
    return _words(output)


def _french_output(
    command: tuple[str, ...], fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    monkeypatch.chdir(ROOT)  # the golden cases name files relative to the repository
    argv = [*command, "--lang", "fr", "--format", fmt]
    if command[0] == "batch":
        rows = tmp_path / "rows.csv"
        rows.write_text(BATCH_INPUT, encoding="utf-8")
        argv += ["--input", str(rows)]
    result = invoke(argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    # Printed with 0, 1 (a check outside tolerance), 3 (a blocking warning), or, for
    # batch, 2 (a refused row: its error on stderr, the other rows printed).
    assert result.exit_code in ((0, 1, 2, 3) if command[0] == "batch" else (0, 1, 3)), result.stderr
    assert result.stdout.strip(), result.stderr
    return result.stdout


def test_there_are_english_fragments_to_look_for() -> None:
    """The scan looks for something: the catalogue has English message fragments."""
    assert len(_english_fragments()) > 20


@pytest.mark.parametrize(("command", "fmt"), _cases())
def test_french_output_has_no_english_dates_or_messages(
    command: tuple[str, ...], fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No English weekday, month or catalogue message in a --lang fr output (text
    quoted from a source aside: a citation keeps its "December 2018")."""
    text = _readable_text(_french_output(command, fmt, tmp_path, monkeypatch), fmt)
    for source in _quoted_sources():
        text = text.replace(source, " ")
    found = sorted(set(ENGLISH_DATE_WORDS.findall(text)))
    found += [fragment for fragment in _english_fragments() if fragment in text]
    assert found == []


def _library_strings(data: object, keys: tuple[str, ...]) -> list[str]:
    """Every string under one of ``keys`` (or a key ending ``_fr``, when ``keys`` is
    empty), anywhere in a parsed TOML document."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            wanted = key in keys if keys else key.endswith("_fr") or key == "local_names"
            if wanted:
                found += _all_strings(value)
            else:
                found += _library_strings(value, keys)
    elif isinstance(data, list):
        for item in data:
            found += _library_strings(item, keys)
    return found


def _all_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _all_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _all_strings(item)]
    return []


def _library() -> list[dict[str, object]]:
    return [
        tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "regimen_library").glob("*.toml"))
    ]


#: Quoted from a source: removed before the scan (the longest first, so that a
#: source that contains another is removed whole).
SOURCE_KEYS = ("source", "sources", "citation", "products_source", "rounding_source")

#: Words that are neither in the French catalogue nor in the library's French texts and
#: are French all the same: proper nouns (formulas, trials, bodies), units, codes.
ALLOWED = frozenset(
    (
     "mosteller", "dubois", "haycock", "gehan", "george", "boyd", "fujimoto", "takahira",
     "cockcroft", "gault", "ckd", "epi", "calvert", "sha256", "regimens", "utc", "iv", "po",
     "sc", "ics", "fr", "en", "ok", "na", "mg", "ml", "mL", "kg", "cm", "g", "h", "min", "µmol",
     "umol", "dl", "dL", "l", "m", "m2", "m²", "µg", "ng", "gy", "j", "anc", "platelets",
     "hemoglobin", "bilirubin", "ast", "alt", "alp", "creatinine", "uracil", "asc", "auc",
     "aucs", "ucum", "loinc", "rdi", "dpd", "dpyd", "ugt1a1", "crcl", "clcr", "who", "oms",
     "ecog", "nci", "ctcae",
    )
)  # fmt: skip

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


@functools.cache
def _french_words() -> frozenset[str]:
    """The words a French output may contain: the French catalogue, the library's
    French texts and local names, drug INNs and aliases, and :data:`ALLOWED`."""
    texts = list(fr.TEXTS.values()) + list(fr.WEEKDAYS + fr.MONTHS)
    texts += list(fr.WEEKDAYS_ABBR + fr.MONTHS_ABBR)
    for document in _library():
        texts += _library_strings(document, ())
        for drug in document.get("drug", []) if isinstance(document.get("drug"), list) else []:
            texts += [drug["inn"], *drug.get("aliases", [])]
    words = {w.casefold() for text in texts for w in _words_of(text)}
    return frozenset(words | ALLOWED)


def _words_of(text: str) -> list[str]:
    """Words of letters; ``d'activité`` gives ``activité``, ``l’ASC`` gives ``ASC``."""
    words = []
    for word in _WORD.findall(text):
        words += [part for part in re.split(r"['’]", word) if part]
    return words


#: Texts of the library that have no French form in the file format: shown in English;
#: and its identifiers (a reference's address and DOI, an alias), in no language.
NO_FRENCH_FORM = ("setting", "notes", "note", "unverified", "aliases", "url", "doi")
#: Texts that have one (``name_fr``...): shown in English only where the file lacks it.
FRENCH_FORM = ("name", "description", "notes", "text", "label")


def _english_fallbacks(data: object) -> list[str]:
    """The library's texts a French reader is shown in English (:data:`NO_FRENCH_FORM`,
    and a :data:`FRENCH_FORM` text without its ``_fr``): the fallback, by design."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in NO_FRENCH_FORM or (key in FRENCH_FORM and not data.get(f"{key}_fr")):
                found += _all_strings(value)
            else:
                found += _english_fallbacks(value)
    elif isinstance(data, list):
        for item in data:
            found += _english_fallbacks(item)
    return found


@functools.cache
def _quoted_sources() -> tuple[str, ...]:
    found = {_words(s) for doc in _library() for s in _library_strings(doc, SOURCE_KEYS)}
    return tuple(sorted(found, key=len, reverse=True))


@functools.cache
def _fallback_patterns() -> tuple[re.Pattern[str], ...]:
    """:func:`_english_fallbacks` as patterns that match them however ``show`` wrapped
    them (at a space, or after a hyphen)."""
    texts = {_words(s) for doc in _library() for s in _english_fallbacks(doc)}
    texts |= set(_quoted_sources())
    patterns = [
        r"\s+".join(re.escape(word).replace("\\-", "-\\s*") for word in text.split())
        for text in sorted(texts, key=len, reverse=True)
        if text
    ]
    return tuple(re.compile(rf"(?<!\w){pattern}(?!\w)") for pattern in patterns)


def _without_fallbacks(text: str) -> str:
    """``text`` without the library's texts that are English by design, its identifiers
    and the path of the regimen's file (``show``)."""
    for pattern in _fallback_patterns():
        text = pattern.sub(" ", text)
    return re.sub(r"\S+\.toml\b", " ", text.replace("doi:", " "))


def _not_french(text: str, typed: frozenset[str] = frozenset()) -> list[str]:
    """The words of ``text`` that are not French, codes aside (``LAB_MISSING``,
    ``folfox-6-haematology``, ``P1``: a word with a digit, an underscore, a hyphen or
    only capitals is a code or an id), and the user's own words (``typed``: a delay's
    reason, a course file's notes are shown as the user wrote them)."""
    for source in _quoted_sources():
        text = text.replace(source, " ")
    vocabulary = _french_words() | typed
    unknown = set()
    for token in re.split(r"[\s()\[\],;:/|=+«»\"*#<>{}]+", text):
        if not token or re.search(r"[\d_\-]", token) or "." in token.strip("."):
            continue
        for word in _words_of(token):
            if len(word) < 2 or word.isupper():
                continue
            if word.casefold() not in vocabulary:
                unknown.add(word)
    return sorted(unknown)


_DECIMAL_POINT = re.compile(r"(?<![\w.§/:^-])\d+\.\d+(?![\w.])")


def _typed_words(command: tuple[str, ...]) -> frozenset[str]:
    """The words the user typed: the command line's, and those of a course file."""
    texts = list(command)
    for word in command:
        if word.endswith(".toml"):
            texts += _all_strings(tomllib.loads((ROOT / word).read_text(encoding="utf-8")))
    return frozenset(w.casefold() for text in texts for w in _words_of(text))


def _strict_cases() -> list[pytest.ParameterSet]:
    """The cases of the strict scan: every text format but CSV, a data file whose
    column names and codes stay those of the JSON (docs/user-guide.md, "Languages")."""
    return [case for case in _cases() if case.values[1] != "csv"]


@pytest.mark.parametrize(("command", "fmt"), _strict_cases())
def test_french_output_is_french(
    command: tuple[str, ...], fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every word of a --lang fr output is French, a proper noun, an INN, a unit or a
    code (the library's quoted sources aside); no number with a decimal point outside
    CSV, whose numbers stay machine-readable (docs/user-guide.md, "Languages")."""
    text = _readable_text(_french_output(command, fmt, tmp_path, monkeypatch), fmt)
    if command[0] in ("show", "list"):
        text = _without_fallbacks(text)
    assert _not_french(text, _typed_words(command)) == []
    for source in _quoted_sources():
        text = text.replace(source, " ")
    # A section of a product information is a number of the source: "rubrique 4.2".
    text = re.sub(r"rubrique \d+(\.\d+)*", " ", text)
    if command[0] == "show":  # a library note quotes a source « as written » (2.400)
        text = re.sub(r"«[^»]*»", " ", text)
    assert _DECIMAL_POINT.findall(text) == []


def test_the_strict_scan_finds_english() -> None:
    """The scan can fail: an English sentence and an English decimal are found."""
    assert _not_french("Dose finale 155 mg over 2 hours") == ["hours", "over"]
    assert _DECIMAL_POINT.findall("1.82 m2, 1,82 m2") == ["1.82"]
