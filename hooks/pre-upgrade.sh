#!/usr/bin/env bash
# Dogu hook, run in the OLD container with the old server running: pre-upgrade.sh FROM TO.
# Copied alone into the old container, so it only needs java and the jar next to it. Released dogu
# images have no Java: ship upgrade-cli/target/dogu-upgrade itself as the image's pre-upgrade hook
# instead (one file; without Java it runs pre-upgrade in POSIX shell, see README "pre-upgrade
# without Java").
set -o errexit -o nounset -o pipefail
# JVM options (docs/PERFORMANCE.md): a small fixed heap is enough, the CLI streams everything; the
# serial collector starts fastest for such a heap. Not -XX:TieredStopAtLevel=1: it saves ~20 ms of a
# no-op run but makes SHA-256 of the backup ten times slower (no C2 intrinsics).
here="$(cd "$(dirname "$0")" && pwd)"
exec java ${DOGU_UPGRADE_JAVA_OPTS:--Xmx64m -XX:+UseSerialGC} -jar "${DOGU_UPGRADE_JAR:-$here/dogu-upgrade.jar}" pre-upgrade "$@"
