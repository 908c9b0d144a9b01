#!/usr/bin/env bash
# Regenerate tests/fixtures/migrations/drizzle/ (NNNN_name.sql + meta/) with the real
# drizzle-kit from npm, from the schema steps in tests/fixtures/migrations/drizzle-steps/
# (CI does not run this: tests use the committed output).
#
#   scripts/drizzle_migrations_fixture.sh
#
# Each step file NNNN_<name>.ts becomes the schema in turn and `drizzle-kit generate
# --name <name>` writes the migration from the previous step. drizzle-kit asks on a
# terminal whether a new column or table is created or renamed; a pseudo-terminal
# driver answers "renamed from" (the second choice) to every such question, so step
# files should only rename where they also drop the old name.
set -euo pipefail

KIT_VERSION=0.31.11
ORM_VERSION=0.45.4
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STEPS="$ROOT/tests/fixtures/migrations/drizzle-steps"
TARGET="$ROOT/tests/fixtures/migrations/drizzle"
KIT_DIR="${KIT_DIR:-${TMPDIR:-/tmp}/schema-catalog-drizzle-kit-$KIT_VERSION}"

if [ ! -x "$KIT_DIR/node_modules/.bin/drizzle-kit" ]; then
  mkdir -p "$KIT_DIR"
  (cd "$KIT_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund \
    "drizzle-kit@$KIT_VERSION" "drizzle-orm@$ORM_VERSION" >/dev/null)
fi

# Runs a command on a pseudo-terminal; answers each "created or renamed" prompt with
# arrow-down + enter (drizzle-kit lists "create" first, then "rename from <old>").
drive() {
  python3 - "$@" <<'PY'
import os, pty, re, sys, time

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
seen, answered = b"", 0
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    plain = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", seen)
    if plain.count(b"created or renamed") > answered:
        answered += 1
        time.sleep(0.3)
        os.write(fd, b"\x1b[B")
        time.sleep(0.3)
        os.write(fd, b"\r")
_, status = os.waitpid(pid, 0)
sys.stderr.write(f"answered {answered} rename prompt(s)\n")
sys.exit(os.waitstatus_to_exitcode(status))
PY
}

work="$KIT_DIR/work/migrations-fixture"
rm -rf "$work" && mkdir -p "$work"
for step in "$STEPS"/[0-9][0-9][0-9][0-9]_*.ts; do
  name="$(basename "$step" .ts)"; name="${name#*_}"
  cp "$step" "$work/schema.ts"
  (cd "$work" && drive "$KIT_DIR/node_modules/.bin/drizzle-kit" generate \
    --dialect postgresql --schema ./schema.ts --out ./out --name "$name" >/dev/null)
done
rm -rf "$TARGET" && mkdir -p "$TARGET"
cp "$work"/out/*.sql "$TARGET/" && cp -r "$work/out/meta" "$TARGET/meta"
ls "$TARGET" "$TARGET/meta"
