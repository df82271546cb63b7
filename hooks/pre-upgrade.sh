#!/usr/bin/env bash
# Dogu hook, run in the OLD container with the old server running: pre-upgrade.sh FROM TO.
# Copied alone into the old container, so it only needs java and the jar next to it (or on PATH
# as the self-contained 'dogu-upgrade' launcher).
set -o errexit -o nounset -o pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec java -Xmx64m -jar "${DOGU_UPGRADE_JAR:-$here/dogu-upgrade.jar}" pre-upgrade "$@"
