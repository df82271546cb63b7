#!/usr/bin/env bash
# Copies what the integration tests generated into docs/, on purpose and only then.
#
#   mvn -B verify                 # the ITs write their tables to upgrade-cli/target/generated-docs/
#   docs/update-generated.sh      # docs/RELIABILITY.md gets the tables of that run
#   git diff docs/                # review, then commit
#
# A build never writes into docs/ itself, so `git status` stays clean after `mvn verify`. The filled-in
# copy (upgrade-cli/target/generated-docs/RELIABILITY.md) is made from docs/RELIABILITY.md as it was
# when the ITs ran; if docs/RELIABILITY.md changed since, copying it would undo that change, so this
# script refuses: run the ITs again (a single one that writes a table is enough to refresh the copy).
set -euo pipefail
cd "$(dirname "$0")/.."
generated=upgrade-cli/target/generated-docs
if [ ! -f "$generated/RELIABILITY.md" ]; then
  echo "update-generated: $generated/RELIABILITY.md does not exist; run the integration tests first (mvn -B verify)." >&2
  exit 1
fi
if [ docs/RELIABILITY.md -nt "$generated/RELIABILITY.md" ]; then
  echo "update-generated: docs/RELIABILITY.md changed after the tests generated their copy; run an IT that writes a table again (e.g. -Dit.test=BadInputIT)." >&2
  exit 1
fi
cp "$generated/RELIABILITY.md" docs/RELIABILITY.md
echo "docs/RELIABILITY.md updated with:"
for table in "$generated"/*.md; do
  case ${table##*/} in RELIABILITY.md) ;; *) echo "  ${table##*/} ($(date -r "$table" -u +%Y-%m-%dT%H:%M:%SZ))" ;; esac
done
