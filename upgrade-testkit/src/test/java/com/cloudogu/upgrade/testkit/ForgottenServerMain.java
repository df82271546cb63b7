package com.cloudogu.upgrade.testkit;

/** Run in a child JVM by {@link ShutdownCleanupTest}: starts a server and exits without closing it. */
public final class ForgottenServerMain {

    private ForgottenServerMain() {}

    /**
     * @param args the version to start
     */
    public static void main(String[] args) {
        PostgresServer server = PostgresServer.builder(args[0]).start();
        System.out.println("PORT=" + server.port());
        System.out.println("DATA=" + server.dataDirectory());
        System.out.flush();
        System.exit(0);
    }
}
