"""The Simplified Chinese catalogue stays complete.

Every string marked for translation in the code and the templates is in
locale/zh_Hans/LC_MESSAGES/django.po, translated, not fuzzy, with the placeholders and the markup of
its source; the catalogue compiles with msgfmt's format checks, and the compiled catalogue is the
one Django serves.

After adding or changing strings: `make makemessages`, translate the new entries (remove the
"#, fuzzy" flags once checked), then `make messages`. Needs gettext (xgettext, msgmerge, msgfmt)
like `make makemessages`; needs no database and no Redis.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOCALE = "zh_Hans"
PO_PATH = BASE_DIR / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# The options of `make makemessages`.
MAKEMESSAGES_IGNORES = [".venv/*", "node_modules/*", "var/*", "tests/*"]
# Top-level entries not copied for the regeneration: ignored by makemessages anyway, or the
# catalogue itself (regenerated from scratch). Dot-entries and caches are skipped at every level.
NOT_COPIED_AT_TOP = {"node_modules", "var", "tests", "locale"}

# Exact translations other tests (the browser journeys) and the glossary depend on.
REQUIRED_TRANSLATIONS = {
    "My projects": "我的项目",
    "My clients": "我的客户",
    "What needs my decision": "待我决策",
    "Needs my decision": "待我决策",
    "Client portal": "客户门户",
    "Sign out": "退出登录",
    "Satisfaction": "满意度",
    "organisation": "组织",
    "organisations": "组织",
}


@pytest.fixture(autouse=True)
def _clear_cache():
    """Overrides the suite's autouse fixture: these checks touch no cache, so need no Redis."""
    return


