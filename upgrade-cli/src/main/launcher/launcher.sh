#!/bin/sh
# dogu-upgrade: this file is a shell launcher followed by the executable jar, so one file is all an
# old container needs for pre-upgrade. Java reads the jar from the end of the file and ignores these
# lines; the shell never reads past the 'exit' at the end of this text.
#
# With a Java 17+ runtime (JAVA, or java on PATH) every command runs the Java CLI. Without one (no
# released dogu image has Java: busybox ash, musl, the old PostgreSQL, doguctl), 'pre-upgrade FROM TO'
# runs the POSIX shell path below, which keeps the Java pre-upgrade's contract (arguments, one-line
# errors, exit codes, backup file and manifest, state keys and their order); every other command
# fails with one line and exit code 3. It needs nothing but POSIX sh, busybox applets, the old
# PostgreSQL's client programs, doguctl (or the file state store) and, as root, gosu, su-exec,
# setpriv (util-linux), runuser or su; with DOGU_UPGRADE_METHOD=pg-upgrade also ldd or the dynamic
# loader (its --list). See README "pre-upgrade without Java".
# shellcheck shell=sh

# --- Java ---------------------------------------------------------------------------------------

# Prints the Java runtime to use if it is version 17 or newer; fails otherwise. Reads the runtime's
# 'release' file (no JVM start); runs 'java -version' only when that file is missing.
du_java() {
  du_j=${JAVA:-java}
  case $du_j in
    */*) [ -x "$du_j" ] || return 1 ;;
    *) du_j=$(command -v "$du_j" 2>/dev/null) || return 1
       case $du_j in /*) ;; *) return 1 ;; esac ;;
  esac
  du_real=$(readlink -f "$du_j" 2>/dev/null) || du_real=$du_j
  du_v=
  if [ -r "${du_real%/bin/*}/release" ]; then
    du_v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "${du_real%/bin/*}/release" 2>/dev/null)
  fi
  if [ -z "$du_v" ]; then
    du_v=$("$du_j" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | sed -n 1p)
  fi
  case $du_v in 1.*) du_v=${du_v#1.} ;; esac
  du_v=${du_v%%[!0-9]*}
  [ -n "$du_v" ] && [ "$du_v" -ge 17 ] 2>/dev/null || return 1
  printf '%s\n' "$du_j"
}

# Installed as the dogu's hook (a name starting with 'pre-upgrade', e.g. /pre-upgrade.sh), the file is
# called as the orchestrators call hooks: with FROM TO only.
case ${0##*/} in
  pre-upgrade*)
    case ${1:-} in
      pre-upgrade | post-upgrade | startup | abort | status | plan | migrations | help | -h | --help | -V | --version | '') ;;
      *) set -- pre-upgrade "$@" ;;
    esac ;;
esac

if du_java_bin=$(du_java); then
  # shellcheck disable=SC2086 # the options are a word list by design
  exec "$du_java_bin" ${DOGU_UPGRADE_JAVA_OPTS:--Xmx64m -XX:+UseSerialGC} -jar "$0" "$@"
fi

# --- shell path: logging and errors -------------------------------------------------------------

set -u
du_nl='
'
du_phase_started=

du_log() { # LEVEL MESSAGE
  printf '%s [%s] pre-upgrade.sh - %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" >&2
}

# Exit code of an error code, as the Java CLI's ExitCodes.of.
du_exit_code() {
  case $1 in
    DU-USAGE | DU-VERSION) echo 2 ;;
    DU-TIMEOUT) echo 4 ;;
    DU-LOCKED) echo 5 ;;
    *) echo 3 ;;
  esac
}

# Ends the run like the Java CLI (ErrorReporter): 'dogu-upgrade: error [CODE]: MESSAGE (see
# docs/ERRORS.md#code)' as the last line; the anchor is the code in lower case.
du_fail() { # CODE MESSAGE
  du_msg=$(printf '%s' "$2" | tr '\n' ' ')
  if [ -n "$du_phase_started" ]; then
    du_log ERROR "pre-upgrade failed after $(($(date +%s) - du_phase_started)) s [$1]: $du_msg"
    du_guard_off
  fi
  du_error_line "$1" "$du_msg"
  exit "$(du_exit_code "$1")"
}

du_error_line() { # CODE MESSAGE
  printf 'dogu-upgrade: error [%s]: %s (see docs/ERRORS.md#%s)\n' "$1" "$2" \
    "$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" >&2
}

# An enum setting's value as the Java CLI parses it: case-insensitive, surrounding blanks ignored.
du_setting_value() { # VALUE
  printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//'
}

du_usage_error() { # MESSAGE
  printf 'dogu-upgrade: usage error: %s\nTry '\''dogu-upgrade pre-upgrade --help'\''.\n' "$1" >&2
  exit 2
}

# Last non-blank line of a file, trimmed (ProcessResult.lastErrorLine).
du_last_line() {
  sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$1" 2>/dev/null | tail -n 1
}

# bytes -> "12.3 MiB", rounded half up like Java's String.format("%.1f").
du_mib() {
  du_tenths=$((($1 * 10 + 524288) / 1048576))
  printf '%s.%s MiB' "$((du_tenths / 10))" "$((du_tenths % 10))"
}

du_sleep() { # seconds, fractions where sleep supports them
  sleep "$1" 2>/dev/null || sleep 1
}

# Fault injection for tests, as the Java Checkpoints: DOGU_UPGRADE_HOLD_AT names the boundary.
du_checkpoint() {
  if [ "${DOGU_UPGRADE_HOLD_AT:-}" = "$1" ]; then
    du_log WARN "holding at $1 (DOGU_UPGRADE_HOLD_AT is set); waiting to be killed"
    while [ -z "${DOGU_UPGRADE_HOLD_RELEASE_FILE:-}" ] || [ ! -e "$DOGU_UPGRADE_HOLD_RELEASE_FILE" ]; do
      du_sleep 0.1
    done
    du_log WARN "released at $1"
  fi
}

# --- dogu versions (DoguVersion.parse) ----------------------------------------------------------

# Sets du_major_num (906, 1400), du_major ("9.6", "14"), du_minor, du_release; fails with DU-VERSION.
du_parse_version() {
  case $1 in *"$du_nl"*) du_bad_version "$1" "expected <major>.<minor>-<release> such as 14.15-2 or legacy 9.6.13-1" ;; esac
  du_n='(0|[1-9][0-9]{0,3})'
  if ! printf '%s\n' "$1" | grep -Eq "^$du_n\\.$du_n(\\.$du_n)?-(0|[1-9][0-9]{0,5})\$"; then
    du_bad_version "$1" "expected <major>.<minor>-<release> such as 14.15-2 or legacy 9.6.13-1"
  fi
  du_release=${1##*-}
  du_numbers=${1%-*}
  du_first=${du_numbers%%.*}
  du_rest=${du_numbers#*.}
  case $du_rest in
    *.*)
      du_second=${du_rest%%.*}
      du_minor=${du_rest#*.}
      if [ "$du_first" -ge 10 ]; then
        du_bad_version "$1" "three-part versions exist only before PostgreSQL 10 (e.g. 9.6.13-1); use $du_first.$du_second-$du_release for PostgreSQL $du_first"
      fi
      du_major_num=$((du_first * 100 + du_second))
      du_major=$du_first.$du_second ;;
    *)
      du_minor=$du_rest
      if [ "$du_first" -lt 10 ]; then
        du_bad_version "$1" "PostgreSQL $du_first.x versions have three parts, e.g. 9.6.13-1"
      fi
      du_major_num=$((du_first * 100))
      du_major=$du_first ;;
  esac
}

du_bad_version() {
  du_fail DU-VERSION "Invalid dogu version '$1': $2."
}

# --- state store: doguctl or file:<path> (DoguctlStateStore, FileStateStore) --------------------

