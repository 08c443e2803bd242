#!/usr/bin/env bash
# Refresh the translation catalog: extract the msgids from the code and templates, merge them
# into the Chinese catalog (folder zh: Babel looks there for zh_CN, which it spells zh_Hans_CN) (new strings get an empty msgstr; no fuzzy guesses), then compile .mo.
# Run from anywhere; it works from the repository root. Fill the empty msgstr afterwards;
# tests/test_translations.py fails while any are left.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin

"$BIN/pybabel" extract -F babel.cfg -k _l -o hygiene/translations/messages.pot .
"$BIN/pybabel" update -i hygiene/translations/messages.pot -d hygiene/translations -l zh --no-fuzzy-matching
"$BIN/pybabel" compile -d hygiene/translations
