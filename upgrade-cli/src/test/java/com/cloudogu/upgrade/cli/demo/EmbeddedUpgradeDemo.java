package com.cloudogu.upgrade.cli.demo;

import com.cloudogu.upgrade.cli.it.CliProcess;
import com.cloudogu.upgrade.cli.it.EmbeddedDogu;
import com.cloudogu.upgrade.testkit.ClusterFingerprint;
import com.cloudogu.upgrade.testkit.PostgresServer;
import com.cloudogu.upgrade.testkit.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The main job on the embedded default, the upgrade most installations face: a real PostgreSQL 14
 * cluster with sample data in the legacy layout (PGDATA = the volume root, dogu before 14.21) is
 * upgraded to PostgreSQL 17 with the per-major layout ({@code <volume>/17/docker}, which does not
 * exist yet) by the real CLI jar (pre-upgrade with the old server running, post-upgrade and startup
 * with the new server binaries), with a file state store instead of doguctl. Prints the volume
 * before and after, each phase with its duration, and checks that every row, role, sequence and
 * extension survived.
 */
public final class EmbeddedUpgradeDemo {

    private EmbeddedUpgradeDemo() {
    }

    /** @param args optional: old zonky version, FROM, new zonky version, TO */
    public static void main(String[] args) throws Exception {
        String oldServer = args.length > 0 ? args[0] : "14.19.0";
        String from = args.length > 1 ? args[1] : "14.19-1";
        String newServer = args.length > 2 ? args[2] : "17.6.0";
        String to = args.length > 3 ? args[3] : "17.6-1";
        Path root = Files.createTempDirectory("dogu-upgrade-demo-");
        int exit = 0;
        try (EmbeddedDogu dogu = EmbeddedDogu.in(root, EmbeddedDogu.Layout.LEGACY)) {
            say("dogu laid out in " + root + ": volume " + dogu.volume() + ", state store file:"
                    + root.resolve("config/dogu-state.properties"));
            PostgresServer old = dogu.startServer(oldServer);
            say("old image: PGDATA=" + dogu.pgdata(oldServer) + " (the volume root); new image: PGDATA="
                    + dogu.pgdata(newServer) + " (not on the volume yet)");
            SampleData.load(old);
            try (var c = old.connect("postgres"); var s = c.createStatement()) {
                s.execute("ALTER ROLE postgres PASSWORD 'the-old-password'");
            }
            ClusterFingerprint before = ClusterFingerprint.of(old);
            say("old container: PostgreSQL " + oldServer + " with sample data (" + before.items().size()
                    + " fingerprinted items: tables, roles, memberships, sequences, extensions, large objects)");
            dogu.setPassword("demo-superuser-password");

            volume(dogu, "before the upgrade");
            phase(dogu.cli(oldServer), "pre-upgrade", from, to);
            dogu.stopServer();
            say("container replaced: PostgreSQL " + oldServer + " stopped, image with PostgreSQL " + newServer + " starts");
            phase(dogu.cli(newServer), "post-upgrade", from, to);
            phase(dogu.cli(newServer), "startup");
            phase(dogu.cli(newServer), "status");
            volume(dogu, "after the upgrade");

            try (PostgresServer upgraded = PostgresServer.builder(newServer).dataDirectory(dogu.pgdata(newServer))
                    .superuserPassword("demo-superuser-password").start()) {
                ClusterFingerprint after = ClusterFingerprint.of(upgraded);
                List<ClusterFingerprint.Difference> diff = before.diff(after);
                if (diff.isEmpty()) {
                    say("VERIFIED: all " + after.items().size() + " items identical after the upgrade to PostgreSQL "
                            + upgraded.version() + "; the superuser logs in with the new password");
                } else {
                    say("DATA DIFFERS after the upgrade:");
                    diff.forEach(d -> say("  " + d));
                    exit = 1;
                }
            }
        }
        System.exit(exit);
    }

    private static void phase(CliProcess cli, String... args) throws Exception {
        long t0 = System.nanoTime();
        CliProcess.Result r = cli.run(args);
        double seconds = (System.nanoTime() - t0) / 1e9;
        say(String.format("dogu-upgrade %s -> exit %d in %.2f s", String.join(" ", args), r.exitCode(), seconds));
        r.stderr().lines().forEach(l -> System.out.println("    | " + l));
        r.stdout().lines().forEach(l -> System.out.println("    > " + l));
        r.ok();
    }

    private static void volume(EmbeddedDogu dogu, String when) throws java.io.IOException {
        say("the volume " + when + ":");
        dogu.volumeListing().lines().forEach(l -> System.out.println("    " + l));
    }

    private static void say(String line) {
        System.out.println("==> " + line);
    }
}
