#!/usr/bin/env bash
# Regenerate drizzle-kit ground truth for tests/fixtures/drizzle/<name>/ with the
# real drizzle-kit from npm (CI does not run this: tests use the committed outputs).
#
#   scripts/drizzle_ground_truth.sh [name ...]      # default: every fixture
#
# Per fixture: input/ holds the schema; `kit-args` (optional) holds the arguments
# for `drizzle-kit generate` (default: --dialect postgresql --schema ./schema.ts),
# or input/drizzle.config.ts is used when present; `kit-variants` (optional) lists
# extra casings (e.g. snake_case) to generate as snapshot.<casing>.json too.
# Writes snapshot[.<casing>].json (meta/0000_snapshot.json) and schema[.<casing>].sql.
set -euo pipefail

KIT_VERSION=0.31.11
ORM_VERSION=0.45.4
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FIXTURES="$ROOT/tests/fixtures/drizzle"
KIT_DIR="${KIT_DIR:-${TMPDIR:-/tmp}/schema-catalog-drizzle-kit-$KIT_VERSION}"

install_kit() {
  if [ ! -x "$KIT_DIR/node_modules/.bin/drizzle-kit" ]; then
    mkdir -p "$KIT_DIR"
    (cd "$KIT_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund \
      "drizzle-kit@$KIT_VERSION" "drizzle-orm@$ORM_VERSION" >/dev/null)
  fi
}

generate() {  # generate <fixture> <suffix> <extra args...>
  local name="$1" suffix="$2"; shift 2
  local work="$KIT_DIR/work/$name"
  rm -rf "$work" && mkdir -p "$KIT_DIR/work" && cp -r "$FIXTURES/$name/input" "$work"
  local args=()
  if [ -f "$work/drizzle.config.ts" ]; then
    args=(--config ./drizzle.config.ts)
  elif [ -f "$FIXTURES/$name/kit-args" ]; then
    read -r -a args < "$FIXTURES/$name/kit-args"
  else
    args=(--dialect postgresql --schema ./schema.ts)
  fi
  [ -f "$work/drizzle.config.ts" ] || args+=(--out ./out)
  (cd "$work" && "$KIT_DIR/node_modules/.bin/drizzle-kit" generate "${args[@]}" "$@" >/dev/null)
  local out="$work/out"; [ -d "$out" ] || out="$work/drizzle"
  cp "$out/meta/0000_snapshot.json" "$FIXTURES/$name/snapshot$suffix.json"
  cat "$out"/0000_*.sql > "$FIXTURES/$name/schema$suffix.sql"
  echo "$name$suffix: $(grep -c '"name"' "$FIXTURES/$name/snapshot$suffix.json") names"
}

install_kit
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd "$FIXTURES" && ls -d */ | tr -d /))
for name in "${names[@]}"; do
  generate "$name" ""
  if [ -f "$FIXTURES/$name/kit-variants" ]; then
    while read -r casing; do
      [ -n "$casing" ] && generate "$name" ".$casing" --casing "$casing"
    done < "$FIXTURES/$name/kit-variants"
  fi
done