du_store_open() {
  du_store=${DOGU_UPGRADE_STATE_STORE:-doguctl}
  case $du_store in
    '' | *[![:space:]]*) ;;
    *) du_store= ;;
  esac
  case $du_store in
    '')
      du_fail DU-USAGE "No state store given: use 'doguctl' or 'file:/path/state.properties'." ;;
    doguctl)
      command -v doguctl >/dev/null 2>&1 || du_fail DU-USAGE "Cannot use the state store 'doguctl': The state store 'doguctl' needs the doguctl program, but it is not on PATH (${PATH:-}). Run dogu-upgrade inside the dogu container, or use the state store file:/path."
      du_doguctl_timeout=
      if timeout 5 true 2>/dev/null; then du_doguctl_timeout=60; fi ;;
    file:*)
      du_state_file=${du_store#file:}
      [ -n "$du_state_file" ] || du_fail DU-USAGE "Cannot use the state store 'file:': The state store 'file:' needs the path of the state file, e.g. file:/var/lib/dogu-upgrade/state.properties."
      case $du_state_file in /*) ;; *) du_state_file=$PWD/$du_state_file ;; esac
      du_store='file' ;;
    *:*)
      du_fail DU-USAGE "Unknown state store '$du_store': scheme '${du_store%%:*}' is not one of doguctl, file. Use 'doguctl' or 'file:/path/state.properties'." ;;
    *)
      du_fail DU-USAGE "Unknown state store '$du_store': scheme '$du_store' is not one of doguctl, file. Use 'doguctl' or 'file:/path/state.properties'." ;;
  esac
}

# Runs doguctl with retries (200, 400, 800 ms); stdout into du_out. ACTION KEY ARGS...
du_doguctl() {
  du_action=$1 du_key=$2
  shift 2
  du_err=$(mktemp) || du_fail DU-STATE "Cannot create a temporary file for doguctl's messages."
  du_try_no=1
  for du_delay in 0.2 0.4 0.8 last; do
    if [ -n "$du_doguctl_timeout" ]; then
      du_out=$(timeout "$du_doguctl_timeout" doguctl "$@" 2>"$du_err" 9>&-)
    else
      du_out=$(doguctl "$@" 2>"$du_err" 9>&-)
    fi
    du_rc=$?
    if [ "$du_rc" -eq 0 ]; then
      [ "$du_try_no" -gt 1 ] && du_log INFO "doguctl could $du_action state key '$du_key' on attempt $du_try_no"
      rm -f "$du_err"
      return 0
    fi
    du_last=$(du_last_line "$du_err")
    du_failure="exit code $du_rc${du_last:+, $du_last}"
    [ "$du_delay" = last ] && break
    du_log WARN "doguctl could not $du_action state key '$du_key' (attempt $du_try_no of 4: $du_failure); retrying in ${du_delay#0.}00 ms"
    du_sleep "$du_delay"
    du_try_no=$((du_try_no + 1))
  done
  rm -f "$du_err"
  du_fail DU-STATE "doguctl could not $du_action state key '$du_key' (4 attempts; last: $du_failure). Check that the dogu's configuration store (etcd or the config volume) is reachable."
}

du_state_corrupted() {
  du_fail DU-STATE "State file $du_state_file is corrupted: $1. It is not reset automatically because it may record an upgrade in progress: repair it (restore it from a backup, or fix the content and the '# sha256' line, the SHA-256 of all lines above it) or remove it to start with an empty state."
}

# Checks the state file (format line, SHA-256 line) and copies its entry lines to FILE.
du_state_entries() {
  : >"$1"
  [ -e "$du_state_file" ] || return 0
  if [ ! -f "$du_state_file" ] || [ ! -r "$du_state_file" ]; then
    du_fail DU-STATE "Could not read state file $du_state_file. Check that it is a readable file."
  fi
  [ -s "$du_state_file" ] || du_state_corrupted "it is empty"
  [ "$(tail -c 1 "$du_state_file" | od -An -c | tr -d ' ')" = '\n' ] || du_state_corrupted "it does not end with a complete line"
  [ "$(sed -n 1p "$du_state_file")" = "# dogu-upgrade state store, format 1" ] || du_state_corrupted "its first line is not '# dogu-upgrade state store, format 1'"
  du_lines=$(wc -l <"$du_state_file")
  [ "$du_lines" -ge 2 ] || du_state_corrupted "its checksum line is missing"
  du_sum_line=$(tail -n 1 "$du_state_file")
  printf '%s\n' "$du_sum_line" | grep -Eq '^# sha256 [0-9a-f]{64}$' || du_state_corrupted "its last line is not the checksum line ('# sha256 ...')"
  du_sum=$(head -n "$((du_lines - 1))" "$du_state_file" | sha256sum | cut -c1-64)
  [ "# sha256 $du_sum" = "$du_sum_line" ] || du_state_corrupted "its checksum does not match its content"
  sed -e 1d -e '$d' "$du_state_file" >"$1"
}

# Properties escaping as StateFileFormat.escape for printable ASCII; refuses anything else.
du_escape_value() {
  if printf '%s' "$1" | LC_ALL=C grep -q '[^ -~]' || case $1 in *"$du_nl"*) true ;; *) false ;; esac; then
    return 1
  fi
  printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/[=:#!]/\\&/g' -e 's/^ /\\ /'
}

du_state_get() { # KEY -> du_value, returns 1 if unset
  if [ "$du_store" = doguctl ]; then
    du_sentinel="dogu-upgrade-unset-$$-$(date +%s)-$(od -An -N8 -tx1 /dev/urandom 2>/dev/null | tr -d ' \n')"
    du_doguctl read "$1" config --default "$du_sentinel" "$1"
    [ "$du_out" = "$du_sentinel" ] && return 1
    du_value=$du_out
    return 0
  fi
  du_tmp=$(mktemp) || du_fail DU-STATE "Cannot create a temporary file to read $du_state_file."
  du_state_entries "$du_tmp"
  du_line=$(grep "^$1=" "$du_tmp" | tail -n 1)
  rm -f "$du_tmp"
  [ -n "$du_line" ] || return 1
  # \X -> X; enough for the keys read here (user names: checked by the caller)
  du_value=$(printf '%s' "${du_line#*=}" | sed -e 's/\\\(.\)/\1/g')
}

du_state_set() { # KEY VALUE
  if [ "$du_store" = doguctl ]; then
    case $2 in
      -*) du_doguctl write "$1" config -- "$1" "$2" ;;
      *) du_doguctl write "$1" config "$1" "$2" ;;
    esac
    return
  fi
  du_escaped=$(du_escape_value "$2") || du_fail DU-STATE "Cannot write state key '$1' to $du_state_file: its value has characters outside printable ASCII, which the shell path does not write to the file store. Use a path of printable ASCII characters."
  du_entries=$(mktemp) || du_fail DU-STATE "Cannot create a temporary file to write $du_state_file."
  du_state_entries "$du_entries"
  du_rewrite_state "$du_entries" "$1" "$1=$du_escaped"
  rm -f "$du_entries"
}

# Writes the state file: ENTRIES without KEY, plus LINE if not empty; sorted, checksummed, renamed.
du_rewrite_state() { # ENTRIES KEY LINE
  du_dir=$(dirname "$du_state_file")
  mkdir -p "$du_dir" || du_fail DU-STATE "Could not create the directory of state file $du_state_file."
  du_new="$du_dir/.$(basename "$du_state_file").$$.tmp"
  if ! (
    umask 077
    {
      echo "# dogu-upgrade state store, format 1"
      { grep -v "^$2=" "$1"; [ -z "$3" ] || printf '%s\n' "$3"; } | LC_ALL=C sort -t= -k1,1
    } >"$du_new.body" &&
      { cat "$du_new.body"; printf '# sha256 %s\n' "$(sha256sum <"$du_new.body" | cut -c1-64)"; } >"$du_new" &&
      rm -f "$du_new.body" && du_sync "$du_new" && mv -f "$du_new" "$du_state_file"
  ); then
    rm -f "$du_new" "$du_new.body" "$1"
    du_fail DU-STATE "Could not write state file $du_state_file. Check that its directory is writable."
  fi
  du_sync "$du_dir"
}

du_state_remove() { # KEY
  if [ "$du_store" = doguctl ]; then
    du_doguctl remove "$1" config --rm "$1"
    return
  fi
  du_entries=$(mktemp) || du_fail DU-STATE "Cannot create a temporary file to write $du_state_file."
  du_state_entries "$du_entries"
  if grep -q "^$1=" "$du_entries"; then
    du_rewrite_state "$du_entries" "$1" ""
  fi
  rm -f "$du_entries"
}

# fsync of one file or directory where sync takes arguments (busybox, coreutils), else of everything.
du_sync() {
  sync "$1" 2>/dev/null || sync
}

# --- the phase lock ------------------------------------------------------------------------------

# Start time of a process (field 22 of /proc/PID/stat): with the pid it names one process for good.
du_start_time() {
  sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20
}

# flock(1) where the image has it (Alpine's busybox does): the kernel releases the lock when its
# holder dies. Else a directory <lock file>.d holding "pid start-time": a lock whose process is gone
# is stale and broken, so a killed run never blocks the next one.
du_lock() {
  du_lock_file=${DOGU_UPGRADE_LOCK_FILE:-/tmp/dogu-upgrade.lock}
  du_lock_dir=
  du_lock_parent=$(dirname "$du_lock_file")
  mkdir -p "$du_lock_parent" 2>/dev/null
  if command -v flock >/dev/null 2>&1; then
    # tried in a subshell first: a failed redirection of 'exec' would end the shell without a word
    if ! (: >>"$du_lock_file") 2>/dev/null; then
      du_fail DU-LOCKED "Cannot open the lock file $du_lock_file. Set DOGU_UPGRADE_LOCK_FILE to a writable path outside the data volume."
    fi
    exec 9>>"$du_lock_file"
    flock -n 9 || du_locked "$du_lock_file"
    return
  fi
  du_me="$$ $(du_start_time $$)"
  for _ in 1 2 3 4 5; do
    if mkdir "$du_lock_file.d" 2>/dev/null; then
      printf '%s\n' "$du_me" >"$du_lock_file.d/owner.tmp" && mv -f "$du_lock_file.d/owner.tmp" "$du_lock_file.d/owner"
      du_lock_dir=$du_lock_file.d
      return
    fi
    [ -d "$du_lock_file.d" ] || du_fail DU-LOCKED "Cannot create the lock directory $du_lock_file.d. Set DOGU_UPGRADE_LOCK_FILE to a writable path outside the data volume."
    du_holder=$(cat "$du_lock_file.d/owner" 2>/dev/null) || du_holder=
    if [ -z "$du_holder" ]; then
      # the holder may be between mkdir and writing its pid: stale only when that is long ago
      du_age=$(($(date +%s) - $(stat -c %Y "$du_lock_file.d" 2>/dev/null || date +%s)))
      if [ "$du_age" -lt 10 ]; then du_sleep 0.5; continue; fi
    else
      du_pid=${du_holder%% *}
      if [ "$(du_start_time "$du_pid")" = "${du_holder#* }" ] && [ -n "${du_holder#* }" ]; then
        du_locked "$du_lock_file.d"
      fi
    fi
    du_log INFO "breaking the stale lock $du_lock_file.d left by a run that no longer exists (${du_holder:-no pid})"
    mv "$du_lock_file.d" "$du_lock_file.d.stale.$$" 2>/dev/null && rm -rf "$du_lock_file.d.stale.$$"
  done
  du_locked "$du_lock_file.d"
}

du_locked() {
  du_fail DU-LOCKED "Another dogu-upgrade phase is running (lock $1 is held); pre-upgrade did not start. Wait for it to finish, then retry."
}

# shellcheck disable=SC2317 # called from the EXIT trap
du_unlock() {
  if [ -n "${du_lock_dir:-}" ]; then
    rm -rf "$du_lock_dir"
    du_lock_dir=
  fi
}

# --- running commands as the database OS user (UserSwitch) --------------------------------------

du_find_switch() {
  du_switch=
  du_uid=$(id -u)
  [ "$du_uid" = 0 ] && [ "$du_owner" != root ] || return 0
  for du_tool in gosu su-exec; do
    if command -v "$du_tool" >/dev/null 2>&1; then du_switch=$du_tool; return 0; fi
  done
  # busybox setpriv cannot change users: only util-linux's passes this probe
  if command -v setpriv >/dev/null 2>&1 && setpriv --reuid=0 --regid=0 --init-groups -- true 2>/dev/null; then
    du_switch=setpriv
  elif command -v runuser >/dev/null 2>&1; then
    du_switch=runuser
  elif command -v su >/dev/null 2>&1; then
    du_switch=su
  else
    du_fail DU-PROCESS "Cannot run 'pg_dumpall' as user '$du_owner': none of gosu, su-exec, setpriv, runuser or su is on PATH (${PATH:-}). Install one of them in the image or run dogu-upgrade as '$du_owner'."
  fi
}

# Quotes one word for sh -c (only su needs it).
du_quote() {
  printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

du_as_owner() { # COMMAND ARGS...
  case $du_switch in
    '') "$@" ;;
    gosu | su-exec) "$du_switch" "$du_owner" "$@" ;;
    setpriv) setpriv --reuid="$du_owner" --regid="$du_owner" --init-groups -- "$@" ;;
    runuser) runuser -u "$du_owner" -- "$@" ;;
    su)
      du_cmd='exec'
      for du_word in "$@"; do du_cmd="$du_cmd $(du_quote "$du_word")"; done
      su -m -s /bin/sh -c "$du_cmd" "$du_owner" ;;
  esac
}

# The same, replacing this (sub)shell: for the background pg_dumpall, so $! is the dump itself.
du_exec_as_owner() { # COMMAND ARGS...
  case $du_switch in
    '') exec "$@" ;;
    gosu | su-exec) exec "$du_switch" "$du_owner" "$@" ;;
    setpriv) exec setpriv --reuid="$du_owner" --regid="$du_owner" --init-groups -- "$@" ;;
    *) du_as_owner "$@"; exit ;;
  esac
}

# --- the old cluster (RunningCluster, ReadOnlyGuard) ---------------------------------------------

du_psql() { # SQL WHAT [CODE] -> du_out; fails with CODE (default DU-BACKUP) naming WHAT
  du_err=$(mktemp) || du_fail DU-BACKUP "Cannot create a temporary file for psql's messages."
  du_out=$(du_as_owner psql -X -w -A -t -q -F '|' -v ON_ERROR_STOP=1 -d template1 -c "$1" 2>"$du_err" 9>&-)
  du_rc=$?
  du_last=$(du_last_line "$du_err")
  rm -f "$du_err"
  if [ "$du_rc" -ne 0 ]; then
    du_fail "${3:-DU-BACKUP}" "Could not $2: 'psql' exited with $du_rc${du_last:+: $du_last}"
  fi
}

du_split_facts() {
  du_old_ifs=$IFS
  IFS='|'
  set -f
  # shellcheck disable=SC2086 # split on '|' on purpose; the added '|' ends the last field, which
  # field splitting would otherwise drop when it is empty (the provider locale of libc)
  set -- $1'|'
  set +f
  IFS=$du_old_ifs
  [ $# -eq 9 ] || return 1
  du_size=$1 du_encoding=$2 du_collate=$3 du_ctype=$4 du_checksums=$5 du_server_version=$6
  du_wal_segment=$7 du_provider=$8 du_provider_locale=$9
}

# ClusterSettings.writeTo: what the new cluster's initdb mirrors
du_manifest_cluster_settings() {
  du_manifest_line cluster.encoding "$du_encoding"
  du_manifest_line cluster.collate "$du_collate"
  du_manifest_line cluster.ctype "$du_ctype"
  du_manifest_line cluster.dataChecksums "$du_checksums"
  du_manifest_line cluster.walSegmentBytes "$du_wal_segment"
  du_manifest_line cluster.localeProvider "$du_provider"
  du_manifest_line cluster.providerLocale "$du_provider_locale"
}

du_cluster_facts() {
  du_psql "SELECT (SELECT sum(pg_database_size(oid)) FROM pg_database WHERE datallowconn), pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, current_setting('data_checksums'), current_setting('server_version_num'), (SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'), coalesce(to_jsonb(d)->>'datlocprovider', 'c'), coalesce(to_jsonb(d)->>'datlocale', to_jsonb(d)->>'daticulocale', '') FROM pg_database d WHERE d.datname = 'template1'" \
    "query the running server (check PGHOST/PGPORT/PGUSER and that the old server runs)" DU-SERVER
  du_facts=$du_out
  case $du_facts in *"$du_nl"*) du_unexpected "$du_facts" "several lines" ;; esac
  du_fields=$(printf '%s\n' "$du_facts" | awk -F'|' '{ print NF }')
  du_split_facts "$du_facts" || du_unexpected "$du_facts" "$du_fields fields instead of 9"
  case $du_size in '' | *[!0-9]*) du_unexpected "$du_facts" "the size is not a number" ;; esac
  case $du_server_version in '' | *[!0-9]*) du_unexpected "$du_facts" "server_version_num is not a number" ;; esac
  case $du_checksums in on) du_checksums=true ;; off) du_checksums=false ;; *) du_unexpected "$du_facts" "data_checksums is not on or off" ;; esac
  case $du_encoding in '' | *[!A-Za-z0-9_]*) du_unexpected "$du_facts" "the encoding is not a name" ;; esac
  # RunningCluster.parse: the WAL segment size in bytes (unit 'B' since 11), the provider's letter
  case $du_wal_segment in '' | *[!0-9]*) du_unexpected "$du_facts" "wal_segment_size is not a number" ;; esac
  case $du_provider in c) du_provider=libc ;; i) du_provider=icu ;; b) du_provider=builtin ;; *) du_unexpected "$du_facts" "the locale provider is none of c, i, b" ;; esac
  if printf '%s%s%s' "$du_collate" "$du_ctype" "$du_provider_locale" | LC_ALL=C grep -q '[[:cntrl:]]'; then
    du_unexpected "$du_facts" "a locale has control characters"
  fi
  du_psql "SELECT current_setting('data_directory')" "ask the running server for its data directory"
  du_server_data=$du_out
}

du_unexpected() {
  du_fail DU-BACKUP "Unexpected answer from the running server ($2): '$1'."
}

du_guard_on=
du_guard_off() {
  if [ -n "$du_guard_on" ]; then
    du_guard_on=
    if du_as_owner psql -X -w -q -v ON_ERROR_STOP=1 -d template1 -c "ALTER SYSTEM RESET default_transaction_read_only" -c "SELECT pg_reload_conf()" >/dev/null 2>&1 9>&-; then
      du_log INFO "old cluster accepts writes again"
    else
      du_log WARN "could not lift the read-only guard; 'dogu-upgrade abort' in the new container or 'ALTER SYSTEM RESET default_transaction_read_only' does"
    fi
  fi
}

# --- leftovers of interrupted attempts -----------------------------------------------------------

# Kills pg_dumpall/pg_dump processes whose command line names a *.partial file of this backup
# directory (PREFIX ... SUFFIX): orphans of a killed earlier attempt (the lock is held, so no live
# attempt exists), or at exit this attempt's own dump.
du_kill_writers() { # PREFIX SUFFIX
  du_killed=""
  for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    du_found=
    # pg_dumpall before its pg_dump: killed first, pg_dump would make pg_dumpall exit on its own
    # (and /proc's order, by name, is not the order of the pids)
    for du_want in pg_dumpall pg_dump; do
    for du_proc in /proc/[0-9]*; do
      du_pid=${du_proc#/proc/}
      # the name first, with the 'read' builtin: no process is started for the hundreds of others
      du_comm=
      read -r du_comm 2>/dev/null <"$du_proc/comm" || continue
      [ "$du_comm" = "$du_want" ] || continue
      [ "$du_pid" = "$$" ] && continue
      du_cmdline=$(tr '\0' '\n' <"$du_proc/cmdline" 2>/dev/null) || continue
      case $du_cmdline in *"$1"*"$2"*) ;; *) continue ;; esac
      du_prog=$(printf '%s\n' "$du_cmdline" | sed -n 1p)
      case ${du_prog##*/} in pg_dumpall | pg_dump) ;; *) continue ;; esac
      [ "$(sed 's/.*) //' "$du_proc/stat" 2>/dev/null | cut -d' ' -f1)" = Z ] && continue
      du_found=1
      case " $du_killed " in *" $du_pid "*) continue ;; esac
      du_log INFO "stopping ${du_prog##*/} (pid $du_pid), which still writes a file $1*$2"
      kill -9 "$du_pid" 2>/dev/null || du_log WARN "could not stop pid $du_pid; its file has another name than this attempt's"
      du_killed="$du_killed $du_pid"
    done
    done
    [ -z "$du_found" ] && return 0
    du_sleep 0.2
  done
  du_log WARN "processes of an earlier attempt are still running; this attempt writes to its own file"
}

