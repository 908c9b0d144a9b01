#!/usr/bin/env bash
# Regenerate tests/fixtures/team_project/drizzle/ (drizzle-kit's out folder: SQL and
# meta/) with the real drizzle-kit from npm, from the project's drizzle.config.ts
# (CI does not run this: tests use the committed output).
#
#   scripts/team_project_fixture.sh
set -euo pipefail

KIT_VERSION=0.31.11
ORM_VERSION=0.45.4
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROJECT="$ROOT/tests/fixtures/team_project"
KIT_DIR="${KIT_DIR:-${TMPDIR:-/tmp}/schema-catalog-drizzle-kit-$KIT_VERSION}"

if [ ! -x "$KIT_DIR/node_modules/.bin/drizzle-kit" ]; then
  mkdir -p "$KIT_DIR"
  (cd "$KIT_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund \
    "drizzle-kit@$KIT_VERSION" "drizzle-orm@$ORM_VERSION" >/dev/null)
fi

# The project must sit under the kit folder so that drizzle-orm resolves from it.
work="$KIT_DIR/work/team_project"
rm -rf "$work" && mkdir -p "$KIT_DIR/work"
cp -r "$PROJECT" "$work" && rm -rf "$work/drizzle"
(cd "$work" && "$KIT_DIR/node_modules/.bin/drizzle-kit" generate --config ./drizzle.config.ts --name init >/dev/null)
rm -rf "$PROJECT/drizzle" && cp -r "$work/drizzle" "$PROJECT/drizzle"
ls -R "$PROJECT/drizzle"
