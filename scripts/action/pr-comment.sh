#!/usr/bin/env bash
# Post the pull-request comment in $1, or update the one posted before (used by action.yml).
#
# The comment is found by its first line, the hidden marker `<!-- schema-catalog -->`
# that `schema-catalog diff --format pr-comment` writes, so each push updates one
# comment instead of adding another. Needs GH_TOKEN (pull-requests: write), REPO, PR.
set -euo pipefail
body=$1
marker='<!-- schema-catalog -->'
[ "$(head -n 1 "$body")" = "$marker" ] || { echo "$body does not start with $marker" >&2; exit 2; }

existing=$(gh api --paginate "repos/$REPO/issues/$PR/comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$REPO/issues/comments/$existing" -F "body=@$body" --silent
  echo "Updated comment $existing on #$PR"
else
  gh api --method POST "repos/$REPO/issues/$PR/comments" -F "body=@$body" --silent
  echo "Commented on #$PR"
fi