# ClusterDumper.prepareDirectory: create and check the backup directory, remove leftovers.
du_prepare_directory() {
  if [ -L "$du_backup_dir" ]; then
    du_fail DU-BACKUP "The backup directory $du_backup_dir is a symbolic link; refused. Point DOGU_UPGRADE_BACKUP_DIR at a real directory."
  fi
  if [ -e "$du_backup_dir" ] && [ ! -d "$du_backup_dir" ]; then
    du_fail DU-BACKUP "The backup directory $du_backup_dir is not writable: it is a file, not a directory. Move it away or set DOGU_UPGRADE_BACKUP_DIR."
  fi
  if [ ! -d "$du_backup_dir" ]; then
    if ! (umask 077 && mkdir -p "$du_backup_dir") || ! chmod 700 "$du_backup_dir"; then
      du_fail DU-BACKUP "The backup directory $du_backup_dir is not writable (it cannot be created). Fix its permissions or set DOGU_UPGRADE_BACKUP_DIR."
    fi
  fi
  du_chown "$du_backup_dir"
  du_kill_writers "$du_backup_dir/cluster-" .partial
  for du_leftover in "$du_backup_dir"/*.partial "$du_backup_dir"/.*.partial; do
    [ -e "$du_leftover" ] || [ -L "$du_leftover" ] || continue
    du_log INFO "removing $du_leftover left by an interrupted earlier backup"
    rm -rf "$du_leftover"
  done
  du_probe="$du_backup_dir/.write-test.$du_attempt_id.partial"
  if ! (: >"$du_probe") 2>/dev/null; then
    du_fail DU-BACKUP "The backup directory $du_backup_dir is not writable (a file cannot be created in it). Fix its permissions or set DOGU_UPGRADE_BACKUP_DIR."
  fi
  rm -f "$du_probe"
}

du_chown() {
  if [ "$du_uid" = 0 ]; then
    if grep -q "^$du_owner:" /etc/group 2>/dev/null; then
      chown "$du_owner:$du_owner" "$1"
    else
      chown "$du_owner" "$1"
    fi || du_fail DU-PGDATA "Cannot give $1 to user '$du_owner'. Check that the user exists in the image."
  fi
}

# ClusterDumper.checkSpace: the cluster plus 64 MiB must fit before anything is written.
du_check_space() {
  du_needed=$((du_size + 67108864))
  du_fs=$(stat -f -c '%a %S' "$du_backup_dir" 2>/dev/null) ||
    du_fail DU-BACKUP "Cannot read free space of $du_backup_dir."
  du_free=$((${du_fs% *} * ${du_fs#* }))
  if [ "$du_free" -lt "$du_needed" ]; then
    du_fail DU-SPACE "Not enough space for the backup in $du_backup_dir: about $(du_mib "$du_needed") needed (cluster size plus margin), $(du_mib "$du_free") free. Free space and run pre-upgrade again; nothing was written."
  fi
  du_log INFO "disk space check: $(du_mib "$du_needed") needed, $(du_mib "$du_free") free in $du_backup_dir"
}

# --- the backup (ClusterDumper, BackupManifest) --------------------------------------------------

du_dump_pid=
du_own_partials=
du_partial=""
du_manifest_partial=""
du_err_file=""
du_work=""
# shellcheck disable=SC2317 # called from the EXIT trap
du_on_exit() {
  if [ -n "$du_dump_pid" ]; then
    kill -9 "$du_dump_pid" 2>/dev/null
    du_kill_writers "$du_partial" ""
  fi
  if [ -n "$du_own_partials" ]; then
    rm -rf "$du_partial" "$du_manifest_partial" "$du_err_file" 2>/dev/null
  fi
  [ -n "$du_work" ] && rm -rf "$du_work"
  du_unlock
}

du_manifest_line() { # KEY VALUE
  du_mv=$(printf '%s' "$2" | sed -e 's/\\/\\\\/g' -e 's/[=:#!]/\\&/g' -e 's/^ /\\ /' -e 's/	/\\t/g')
  printf '%s=%s\n' "$1" "$du_mv"
}

du_dump() {
  du_prepare_directory
  du_check_space
  du_target="$du_backup_dir/cluster-$du_from.sql"
  du_partial="$du_target.$du_attempt_id.partial"
  du_manifest_partial="$du_target.manifest.$du_attempt_id.partial"
  du_err_file="$du_backup_dir/.pg_dumpall.$du_attempt_id.err.partial"
  du_own_partials=1
  du_tool_version=$(pg_dumpall --version 2>/dev/null | sed -n 's/.*(PostgreSQL) \([0-9][0-9]*\(\.[0-9][0-9]*\)\{0,1\}\).*/\1/p' | sed -n 1p)
  [ -n "$du_tool_version" ] || du_fail DU-PROCESS "Cannot read the version of pg_dumpall: is it on PATH (${PATH:-})? Install the PostgreSQL client tools in the image."
  du_t0=$(date +%s)
  du_checkpoint pre-upgrade.before-dump
  du_log INFO "writing the backup with pg_dumpall $du_tool_version into $du_partial"
  # in the background, so that a TERM reaches the trap at once; fd 9 (the lock) is not inherited
  (
    exec 9>&- </dev/null 2>"$du_err_file"
    du_exec_as_owner pg_dumpall -w -f "$du_partial"
  ) &
  du_dump_pid=$!
  wait "$du_dump_pid"
  du_rc=$?
  du_dump_pid=
  if [ "$du_rc" -ne 0 ]; then
    du_last=$(du_last_line "$du_err_file")
    rm -f "$du_partial"
    if grep -q "No space left on device" "$du_err_file" 2>/dev/null; then
      rm -f "$du_err_file"
      du_fail DU-SPACE "The backup ran out of space in $du_backup_dir; about $(du_mib "$du_needed") are needed. Free space there and run pre-upgrade again; the old cluster is untouched."
    fi
    rm -f "$du_err_file"
    du_fail DU-BACKUP "pg_dumpall failed with exit code $du_rc: $du_last. The old cluster is untouched; fix the cause and run pre-upgrade again."
  fi
  rm -f "$du_err_file"
  du_checkpoint pre-upgrade.dump-finished
  if ! tail -c 512 "$du_partial" | grep -q "PostgreSQL database cluster dump complete"; then
    rm -f "$du_partial"
    du_fail DU-BACKUP "The dump $du_partial lacks pg_dumpall's completion line ('PostgreSQL database cluster dump complete'): it is incomplete. The old cluster is untouched; run pre-upgrade again."
  fi
  du_sync "$du_partial"
  du_dump_size=$(wc -c <"$du_partial" | tr -d ' ')
  du_sha=$(sha256sum <"$du_partial" | cut -c1-64)
  if ! chmod 600 "$du_partial"; then
    du_fail DU-BACKUP "Cannot finish the backup $du_target: cannot restrict $du_partial to user '$du_owner'. The old cluster is untouched; run pre-upgrade again."
  fi
  du_chown "$du_partial"
  if ! (
    umask 077
    {
      echo "#dogu-upgrade backup manifest (written by the shell path of pre-upgrade)"
      echo "#$(date -u)"
      du_manifest_line format 1
      du_manifest_line size "$du_dump_size"
      du_manifest_line sha256 "$du_sha"
      du_manifest_line from "$du_from"
      du_manifest_line to "$du_to"
      du_manifest_line sourceServerVersion "$du_server_version"
      du_manifest_line dumpToolVersion "$du_tool_version"
      du_manifest_cluster_settings
      du_manifest_line sourceClusterBytes "$du_size"
      if [ -n "$du_old_cluster" ]; then
        du_manifest_line oldCluster.path "$du_pgdata"
        du_manifest_line oldCluster.major "$du_pg_version"
        du_manifest_line oldCluster.owner "$du_pgdata_owner"
      fi
    } >"$du_manifest_partial"
  ) || ! du_chown "$du_manifest_partial" || ! du_sync "$du_manifest_partial" ||
    ! mv -f "$du_partial" "$du_target" || ! mv -f "$du_manifest_partial" "$du_target.manifest"; then
    du_fail DU-BACKUP "Cannot finish the backup $du_target: writing or renaming it or its manifest failed. The old cluster is untouched; run pre-upgrade again."
  fi
  du_own_partials=
  du_sync "$du_backup_dir"
  du_checkpoint pre-upgrade.backup-renamed
  du_secs=$(($(date +%s) - du_t0))
  du_log INFO "backup $du_target written: $(du_mib "$du_dump_size"), sha256 $du_sha, $du_secs s"
  du_check_restore_space
}

