#!/usr/bin/env bash
# The language catalogue (src/flowkit/locale): extract the messages from the code and the
# handbook templates, merge them into each language's .po file, compile the .mo files
# flowkit reads at run time. Needs Babel (the test extra: bash scripts/setup.sh test).
#   bash scripts/i18n.sh extract   # src/flowkit/locale/flowkit.pot from the sources (not kept)
#   bash scripts/i18n.sh update    # merge the .pot into zh_CN and en flowkit.po
#   bash scripts/i18n.sh compile   # flowkit.po -> flowkit.mo (committed, so pip install works)
#   bash scripts/i18n.sh           # all three, in that order
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel="${PYBABEL:-.venv/bin/pybabel}"
locale=src/flowkit/locale
pot="$locale/flowkit.pot"

# Besides Babel's own keywords (_, gettext, pgettext, ngettext, N_ ...): the messages of
# flowkit.messages (msg, pmsg with a context, nmsg with a plural); its BABEL_KEYWORDS says
# the same and a test keeps the two equal.
keywords=(-k msg -k pmsg:1c,2 -k nmsg:1,2)

extract() {
  "$pybabel" extract -F babel.cfg -o "$pot" --project flowkit --version 0.1.0 "${keywords[@]}" \
    --add-location file --sort-by-file --no-wrap -c TRANSLATORS: src/flowkit
}
update() {
  for lang in zh_CN en; do
    if [ -f "$locale/$lang/LC_MESSAGES/flowkit.po" ]; then
      "$pybabel" update -i "$pot" -d "$locale" -D flowkit -l "$lang" --no-wrap --ignore-obsolete \
        --ignore-pot-creation-date
    else
      "$pybabel" init -i "$pot" -d "$locale" -D flowkit -l "$lang" --no-wrap
    fi
  done
}
compile() {
  "$pybabel" compile -d "$locale" -D flowkit --statistics
}

case "${1:-all}" in
  extract) extract ;;
  update) update ;;
  compile) compile ;;
  all) extract && update && compile ;;
  *) echo "usage: $0 [extract|update|compile]" >&2; exit 2 ;;
esac
