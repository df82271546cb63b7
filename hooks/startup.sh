#!/usr/bin/env bash
# Dogu startup: wait for a running upgrade, restore or initialize, then hand over to the official
# entrypoint with exec so signals reach the server directly.
set -o errexit -o nounset -o pipefail
# JVM options (docs/PERFORMANCE.md): a small fixed heap is enough, the CLI streams everything; the
# serial collector starts fastest for such a heap. Not -XX:TieredStopAtLevel=1: it saves ~20 ms of a
# no-op run but makes SHA-256 of the backup ten times slower (no C2 intrinsics).
java ${DOGU_UPGRADE_JAVA_OPTS:--Xmx64m -XX:+UseSerialGC} -jar "${DOGU_UPGRADE_JAR:-/usr/local/lib/dogu-upgrade.jar}" startup
exec /usr/local/bin/docker-entrypoint.sh postgres \
  -c listen_addresses='*' \
  -c hba_file="${PGDATA}/pg_hba.conf" \
  -c log_min_messages="${POSTGRES_LOG_LEVEL:-warning}" \
  -c max_connections="${POSTGRES_MAX_CONNECTIONS:-100}"