# The new container restores next to the old cluster and the backup, on the same volume: refuse now,
# before the image switch, what startup would refuse (twice the backup plus a fresh cluster).
du_check_restore_space() {
  du_needed=$((2 * du_dump_size + 67108864))
  du_fs=$(stat -f -c '%a %S' "$du_pgdata" 2>/dev/null) ||
    du_fail DU-PGDATA "Cannot read the free space of $du_pgdata."
  du_free=$((${du_fs% *} * ${du_fs#* }))
  if [ "$du_free" -lt "$du_needed" ]; then
    rm -rf "$du_target" "$du_target.manifest"
    du_fail DU-SPACE "The new container could not restore the backup: about $(du_mib "$du_needed") are needed on the volume of $du_pgdata (twice the $(du_mib "$du_dump_size") backup plus a fresh cluster, next to the old cluster and the backup), $(du_mib "$du_free") are free. Grow the volume or free space and run pre-upgrade again; nothing was recorded and the old cluster is untouched."
  fi
  du_log INFO "restore space in the new container: $(du_mib "$du_needed") needed, $(du_mib "$du_free") free on the volume of $du_pgdata"
}

# --- the pg_upgrade method: the old installation carried over (InstallationDumper) ---------------

# OldInstallation.of: from the 'postgres' on PATH its bin directory, version, package library and
# share directory (found by their relative places; pg_config only if it lies next to postgres).
du_find_installation() {
  du_postgres=$(command -v postgres 2>/dev/null) || du_postgres=""
  case $du_postgres in
    /*) ;;
    *) du_fail DU-SERVER "No 'postgres' server program on PATH (${PATH:-}). The old installation cannot be carried over for pg_upgrade; run pre-upgrade in the dogu image or use DOGU_UPGRADE_METHOD=dump." ;;
  esac
  du_inst_bin=${du_postgres%/*}
  for du_tool in initdb pg_ctl; do
    [ -x "$du_inst_bin/$du_tool" ] || du_fail DU-SERVER "'$du_tool' is missing next to $du_postgres; the server installation is incomplete. Use DOGU_UPGRADE_METHOD=dump."
  done
  du_v=$("$du_postgres" --version 2>/dev/null 9>&-) || du_v=""
  du_inst_version=$(printf '%s\n' "$du_v" | sed -n 's/.*(PostgreSQL) \([0-9][0-9]*\(\.[0-9][0-9]*\)\{0,1\}\).*/\1/p' | sed -n 1p)
  [ -n "$du_inst_version" ] || du_fail DU-SERVER "Cannot read the version of $du_postgres from '$du_v'."
  du_inst_major=${du_inst_version%%.*}
  du_prefix=${du_inst_bin%/*}
  du_pg_config="$du_inst_bin/pg_config"
  du_inst_pkglib=""
  for du_c in "$du_prefix/lib/postgresql" "$du_prefix/lib"; do
    if [ -f "$du_c/plpgsql.so" ]; then du_inst_pkglib=$du_c; break; fi
  done
  if [ -z "$du_inst_pkglib" ] && [ -x "$du_pg_config" ]; then
    du_c=$("$du_pg_config" --pkglibdir 2>/dev/null 9>&-) || du_c=""
    [ -n "$du_c" ] && [ -f "$du_c/plpgsql.so" ] && du_inst_pkglib=$du_c
  fi
  [ -n "$du_inst_pkglib" ] || du_fail DU-SERVER "Cannot find the package library directory (plpgsql.so) of $du_inst_bin; looked in [$du_prefix/lib/postgresql, $du_prefix/lib]. The old installation cannot be carried over for pg_upgrade; use DOGU_UPGRADE_METHOD=dump."
  # PostgresInstallation.shareDirectory; Debian's layout: <root>/usr/lib/postgresql/<major>/bin
  set -- "$du_prefix/share/postgresql" "$du_prefix/share"
  du_up=${du_prefix%/*}
  case $du_up in
    */*)
      du_up=${du_up%/*}
      case $du_up in */*) set -- "$@" "${du_up%/*}/share/postgresql/$du_inst_major" ;; esac ;;
  esac
  du_inst_share=""
  for du_c in "$@"; do
    if [ -f "$du_c/postgres.bki" ]; then du_inst_share=$du_c; break; fi
  done
  if [ -z "$du_inst_share" ] && [ -x "$du_pg_config" ]; then
    du_c=$("$du_pg_config" --sharedir 2>/dev/null 9>&-) || du_c=""
    [ -n "$du_c" ] && [ -f "$du_c/postgres.bki" ] && du_inst_share=$du_c
  fi
  if [ -z "$du_inst_share" ]; then
    for du_c in "/usr/share/postgresql/$du_inst_major" /usr/share/postgresql; do
      if [ -f "$du_c/postgres.bki" ]; then du_inst_share=$du_c; break; fi
    done
  fi
  [ -n "$du_inst_share" ] || du_fail DU-SERVER "Cannot find the share directory (postgres.bki) of the server in $du_inst_bin; looked in [$*, /usr/share/postgresql/$du_inst_major, /usr/share/postgresql]. Use DOGU_UPGRADE_METHOD=dump."
  du_log INFO "old installation: PostgreSQL $du_inst_version in $du_inst_bin (package library $du_inst_pkglib, share $du_inst_share)"
}

# InstallationCopy.copyInto's file set: the programs pg_upgrade runs from the old bindir, the
# package library without the LLVM JIT and the share directory; into $du_work/files, one absolute
# path a line, and the ELF files whose libraries are needed into $du_work/elves.
du_list_installation() {
  : >"$du_work/files"
  for du_name in postgres pg_ctl pg_controldata pg_resetwal initdb; do # OldInstallation.PROGRAMS
    [ -f "$du_inst_bin/$du_name" ] && [ -x "$du_inst_bin/$du_name" ] && printf '%s\n' "$du_inst_bin/$du_name" >>"$du_work/files"
  done
  cp "$du_work/files" "$du_work/elves"
  for du_dir in "$du_inst_pkglib" "$du_inst_share"; do
    # sorted: the order is the manifest's, not the directory's
    find "$du_dir" \( -type f -o -type l \) 2>/dev/null | LC_ALL=C sort >"$du_work/tree" ||
      du_fail DU-SERVER "Cannot list $du_dir. Use DOGU_UPGRADE_METHOD=dump."
    while IFS= read -r du_f; do
      [ -f "$du_f" ] || continue # a link to a directory or nowhere: not a file (Files.isRegularFile)
      du_rel=${du_f#"$du_dir"/}
      case ${du_rel%%/*} in bitcode | llvmjit*) continue ;; esac # the JIT: pg_upgrade never needs it
      printf '%s\n' "$du_f" >>"$du_work/files"
      case $du_f in *.so) printf '%s\n' "$du_f" >>"$du_work/elves" ;; esac
    done <"$du_work/tree"
  done
  # printable ASCII without space and backslash: what sha256sum prints unescaped, the manifests'
  # "size sha256 path" lines hold as is, and the shell reads back field by field
  du_odd=$(LC_ALL=C grep -e '[^!-~]' -e '[\\]' "$du_work/files" | sed -n 1p)
  if [ -n "$du_odd" ]; then
    du_fail DU-SERVER "The old installation has a file whose name the shell path cannot record (a space, backslash or non-ASCII character): '$du_odd'. Install Java 17+ in the old image (JAVA) or use DOGU_UPGRADE_METHOD=dump."
  fi
}

# The dynamic loader's view of one ELF file: ldd where the image has it (Alpine's musl-utils), else
# the loader itself with --list (glibc and musl both understand it).
du_ldd() {
  if [ -z "${du_lister:-}" ]; then
    if command -v ldd >/dev/null 2>&1; then
      du_lister=ldd
    else
      for du_c in /lib/ld-musl-*.so.1 /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1 /lib64/ld-linux*.so.* /lib/ld-linux*.so.*; do
        if [ -f "$du_c" ] && [ -x "$du_c" ]; then du_lister=$du_c; break; fi
      done
      [ -n "${du_lister:-}" ] || du_fail DU-PROCESS "Cannot list the shared libraries of the old installation: neither 'ldd' is on PATH (${PATH:-}) nor a dynamic loader (/lib/ld-musl-*.so.1, /lib64/ld-linux-*.so.2) is there. Install Java in the old image or use DOGU_UPGRADE_METHOD=dump."
    fi
  fi
  if [ "$du_lister" = ldd ]; then ldd "$1" 2>/dev/null 9>&-; else "$du_lister" --list "$1" 2>/dev/null 9>&-; fi
  return 0 # as InstallationCopy: a file the loader cannot list adds nothing
}

# LibraryClosure: soname -> resolved file in first-seen order ($du_work/libs, "soname path"), and
# the sonames the loader could not find here ($du_work/missing). A soname given as a path (the
# interpreter of a program with its own loader) is named by its file name.
du_library_closure() {
  du_t1=$(date +%s)
  while IFS= read -r du_f; do du_ldd "$du_f"; done <"$du_work/elves" >"$du_work/ldd"
  awk -v libs="$du_work/libs" -v miss="$du_work/missing" '
    function base(s) { sub(/.*\//, "", s); return s }
    NF == 4 && $2 == "=>" && $3 ~ /^\// && $4 ~ /^\(0x[0-9a-f]+\)$/ {
      s = base($1); if (!(s in res)) { res[s] = $3; order[++n] = s }; gone[s] = 1; next }
    NF == 4 && $2 == "=>" && $3 == "not" && $4 == "found" {
      s = $1; if (!(s in res) && !(s in seen)) { seen[s] = 1; morder[++m] = s }; next }
    NF == 2 && $1 ~ /^\// && $2 ~ /^\(0x[0-9a-f]+\)$/ {
      s = base($1); if (!(s in res)) { res[s] = $1; order[++n] = s }; gone[s] = 1; next }
    END {
      printf "" > libs; printf "" > miss
      for (i = 1; i <= n; i++) print order[i] " " res[order[i]] > libs
      for (i = 1; i <= m; i++) if (!(morder[i] in gone)) print morder[i] > miss
    }' "$du_work/ldd" || du_fail DU-PROCESS "Cannot read the loader's list of shared libraries (awk failed)."
  du_libs=$(cut -d' ' -f1 "$du_work/libs" | tr '\n' ' ')
  du_libs=${du_libs% }
  du_libs_missing=$(tr '\n' ' ' <"$du_work/missing")
  du_libs_missing=${du_libs_missing% }
  du_log INFO "shared-library closure of the old installation: $(wc -l <"$du_work/libs" | tr -d ' ') libraries ($(wc -l <"$du_work/missing" | tr -d ' ') not found by the loader here) via $du_lister in $(($(date +%s) - du_t1)) s"
}

# NUL-separated arguments for xargs -0 from a list of one path a line.
du_nul() { tr '\n' '\0' <"$1"; }

# Size and SHA-256 of the files (relative to DIR) listed in LIST: "path size sha256" lines, same order.
du_measure() { # DIR LIST OUT
  (cd "$1" && du_nul "$2" | xargs -0 -r stat -L -c %s) >"$3.size" &&
    (cd "$1" && du_nul "$2" | xargs -0 -r sha256sum) >"$3.sha" &&
    awk -v sizes="$3.size" -v list="$2" '{ getline size < sizes; getline path < list; print path " " size " " substr($0, 1, 64) }' "$3.sha" >"$3" &&
    [ "$(wc -l <"$3")" = "$(wc -l <"$2")" ] && rm -f "$3.size" "$3.sha"
}

# "path size sha256" lines with the path escaped for java.util.Properties, as key or value: the
# paths hold no space, backslash or control character (du_list_installation), so '=', ':', '#'
# and '!' are all there is to escape.
du_escaped_entries() { # ENTRIES
  sed 's/[=:#!]/\\&/g' "$1"
}

du_space_for_installation() { # DUMP_BYTES: the rollback dump's estimate, 0 without one
  du_needed=$((du_inst_size + $1 + 67108864))
  du_fs=$(stat -f -c '%a %S' "$du_backup_dir" 2>/dev/null) ||
    du_fail DU-BACKUP "Cannot read free space of $du_backup_dir."
  du_free=$((${du_fs% *} * ${du_fs#* }))
  if [ "$du_free" -lt "$du_needed" ]; then
    du_fail DU-SPACE "Not enough space to carry the old installation over in $du_backup_dir: about $(du_mib "$du_needed") needed (installation and its libraries$([ "$1" -gt 0 ] && printf ', rollback dump'), plus margin), $(du_mib "$du_free") free. Free space and run pre-upgrade again; nothing was written."
  fi
  du_log INFO "disk space check: $(du_mib "$du_needed") needed, $(du_mib "$du_free") free in $du_backup_dir"
}

# Copies FILE to DEST (-L: a link's target, as Files.copy follows links).
du_copy_file() { # FILE DEST
  du_dest_dir=${2%/*}
  if [ "$du_dest_dir" != "${du_made_dir:-}" ]; then
    mkdir -p "$du_dest_dir" || du_copy_failed "$1" "cannot create $du_dest_dir"
    du_made_dir=$du_dest_dir
  fi
  cp -L "$1" "$2" 2>"$du_work/cp.err" 9>&- || du_copy_failed "$1" "$(du_last_line "$du_work/cp.err")"
}

# Copies every file of LIST (absolute paths) to ROOT/<its path>, one cp for up to 100 files of a
# directory (a process per file costs seconds on a busy host); -p keeps mode and times as
# Files.copy's COPY_ATTRIBUTES does.
du_copy_files() { # LIST ROOT
  du_cf_list=$1 du_cf_root=$2 du_cf_dir=""
  set --
  while IFS= read -r du_f; do
    if [ "${du_f%/*}" != "$du_cf_dir" ] || [ $# -ge 100 ]; then
      du_copy_batch "$@"
      set --
      du_cf_dir=${du_f%/*}
    fi
    set -- "$@" "$du_f"
  done <"$du_cf_list"
  du_copy_batch "$@"
}

du_copy_batch() { # FILES... (of du_cf_dir, into du_cf_root)
  [ $# -gt 0 ] || return 0
  mkdir -p "$du_cf_root$du_cf_dir" || du_copy_failed "$1" "cannot create $du_cf_root$du_cf_dir"
  cp -L -p "$@" "$du_cf_root$du_cf_dir/" 2>"$du_work/cp.err" 9>&- ||
    du_copy_failed "$1 (or another file of $du_cf_dir)" "$(du_last_line "$du_work/cp.err")"
}

du_copy_failed() { # FILE WHY
  if grep -q "No space left on device" "$du_work/cp.err" 2>/dev/null; then
    du_fail DU-SPACE "Carrying the old installation over ran out of space in $du_backup_dir ($1); about $(du_mib "$du_needed") are needed. Free space there and run pre-upgrade again; the old cluster is untouched."
  fi
  du_fail DU-BACKUP "Cannot carry the old installation over to $du_target: copying $1 failed: $2. The old cluster is untouched; run pre-upgrade again."
}

# Files of a directory, relative, '/'-separated and sorted (BackupFiles.relativeFiles); anything but
# files and directories is refused there, so none may exist.
du_relative_files() { # DIR OUT
  (cd "$1" && find . -type f) | sed 's|^\./||' | LC_ALL=C sort >"$2" || return 1
  [ -z "$(cd "$1" && find . ! -type f ! -type d | sed -n 1p)" ]
}

# InstallationDumper.dump: the old installation and its library closure into
# pg-upgrade-<FROM>.d.<attempt>.partial, the inner installation.properties, sealed (root-owned, not
# writable by group or others), fsynced, the manifest of format pg-upgrade-1 listing every file, then
# both renamed into place.
du_carry_installation() {
  du_prepare_directory
  du_work=$(mktemp -d) || du_fail DU-BACKUP "Cannot create a temporary directory."
  du_find_installation
  du_list_installation
  du_library_closure
  # everything is measured before anything is written
  du_inst_size=$({ du_nul "$du_work/files" | xargs -0 -r stat -L -c %s
    cut -d' ' -f2- "$du_work/libs" | tr '\n' '\0' | xargs -0 -r stat -L -c %s; } | awk '{ s += $1 } END { printf "%d\n", s }') ||
    du_fail DU-SERVER "Cannot measure the old installation's files."
  du_rollback_file=""
  du_rollback_sha=""
  du_may_link=""
  # ModeChoice.mayLink: link asked for, or auto on a volume without room for a second copy of the data
  case $du_pgu_mode in
    link) du_may_link=1 ;;
    auto)
      du_fs=$(stat -f -c '%a %S' "$du_backup_dir" 2>/dev/null) || du_fail DU-BACKUP "Cannot read free space of $du_backup_dir."
      [ $((${du_fs% *} * ${du_fs#* } - du_inst_size)) -lt $((du_size + 268435456)) ] && du_may_link=1 ;;
  esac
  if [ -n "$du_may_link" ] && [ "$du_pgu_rollback" = dump ]; then
    du_space_for_installation "$du_size"
    du_log INFO "link mode may run later ($du_pgu_mode asked for); writing a plain dump as its rollback"
    du_dump
    du_rollback_file=${du_target##*/}
    du_rollback_sha=$du_sha
  else
    du_space_for_installation 0
    [ -n "$du_may_link" ] && du_log INFO "link mode may run later ($du_pgu_mode asked for); no rollback dump (--pg-upgrade-rollback none): the operator's volume snapshot is the way back"
  fi
  du_target="$du_backup_dir/pg-upgrade-$du_from.d"
  du_partial="$du_target.$du_attempt_id.partial"
  du_manifest_partial="$du_target.manifest.$du_attempt_id.partial"
  du_own_partials=1
  du_t0=$(date +%s)
  (umask 022 && mkdir "$du_partial") || du_fail DU-BACKUP "Cannot create $du_partial. Fix the permissions of $du_backup_dir and run pre-upgrade again."
  du_checkpoint pre-upgrade.before-dump
  du_log INFO "carrying the old installation over into $du_partial ($(du_mib "$du_inst_size"))"
  du_copy_files "$du_work/files" "$du_partial/root"
  du_made_dir=""
  mkdir "$du_partial/deps" || du_copy_failed "$du_partial/deps" "cannot create it"
  while IFS= read -r du_lib; do
    du_copy_file "${du_lib#* }" "$du_partial/deps/${du_lib%% *}"
  done <"$du_work/libs"
  # the inner manifest (InstallationCopy.manifest), read by the new image's probe
  if ! { du_relative_files "$du_partial" "$du_work/copied" && du_measure "$du_partial" "$du_work/copied" "$du_work/copied.entries"; }; then
    du_fail DU-BACKUP "Cannot read back the copy in $du_partial. The old cluster is untouched; run pre-upgrade again."
  fi
  if ! {
    echo "#dogu-upgrade: the old PostgreSQL installation, carried over for pg_upgrade (written by the shell path of pre-upgrade)"
    echo "#$(date -u)"
    du_manifest_line format 1
    du_manifest_line major "$du_inst_major"
    du_manifest_line version "$du_inst_version"
    du_manifest_line bin "$du_inst_bin"
    du_manifest_line pkglib "$du_inst_pkglib"
    du_manifest_line share "$du_inst_share"
    du_manifest_line libraries "$du_libs"
    du_manifest_line librariesNotFound "$du_libs_missing"
    du_escaped_entries "$du_work/copied.entries" | awk '{ print "sha256." $1 "=" $3 }'
  } >"$du_partial/installation.properties"; then
    du_copy_failed "$du_partial/installation.properties" "cannot write it"
  fi
  # RollbackDump.writeInto: the copy names link mode's rollback dump, published above
  if [ -n "$du_rollback_file" ] && ! {
    echo "#dogu-upgrade: the rollback of a link-mode pg_upgrade (written by the shell path of pre-upgrade)"
    du_manifest_line file "$du_rollback_file"
    du_manifest_line sha256 "$du_rollback_sha"
  } >"$du_partial/rollback-dump.properties"; then
    du_copy_failed "$du_partial/rollback-dump.properties" "cannot write it"
  fi
  du_checkpoint pre-upgrade.dump-finished
  # InstallationCopy.sealed: directories rwxr-xr-x, files readable by all and writable by none but
  # the owner, root (the database user may run the programs, never change them)
  if ! find "$du_partial" -type d -exec chmod 755 {} + || ! find "$du_partial" -type f -exec chmod go-w,a+r {} + ||
    { [ "$du_uid" = 0 ] && ! chown -R 0:0 "$du_partial"; }; then
    du_fail DU-BACKUP "Cannot seal the copy $du_partial (chmod/chown failed). The old cluster is untouched; run pre-upgrade again."
  fi
  find "$du_partial" -depth -exec sync {} + 2>/dev/null || sync
  du_relative_files "$du_partial" "$du_work/all" || du_fail DU-BACKUP "Cannot list the copy $du_partial."
  { printf '%s\n' installation.properties; [ -n "$du_rollback_file" ] && printf '%s\n' rollback-dump.properties; } >"$du_work/inner"
  du_measure "$du_partial" "$du_work/inner" "$du_work/inner.entries" ||
    du_fail DU-BACKUP "Cannot read back $du_partial/installation.properties."
  LC_ALL=C sort "$du_work/copied.entries" "$du_work/inner.entries" >"$du_work/entries"
  [ "$(cut -d' ' -f1 "$du_work/entries")" = "$(cat "$du_work/all")" ] ||
    du_fail DU-BACKUP "The copy $du_partial changed while it was measured. The old cluster is untouched; run pre-upgrade again."
  du_dump_size=$(awk '{ s += $2 } END { printf "%d\n", s }' "$du_work/entries")
  du_file_count=$(wc -l <"$du_work/entries" | tr -d ' ')
  # FileDigests.listDigest: SHA-256 over "path size sha256" lines
  du_sha=$(sha256sum <"$du_work/entries" | cut -c1-64) # its lines are exactly "path size sha256"
  if ! (
    umask 077
    {
      echo "#dogu-upgrade backup manifest (written by the shell path of pre-upgrade)"
      echo "#$(date -u)"
      du_manifest_line format pg-upgrade-1
      du_manifest_line size "$du_dump_size"
      du_manifest_line sha256 "$du_sha"
      du_manifest_line from "$du_from"
      du_manifest_line to "$du_to"
      du_manifest_line sourceServerVersion "$du_server_version"
      du_manifest_line dumpToolVersion pg_upgrade
      [ "$du_size" -gt 0 ] && du_manifest_line sourceClusterBytes "$du_size"
      du_manifest_cluster_settings
      if [ -n "$du_old_cluster" ]; then
        du_manifest_line oldCluster.path "$du_pgdata"
        du_manifest_line oldCluster.major "$du_pg_version"
        du_manifest_line oldCluster.owner "$du_pgdata_owner"
      fi
      du_manifest_line files "$du_file_count"
      du_escaped_entries "$du_work/entries" | awk '{ print "file." (NR - 1) "=" $2 " " $3 " " $1 }'
    } >"$du_manifest_partial"
  ) || { [ "$du_uid" = 0 ] && ! chown 0:0 "$du_manifest_partial"; } || ! du_sync "$du_manifest_partial"; then
    du_fail DU-BACKUP "Cannot write the manifest $du_manifest_partial. The old cluster is untouched; run pre-upgrade again."
  fi
  du_sync "$du_partial"
  # a directory cannot replace another by one rename: an older copy (a rerun) is moved aside first
  if [ -e "$du_target" ] || [ -L "$du_target" ]; then
    { rm -rf "$du_target.old.partial" && mv -f "$du_target" "$du_target.old.partial"; } || du_publish_failed
  fi
  { mv -f "$du_partial" "$du_target" && mv -f "$du_manifest_partial" "$du_target.manifest"; } || du_publish_failed
  rm -rf "$du_target.old.partial"
  du_own_partials=
  du_sync "$du_backup_dir"
  du_checkpoint pre-upgrade.backup-renamed
  du_log INFO "old installation $du_inst_version published as $du_target ($du_file_count files, $du_dump_size bytes, list sha256 $du_sha) in $(($(date +%s) - du_t0)) s"
  rm -rf "$du_work"
  du_work=""
  du_check_restore_space
  # a killed old container then needs only a short recovery before pg_upgrade (OldClusterShutdown)
  if du_as_owner psql -X -w -q -v ON_ERROR_STOP=1 -d template1 -c CHECKPOINT >/dev/null 2>&1 9>&-; then
    du_log INFO "old cluster checkpointed"
  else
    du_log WARN "could not CHECKPOINT the old cluster (needs a superuser or pg_checkpoint); post-upgrade recovers it if the container is killed"
  fi
}

du_publish_failed() {
  du_fail DU-BACKUP "Cannot finish the copy $du_target: renaming it or its manifest failed. The old cluster is untouched; run pre-upgrade again."
}

# --- pre-upgrade ---------------------------------------------------------------------------------

du_pre_upgrade() {
  du_verbose=
  du_index=0
  du_positional=0
  du_from=''
  du_to=''
  du_options_done=
  du_method=${DOGU_UPGRADE_METHOD:-dump}
  du_method_value=
  for du_arg in "$@"; do
    du_index=$((du_index + 1))
    if [ -n "$du_method_value" ]; then
      du_method_value=
      du_method=$du_arg
      continue
    fi
    if [ -z "$du_options_done" ]; then
      case $du_arg in
        --) du_options_done=1; continue ;;
        -h | --help) du_help; exit 0 ;;
        -v | --verbose) du_verbose=1; continue ;;
        --upgrade-method) du_method_value=1; continue ;;
        --upgrade-method=*) du_method=${du_arg#*=}; continue ;;
        -?*) du_usage_error "Unknown option: '$du_arg' (without Java only -v and --upgrade-method are supported; set options through their environment variables, see README)" ;;
      esac
    fi
    du_positional=$((du_positional + 1))
    case $du_positional in
      1) du_from=$du_arg ;;
      2) du_to=$du_arg ;;
      *) du_usage_error "Unmatched argument at index $du_index: '$du_arg'" ;;
    esac
  done
  [ -n "$du_method_value" ] && du_usage_error "Missing required parameter for option '--upgrade-method' (<method>)"
  case $du_positional in
    0) du_usage_error "Missing required parameters: 'FROM', 'TO'" ;;
    1) du_usage_error "Missing required parameter: 'TO'" ;;
  esac
  [ -n "$du_verbose" ] && set -x

  du_parse_version "$du_from"
  du_from_major_num=$du_major_num du_from_major=$du_major du_from_key="$du_major_num $du_minor $du_release"
  du_parse_version "$du_to"
  du_to_major_num=$du_major_num du_to_major=$du_major du_to_key="$du_major_num $du_minor $du_release"
  if [ "$du_from_key" = "$du_to_key" ]; then
    du_log INFO "pre-upgrade: $du_from == $du_to, nothing to do"
    exit 0
  fi
  if [ "$du_to_major_num" -lt "$du_from_major_num" ]; then
    du_fail DU-DOWNGRADE "Refusing the major downgrade $du_from -> $du_to: PostgreSQL $du_to_major cannot read data written by PostgreSQL $du_from_major. Upgrade to a version with PostgreSQL $du_from_major or newer instead. Nothing was changed."
  fi

  # UpgradeMethod.parse
  case $(du_setting_value "$du_method") in
    dump) du_method=dump ;;
    pg-upgrade | pg_upgrade) du_method=pg-upgrade ;;
    *) du_fail DU-USAGE "Unknown upgrade method '$du_method': use dump or pg-upgrade." ;;
  esac
  # PgUpgradeMode.parse, PgUpgradeRollback.parse: pre-upgrade decides whether link mode needs its dump
  du_pgu_mode=$(du_setting_value "${DOGU_UPGRADE_PG_UPGRADE_MODE:-auto}")
  case $du_pgu_mode in
    auto | clone | copy | link) ;;
    *) du_fail DU-USAGE "Unknown pg_upgrade mode '${DOGU_UPGRADE_PG_UPGRADE_MODE:-}': use auto, clone, copy or link." ;;
  esac
  du_pgu_rollback=$(du_setting_value "${DOGU_UPGRADE_PG_UPGRADE_ROLLBACK:-dump}")
  case $du_pgu_rollback in
    dump | none) ;;
    *) du_fail DU-USAGE "Unknown pg_upgrade rollback '${DOGU_UPGRADE_PG_UPGRADE_ROLLBACK:-}': use dump or none." ;;
  esac
  du_log INFO "no Java 17+ runtime found (JAVA or java on PATH): running the shell path of pre-upgrade"
  du_phase_started=$(date +%s)
  du_attempt_id="$(date -u +%Y%m%dT%H%M%SZ)-$$"
  du_backup_dir=${DOGU_UPGRADE_BACKUP_DIR:-/var/lib/postgresql/backup}
  case $du_backup_dir in /*) ;; *) du_backup_dir=$PWD/$du_backup_dir ;; esac
  du_backup_dir=${du_backup_dir%/}
  du_pgdata=${PGDATA:-/var/lib/postgresql}
  case $du_pgdata in /*) ;; *) du_pgdata=$PWD/$du_pgdata ;; esac
  [ "$du_pgdata" = / ] || du_pgdata=${du_pgdata%/}
  case $du_method:${DOGU_UPGRADE_BACKUP_STRATEGY:-plain} in
    dump:plain | pg-upgrade:*) ;;
    *) du_log WARN "DOGU_UPGRADE_BACKUP_STRATEGY=${DOGU_UPGRADE_BACKUP_STRATEGY:-} needs Java; the shell path writes a plain pg_dumpall backup (post-upgrade restores what the manifest says)" ;;
  esac
  [ -n "${DOGU_UPGRADE_EVENTS_FILE:-}" ] && du_log WARN "DOGU_UPGRADE_EVENTS_FILE is not written by the shell path; the log lines are the record"

  trap du_on_exit EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
  trap 'exit 129' HUP
  du_store_open
  # Values that cannot be written later must not fail after the backup: check them first.
  case $du_pgdata$du_backup_dir in
    *"$du_nl"*) du_fail DU-USAGE "PGDATA and DOGU_UPGRADE_BACKUP_DIR must not contain line breaks. Nothing was changed." ;;
  esac
  if [ "$du_store" = file ]; then
    for du_check in "$du_pgdata" "$du_backup_dir"; do
      du_escape_value "$du_check" >/dev/null || du_fail DU-STATE "The path '$du_check' has characters outside printable ASCII, which the shell path does not write to the file state store $du_state_file. Use such paths with the doguctl store or with Java. Nothing was changed."
    done
  fi
  du_lock

  if [ "$du_to_major_num" -gt "$du_from_major_num" ]; then
    du_backup=1
    du_log INFO "full backup required: major-upgrade: PostgreSQL $du_from_major -> $du_to_major"
  else
    du_backup=
    if [ -n "${DOGU_UPGRADE_PLUGINS:-}" ]; then
      du_fail DU-DISCOVERY "The plugins in $DOGU_UPGRADE_PLUGINS may bring backup rules, which only Java can evaluate, and no built-in rule requires a backup for $du_from -> $du_to. Nothing was changed. Provide a Java 17+ runtime (JAVA) for pre-upgrade, or unset DOGU_UPGRADE_PLUGINS in the old container if none of its plugins has a backup rule."
    fi
    du_log INFO "no full backup required for $du_from -> $du_to"
  fi

  # The old cluster: its path, major and owner go into the state and the manifest.
  # As the Java phase (OldCluster.inspect): no PG_VERSION is a warning, and no old path is recorded.
  du_old_cluster=""
  if [ -f "$du_pgdata/PG_VERSION" ]; then
    du_old_cluster=1
    du_pg_version=$(sed -n 1p "$du_pgdata/PG_VERSION" | tr -d ' \r') ||
      du_fail DU-PGDATA "Cannot read the cluster in $du_pgdata: PG_VERSION is not readable."
    du_pgdata_owner=$(stat -c %U "$du_pgdata" 2>/dev/null) || du_pgdata_owner=""
    du_log INFO "old cluster: PostgreSQL $du_pg_version in $du_pgdata (owner $du_pgdata_owner)"
    # beyond the Java phase: a FROM of another major would name and decide the backup wrongly
    if [ "$du_pg_version" != "$du_from_major" ]; then
      du_fail DU-PGDATA "PGDATA $du_pgdata holds a PostgreSQL $du_pg_version cluster, but $du_from is a PostgreSQL $du_from_major image. Check FROM and PGDATA. Nothing was changed."
    fi
  else
    du_log WARN "PGDATA $du_pgdata holds no cluster (no PG_VERSION); post-upgrade will not find the old cluster unless it is at the new image's PGDATA"
  fi

  if [ -n "$du_backup" ]; then
    if du_state_get user && [ -n "$(printf '%s' "$du_value" | tr -d '[:space:]')" ]; then du_owner=$du_value; else du_owner=postgres; fi
    case $du_owner in
      *[!A-Za-z0-9_.-]* | -*) du_fail DU-STATE "The state key 'user' holds '$du_owner', which is not an OS user name." ;;
    esac
    du_find_switch
    du_cluster_facts
    du_here=$(cd -P "$du_pgdata" 2>/dev/null && pwd) || du_here=""
    du_there=$(cd -P "$du_server_data" 2>/dev/null && pwd) || du_there=""
    # beyond the Java phase: never record another directory as the old cluster
    if [ -n "$du_old_cluster" ] && { [ -z "$du_here" ] || [ "$du_here" != "$du_there" ]; }; then
      du_fail DU-PGDATA "PGDATA $du_pgdata is not the data directory of the running server ($du_server_data). Set PGDATA to the old cluster's data directory. Nothing was changed."
    fi
    if [ "${DOGU_UPGRADE_READ_ONLY_DURING_BACKUP:-false}" = true ]; then
      du_psql "ALTER SYSTEM SET default_transaction_read_only = on" "change the old cluster's read-only guard"
      du_guard_on=1
      du_psql "SELECT pg_reload_conf()" "change the old cluster's read-only guard"
      du_psql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname IS NOT NULL" "change the old cluster's read-only guard"
      du_log INFO "old cluster is read-only from now on (other sessions ended); 'dogu-upgrade abort' undoes this"
    fi
    if [ "$du_method" = pg-upgrade ]; then
      du_log INFO "upgrade method pg-upgrade: the old installation is carried over instead of a dump"
      du_carry_installation
    else
      du_dump
    fi
    du_guard_on= # from here on the guard stays, as in the Java phase
  fi

  if [ -n "$du_old_cluster" ]; then
    du_state_set migration_old_pgdata "$du_pgdata"
  else
    du_state_remove migration_old_pgdata
  fi
  if [ -n "$du_backup" ]; then
    du_state_set migration_backup_path "$du_target"
    du_checkpoint pre-upgrade.backup-path-recorded
  fi
  du_state_set local_state upgrading
  du_log INFO "pre-upgrade finished in $(($(date +%s) - du_phase_started)) s"
  exit 0
}

du_help() {
  cat <<'EOF'
Usage: dogu-upgrade pre-upgrade [-v] [--upgrade-method dump|pg-upgrade] FROM TO
Old container, old server running: back up if needed, mark the upgrade.
Without a Java 17+ runtime this runs as POSIX shell; settings come from the environment:
PGDATA, DOGU_UPGRADE_BACKUP_DIR, DOGU_UPGRADE_STATE_STORE, DOGU_UPGRADE_LOCK_FILE,
DOGU_UPGRADE_METHOD (dump: pg_dumpall; pg-upgrade: the old installation is carried over),
DOGU_UPGRADE_PG_UPGRADE_MODE, DOGU_UPGRADE_PG_UPGRADE_ROLLBACK (link mode's rollback dump),
DOGU_UPGRADE_READ_ONLY_DURING_BACKUP, PGHOST, PGPORT, PGUSER, PGPASSFILE.
Exit codes: 0 success, 2 usage, 3 failed or refused, 4 timeout, 5 locked.
EOF
}

du_main() {
  case ${1:-} in
    pre-upgrade) shift; du_pre_upgrade "$@" ;;
    *)
      du_error_line DU-PROCESS "'${1:-(no command)}' needs a Java 17+ runtime (JAVA, or java on PATH), and none was found; without Java only 'pre-upgrade FROM TO' runs."
      exit 3 ;;
  esac
}

du_main "$@"
# shellcheck disable=SC2317 # a guard: the shell must never read the jar that follows this text
exit 3
