"""The zh_CN catalog is complete, sound, and covers every string in the code and templates.

No application is needed: the catalog is read with Babel and the strings are extracted with
the same babel.cfg mapping and keywords as hygiene/translations/update.sh. When a test here
fails after adding a string, run hygiene/translations/update.sh and fill the new msgstr.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PO_FILE = ROOT / "hygiene" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
PO_SHOWN = PO_FILE.relative_to(ROOT).as_posix()
BABEL_CFG = ROOT / "babel.cfg"
# update.sh passes `-k _l` on top of Babel's default keywords (_, gettext, ngettext, ...).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}

# Python %-format placeholders: %(name)s, %(n)d, %s, %5.2f ...; %% is a literal percent.
_PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
                          r"(?P<type>[diouxXeEfFgGcrsa%])")
_QUOTED = re.compile(r"“(%\([^)]*\)[a-zA-Z])”")


@pytest.fixture(scope="module")
def catalog():
    with PO_FILE.open("rb") as f:
        # abort_invalid: a syntax error in the .po fails here instead of being skipped quietly
        return read_po(f, abort_invalid=True)


def _messages(catalog):
    return [m for m in catalog if m.id]


def _label(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
    ctx = f" [context {message.context!r}]" if message.context else ""
    return f"{msgid!r}{ctx} ({where or 'no location'})"


def _strings(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _placeholders(text: str) -> tuple[list[str], list[str]]:
    """Named placeholders (sorted) and the types of positional ones (in order); %% ignored."""
    named, positional = [], []
    for m in _PLACEHOLDER.finditer(text):
        if m["type"] == "%":
            continue
        if m["name"] is not None:
            named.append(f"%({m['name']}){m['type']}")
        else:
            positional.append(m["type"])
    return sorted(set(named)), positional


def test_catalog_is_not_fuzzy_and_has_a_header(catalog):
    assert not catalog.fuzzy, f"{PO_FILE.name}: the header is marked '#, fuzzy'; remove the flag"
    assert str(catalog.locale) in ("zh_Hans_CN", "zh_CN", "zh")


def test_every_message_is_translated(catalog):
    untranslated = [_label(m) for m in _messages(catalog)
                    if not all(s and s.strip() for s in _strings(m.string))]
    fuzzy = [_label(m) for m in _messages(catalog) if m.fuzzy]
    problems = [f"empty msgstr: {x}" for x in untranslated] + [f"fuzzy: {x}" for x in fuzzy]
    assert not problems, (f"{len(problems)} message(s) in {PO_SHOWN} need a "
                          "translation (fill msgstr, remove '#, fuzzy'):\n  " + "\n  ".join(problems))


def test_placeholders_survive_translation(catalog):
    """Every named placeholder of the msgid is in the msgstr and the msgstr invents none.

    For a plural entry (msgid/msgid_plural), a placeholder is required when both English forms
    have it and allowed when either has it: with one plural form in Chinese, msgstr[0] serves
    n == 1 too, and the count (%(num)d) is always passed.
    """
    problems = []
    for m in _messages(catalog):
        ids = _strings(m.id)
        if not any("%" in s for s in ids) and "python-format" not in m.flags:
            continue
        forms = [_placeholders(s) for s in ids]
        allowed = set().union(*(set(named) for named, _ in forms))
        required = set.intersection(*(set(named) for named, _ in forms))
        positional = {tuple(pos) for _, pos in forms}
        quoted = set().union(*(_QUOTED.findall(s) for s in ids))
        for translation in _strings(m.string):
            if not translation:
                continue  # reported by test_every_message_is_translated
            named, pos = _placeholders(translation)
            lacking, unknown = sorted(required - set(named)), sorted(set(named) - allowed)
            if lacking or unknown or tuple(pos) not in positional:
                problems.append(f"{_label(m)}: msgstr {translation!r} lacks {lacking}, has unknown "
                                f"{unknown}, positional {pos} (msgid: {sorted(positional)})")
            for placeholder in sorted(quoted):
                if placeholder in named and f"“{placeholder}”" not in translation:
                    problems.append(f"{_label(m)}: keep the quotes “{placeholder}” in {translation!r}")
    assert not problems, "placeholder mismatch:\n  " + "\n  ".join(problems)


def test_every_string_in_the_code_is_in_the_catalog(catalog):
    with BABEL_CFG.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, str(BABEL_CFG))
    found: dict[tuple[str, str | None], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        if msgid:
            found.setdefault((msgid, context), f"{filename}:{lineno}")
    assert len(found) > 50, "extraction found almost nothing; is babel.cfg still right?"

    missing = [f"{msgid!r} ({where})" for (msgid, context), where in sorted(found.items(), key=str)
               if catalog.get(msgid, context=context) is None]
    assert not missing, (f"{len(missing)} string(s) in the code are not in "
                         f"{PO_SHOWN}; run hygiene/translations/update.sh and "
                         "translate them:\n  " + "\n  ".join(missing))


def test_import_column_labels_are_in_the_catalog(catalog):
    """The importer translates its column labels with _(label), which extraction cannot see;
    each label must be a msgid that exists for another reason (kinds.py, forms)."""
    import hygiene.models  # noqa: F401  (every mapped class, as the app has them, before kinds.py's loaders)
    from hygiene.places import importer

    labels = {c.label for layout in importer.LAYOUTS.values() for c in layout}
    labels |= {importer._VILLAGE.label, importer._TOWNSHIP.label}
    missing = sorted(label for label in labels if catalog.get(label) is None)
    assert not missing, f"import column labels without a msgid in {PO_SHOWN}: {missing}"
