#!/usr/bin/env bash
# Dogu hook, run in the NEW container: post-upgrade.sh FROM TO. Exit code 5 means another phase
# holds the lock (the orchestrator retries); 3 means failed, with the reason in the state store.
set -o errexit -o nounset -o pipefail
exec java -Xmx64m -jar "${DOGU_UPGRADE_JAR:-/usr/local/lib/dogu-upgrade.jar}" post-upgrade "$@"
