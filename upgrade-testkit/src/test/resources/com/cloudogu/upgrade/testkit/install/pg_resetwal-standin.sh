#!/usr/bin/env bash
# TEST-ONLY stand-in for an OLD major's pg_resetwal (installed by ZonkyOldSide, see its Javadoc).
# zonky builds lack pg_resetwal, and Debian ships no 14 or 16 to take one from; pg_upgrade runs
# exactly two commands with the old bindir's pg_resetwal:
#   pg_resetwal -V          existence/version probe
#   pg_resetwal -n DATADIR  dry run: the pg_control values plus "First log segment after reset"
# This answers both from a pg_controldata of the same pg_control format (13-16 all use version 1300)
# plus the next WAL segment, computed like pg_resetwal's FindEndOfXLOG (the highest of the REDO
# segment and every segment file in pg_wal, plus one). Anything else exits 2. Never ship it.
set -euo pipefail
SELF_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
[ -f "$SELF_DIR/pg_resetwal.conf" ] && . "$SELF_DIR/pg_resetwal.conf"
CONTROLDATA=$SELF_DIR/pg_controldata
case "${1:-}" in
  -V|--version) echo "pg_resetwal (PostgreSQL) ${STANDIN_VERSION:?set STANDIN_VERSION}"; exit 0 ;;
  -n) D=${2:?datadir}; [ $# -eq 2 ] || exit 2 ;;
  *) echo "pg_resetwal stand-in: only -V and -n DATADIR are supported" >&2; exit 2 ;;
esac
[ -f "$D/postmaster.pid" ] && { echo "pg_resetwal stand-in: server running?" >&2; exit 1; }
OUT=$(LC_ALL=C "$CONTROLDATA" "$D")
val() { printf '%s\n' "$OUT" | sed -n "s/^$1: *//p" | head -1; }
[ "$(val 'pg_control version number')" = 1300 ] || { echo "pg_resetwal stand-in: pg_control version is not 1300" >&2; exit 1; }
TLI=$(val "Latest checkpoint's TimeLineID")
SEGSZ=$(val 'Bytes per WAL segment')
REDO=$(val "Latest checkpoint's REDO WAL file")
SEGS_PER_ID=$(( 0x100000000 / SEGSZ ))
segno() { echo $(( 0x${1:8:8} * SEGS_PER_ID + 0x${1:16:8} )); }
MAX=$(segno "$REDO")
for f in "$D"/pg_wal/*; do
  n=$(basename "$f")
  [[ $n =~ ^[0-9A-F]{24}$ ]] || continue
  s=$(segno "$n"); [ "$s" -gt "$MAX" ] && MAX=$s
done
NEXT=$(( MAX + 1 ))
printf 'Current pg_control values:\n\n%s\n\n\nValues to be changed:\n\nFirst log segment after reset:        %08X%08X%08X\n' \
  "$(printf '%s\n' "$OUT" | grep -v -E '^(Database cluster state|pg_control last modified)')" \
  "$TLI" $(( NEXT / SEGS_PER_ID )) $(( NEXT % SEGS_PER_ID ))