# --- A small reader of .po files (standard library only) -------------------------------------


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def is_header(self) -> bool:
        return self.msgctxt is None and self.msgid == ""

    def describe(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        where = f"  [{' '.join(self.references)}]" if self.references else ""
        return f"line {self.line}: {self.msgid!r}{context}{where}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$')
_CONTINUATION = re.compile(r'^(".*")$')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(literal: str) -> str:
    return _ESCAPE.sub(lambda match: _ESCAPES.get(match[1], match[1]), literal[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header first, obsolete ones (#~) included and marked."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # previous msgid of an obsolete entry
                continue
        if not line:
            entry, target = None, None
            continue
        starts_entry = line.startswith("#") or line.startswith(("msgctxt ", "msgid "))
        if entry is None or (starts_entry and entry.msgstr):
            entry, target = Entry(line=number), None
            entries.append(entry)
        entry.obsolete = entry.obsolete or obsolete
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif keyword := _KEYWORD.match(line):
            name, index, literal = keyword.groups()
            target = (name, int(index or 0))
            _append(entry, target, _unquote(literal), replace=True)
        elif (continuation := _CONTINUATION.match(line)) and target is not None:
            _append(entry, target, _unquote(continuation[1]), replace=False)
        else:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str, *, replace: bool) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = text if replace else entry.msgstr[index] + text
    else:
        current = getattr(entry, name)
        setattr(entry, name, text if replace or current is None else current + text)


def header_fields(entries: list[Entry]) -> dict[str, str]:
    header = next(entry for entry in entries if entry.is_header and not entry.obsolete)
    pairs = (line.split(":", 1) for line in header.msgstr.get(0, "").splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if not entry.is_header and not entry.obsolete]


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    assert PO_PATH.is_file(), f"{PO_PATH} is missing: run `make makemessages`."
    return parse_po(PO_PATH)


# --- The committed catalogue ------------------------------------------------------------------


def test_header_declares_simplified_chinese_with_a_single_plural_form(catalogue):
    header = next(entry for entry in catalogue if entry.is_header)
    fields = header_fields(catalogue)

    # msgfmt ignores a fuzzy header: the compiled catalogue would lose its charset and plural rule.
    assert "fuzzy" not in header.flags
    assert fields.get("Language") == "zh_Hans"
    assert fields.get("Content-Type") == "text/plain; charset=UTF-8"
    assert fields.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    problems = []
    for entry in messages(catalogue):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy  {entry.describe()}")
        if not entry.msgstr.get(0, "").strip():
            problems.append(f"empty  {entry.describe()}")
        elif entry.msgid_plural is not None and set(entry.msgstr) != {0}:
            problems.append(f"plural {entry.describe()}: zh_Hans has one form, msgstr[0] only")

    assert not problems, f"{len(problems)} entries of {PO_PATH.name} need work:\n" + "\n".join(
        problems
    )


_PYTHON_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.\d+)?[a-zA-Z%]")
_OTHER_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{[A-Za-z_][\w.]*\}|</?[A-Za-z][^<>]*>")


def _placeholders(text: str, *, python_format: bool) -> Counter[str]:
    found = Counter(_OTHER_PLACEHOLDER.findall(text))
    if python_format:
        found.update(_PYTHON_PLACEHOLDER.findall(text))
    return found


def test_translations_keep_the_placeholders_and_the_markup_of_their_source(catalogue):
    problems = []
    for entry in messages(catalogue):
        python_format = "python-format" in entry.flags
        source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
        expected = _placeholders(source, python_format=python_format)
        for index, text in sorted(entry.msgstr.items()):
            found = _placeholders(text, python_format=python_format)
            if text and found != expected:
                problems.append(
                    f"{entry.describe()}\n    msgstr[{index}] has {sorted(found.elements())}, "
                    f"the source has {sorted(expected.elements())}"
                )

    assert not problems, "Placeholders or markup differ from the source:\n" + "\n".join(problems)


def test_required_translations_are_exact(catalogue):
    found = {entry.msgid: entry.msgstr.get(0) for entry in messages(catalogue)}

    wrong = {
        msgid: (found.get(msgid), expected)
        for msgid, expected in REQUIRED_TRANSLATIONS.items()
        if found.get(msgid) != expected
    }
    assert not wrong, f"msgid: (found, expected): {wrong}"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> bytes:
    """The catalogue compiled the way `manage.py compilemessages` does it."""
    output = tmp_path_factory.mktemp("compiled") / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", str(output), str(PO_PATH)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, f"msgfmt rejects {PO_PATH}:\n{result.stderr}"
    return output.read_bytes()


def test_catalogue_compiles_with_format_checks(compiled):
    assert compiled


def test_django_serves_the_compiled_catalogue(compiled):
    stale = f"{MO_PATH} is missing or older than {PO_PATH.name}: run `make messages`."
    assert MO_PATH.is_file(), stale
    assert MO_PATH.read_bytes() == compiled, stale

    with translation.override("zh-hans"):
        served = {msgid: translation.gettext(msgid) for msgid in REQUIRED_TRANSLATIONS}

    assert served == REQUIRED_TRANSLATIONS


# --- The catalogue against the code -----------------------------------------------------------


def _not_copied(directory: str, names: list[str]) -> set[str]:
    at_top = Path(directory) == BASE_DIR
    return {
        name
        for name in names
        if name.startswith(".") or name == "__pycache__" or (at_top and name in NOT_COPIED_AT_TOP)
    }


def test_every_string_of_the_code_and_templates_is_in_the_catalogue(tmp_path, catalogue):
    # makemessages rewrites the catalogue next to the sources (and writes work files beside the
    # templates), so it runs on a copy of the project whose settings point to the copy's locale/.
    source = tmp_path / "project"
    shutil.copytree(BASE_DIR, source, ignore=_not_copied, symlinks=True)
    command = [
        sys.executable,
        "manage.py",
        "makemessages",
        f"--locale={LOCALE}",
        "--no-obsolete",
        *(f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORES),
        "--verbosity=0",
    ]
    # (settings.SETTINGS_MODULE is None while a test overrides settings.)
    module = os.environ.get("DJANGO_SETTINGS_MODULE") or "config.settings.test"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": module}
    result = subprocess.run(
        command,
        cwd=source,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    regenerated = source / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
    assert regenerated.is_file(), f"makemessages wrote no catalogue:\n{result.stderr}"

    committed = {entry.key for entry in messages(catalogue)}
    missing = [entry for entry in messages(parse_po(regenerated)) if entry.key not in committed]

    assert not missing, (
        f"{len(missing)} strings of the code and templates are not in {PO_PATH.name}; run "
        "`make makemessages`, translate them and `make messages`:\n"
        + "\n".join(entry.describe() for entry in missing)
    )
