package com.cloudogu.upgrade.cli;

/** Configures slf4j-simple before the first logger exists: one timestamped line per step on stderr. */
final class Logging {

    private Logging() {
    }

    static void configure(boolean verbose) {
        set("org.slf4j.simpleLogger.logFile", "System.err");
        set("org.slf4j.simpleLogger.showDateTime", "true");
        set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        set("org.slf4j.simpleLogger.showThreadName", "false");
        set("org.slf4j.simpleLogger.showShortLogName", "true");
        set("org.slf4j.simpleLogger.levelInBrackets", "true");
        set("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "info");
        // JDBC driver chatter is not a step of ours.
        set("org.slf4j.simpleLogger.log.org.postgresql", verbose ? "info" : "warn");
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
