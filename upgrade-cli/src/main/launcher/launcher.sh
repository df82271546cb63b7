#!/bin/sh
# dogu-upgrade: this file is a shell launcher followed by the executable jar, so one file is all an
# old container needs for pre-upgrade (plus a Java 17 runtime). Java reads the jar from the end of
# the file and ignores these lines.
exec "${JAVA:-java}" ${DOGU_UPGRADE_JAVA_OPTS:--Xmx64m -XX:+UseSerialGC} -jar "$0" "$@"
