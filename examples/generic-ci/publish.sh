#!/usr/bin/env bash
# The publishing steps of the GitHub Action (action.yml with publish: "true"), for any CI (GitLab, Buildkite,
# Jenkins, a cron job). Expects DATABASE_URL (read-only role) in the environment and,
# optionally, PREVIOUS_CATALOG_URL pointing at the last published catalog.json.
# Publishes ./site with whatever your platform uses (GitLab Pages: `public/`, S3 sync...).
set -euo pipefail

pip install --quiet schema-catalog
mkdir -p catalog

if [ -n "${PREVIOUS_CATALOG_URL:-}" ]; then
  curl -fsSL "$PREVIOUS_CATALOG_URL" -o catalog/catalog.json || rm -f catalog/catalog.json
fi

schema-catalog extract --quiet          # exit 2: bad input (one line says what and how to fix)
schema-catalog check --format plain     # exit 1: error-level findings

if [ -f catalog/catalog.previous.json ]; then   # also rendered as the Changelog page
  schema-catalog diff catalog/catalog.previous.json catalog/catalog.json
fi

schema-catalog build --quiet
cp catalog/catalog.json site/catalog.json
echo "site/ is ready to publish"
