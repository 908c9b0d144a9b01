#!/usr/bin/env bash
# The catalog a pull request is compared with, written to $1 (used by action.yml).
#
#   1. PREVIOUS_CATALOG: a path or an http(s) URL given to the action;
#   2. else the published site's catalog.json (SITE_URL/catalog.json);
#   3. else the catalog committed on the base branch (BASE_REF, CATALOG_PATH);
#   4. else an empty catalog: everything shows as added, every finding as new.
set -euo pipefail
out=$1
catalog_path=${CATALOG_PATH:-catalog/catalog.json}

fetch() {
  case "$1" in
    http://* | https://*) curl -fsSL --max-time 30 "$1" -o "$out" ;;
    *) cp "$1" "$out" ;;
  esac
}

if [ -n "${PREVIOUS_CATALOG:-}" ] && fetch "$PREVIOUS_CATALOG"; then
  echo "Comparing with $PREVIOUS_CATALOG"
elif [ -n "${SITE_URL:-}" ] && fetch "${SITE_URL%/}/catalog.json"; then
  echo "Comparing with the published ${SITE_URL%/}/catalog.json"
elif [ -n "${BASE_REF:-}" ] && git fetch --quiet --depth=1 origin "$BASE_REF" 2>/dev/null \
  && git show "FETCH_HEAD:$catalog_path" >"$out" 2>/dev/null; then
  echo "Comparing with $catalog_path on $BASE_REF"
else
  echo "No previous catalog found: comparing with an empty one"
  python -c 'from schema_catalog import model, snapshot; print(snapshot.dumps(model.Catalog()), end="")' >"$out"
fi
