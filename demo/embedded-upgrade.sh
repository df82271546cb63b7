#!/usr/bin/env bash
# The main job on the embedded default: builds dogu-upgrade and upgrades a real PostgreSQL 14
# cluster with sample data to PostgreSQL 17 through the CLI jar (servers from Maven Central,
# client tools from Debian's postgresql-15, state in a local file instead of doguctl).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests
exec mvn -B -q -pl upgrade-cli exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=com.cloudogu.upgrade.cli.demo.EmbeddedUpgradeDemo -Dexec.args="$*" \
  -Ddogu.upgrade.cliJar="$PWD/upgrade-cli/target/dogu-upgrade.jar"
