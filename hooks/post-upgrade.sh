#!/usr/bin/env bash
# Dogu hook, run in the NEW container: post-upgrade.sh FROM TO. Exit code 5 means another phase
# holds the lock (the orchestrator retries); 3 means failed, with the reason in the state store.
set -o errexit -o nounset -o pipefail
# JVM options (docs/PERFORMANCE.md): a small fixed heap is enough, the CLI streams everything; the
# serial collector starts fastest for such a heap. Not -XX:TieredStopAtLevel=1: it saves ~20 ms of a
# no-op run but makes SHA-256 of the backup ten times slower (no C2 intrinsics).
exec java ${DOGU_UPGRADE_JAVA_OPTS:--Xmx64m -XX:+UseSerialGC} -jar "${DOGU_UPGRADE_JAR:-/usr/local/lib/dogu-upgrade.jar}" post-upgrade "$@"
