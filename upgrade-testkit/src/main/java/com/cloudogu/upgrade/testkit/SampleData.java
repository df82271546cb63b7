package com.cloudogu.upgrade.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small but realistic cluster for upgrade tests, loaded over JDBC into a fresh cluster (it is not
 * idempotent). It contains what upgrades tend to break:
 *
 * <ul>
 *   <li>roles: {@value #APP_OWNER} (LOGIN, with password {@value #APP_OWNER_PASSWORD}), {@value
 *       #APP_USER} and {@value #READER} (both NOLOGIN), with {@value #READER} a member of {@value
 *       #APP_USER};
 *   <li>database {@value #SHOP_DATABASE} (a space and a capital letter in its name), owned by
 *       {@value #APP_OWNER}: schema {@code sales} with customers (identity column, non-ASCII names),
 *       orders range-partitioned by year into three partitions with a foreign key to customers,
 *       order items with a foreign key to the partitioned orders table, a mixed-case table
 *       {@code "Monthly Report"}, a view using {@code pgcrypto}, the sequence {@value #SEQUENCE}
 *       advanced to {@value #SEQUENCE_VALUE}, and large object {@value #LARGE_OBJECT_OID};
 *   <li>database {@value #INVENTORY_DATABASE}: an {@code hstore} table and a stock movement table
 *       with a foreign key;
 *   <li>a small table in {@code postgres}.
 * </ul>
 *
 * <p>About 12,000 rows in total. The extensions {@code pgcrypto} and {@code hstore} ship with every
 * zonky major from 12 to 18, and with the official images.
 */
public final class SampleData {

    /** Database whose name needs quoting. */
    public static final String SHOP_DATABASE = "Shop Data";
    /** Second application database. */
    public static final String INVENTORY_DATABASE = "inventory";
    /** Owner of the application databases; can log in. */
    public static final String APP_OWNER = "app_owner";
    /** Password of {@link #APP_OWNER}. */
    public static final String APP_OWNER_PASSWORD = "app-owner-secret";
    /** Group role with read access to the shop tables. */
    public static final String APP_USER = "app_user";
    /** Member of {@link #APP_USER}. */
    public static final String READER = "reader";
    /** A standalone sequence in {@link #SHOP_DATABASE}. */
    public static final String SEQUENCE = "sales.invoice_number_seq";
    /** The value {@link #SEQUENCE} was advanced to ({@code is_called} is true). */
    public static final long SEQUENCE_VALUE = 4242;
    /** The large object's OID in {@link #SHOP_DATABASE}. */
    public static final long LARGE_OBJECT_OID = 424242;
    /** Rows in {@code sales.orders} (spread over its three partitions). */
    public static final int ORDER_COUNT = 3000;

    private static final Logger LOG = LoggerFactory.getLogger(SampleData.class);

    private SampleData() {}

    /**
     * Loads the sample data into a fresh cluster.
     *
     * @param server a running server with a fresh cluster
     * @throws SQLException if a statement failed (e.g. the data was loaded before)
     */
    public static void load(RunningServer server) throws SQLException {
        load(server::connect);
    }

    /**
     * Loads the sample data into a fresh cluster.
     *
     * @param source opens superuser connections to the cluster
     * @throws SQLException if a statement failed (e.g. the data was loaded before)
     */
    public static void load(ConnectionSource source) throws SQLException {
        long started = System.nanoTime();
        run(source, "postgres", List.of(
                "CREATE ROLE " + APP_OWNER + " LOGIN PASSWORD " + Sql.literal(APP_OWNER_PASSWORD),
                "CREATE ROLE " + APP_USER + " NOLOGIN",
                "CREATE ROLE " + READER + " NOLOGIN",
                "GRANT " + APP_USER + " TO " + READER,
                "CREATE DATABASE " + Sql.identifier(SHOP_DATABASE) + " OWNER " + APP_OWNER,
                "CREATE DATABASE " + INVENTORY_DATABASE + " OWNER " + APP_OWNER,
                "CREATE TABLE public.notes (id integer PRIMARY KEY, body text NOT NULL)",
                "INSERT INTO public.notes VALUES (1, 'cluster created for upgrade tests'), (2, 'second note'),"
                        + " (3, 'it''s quoted')"));
        run(source, SHOP_DATABASE, shopStatements());
        run(source, INVENTORY_DATABASE, inventoryStatements());
        LOG.info("Loaded sample data in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    private static List<String> shopStatements() {
        return List.of(
                // Extensions need the superuser; everything else is created by the application owner.
                "CREATE EXTENSION pgcrypto",
                "SET ROLE " + APP_OWNER,
                "CREATE SCHEMA sales",
                "CREATE TABLE sales.customers (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                        + " name text NOT NULL, email text NOT NULL UNIQUE, created_at timestamptz NOT NULL)",
                "INSERT INTO sales.customers (name, email, created_at) SELECT 'Customer ' || g,"
                        + " 'customer' || g || '@example.com', timestamptz '2023-01-01 00:00:00+00' + g * interval '1 hour'"
                        + " FROM generate_series(1, 998) g",
                "INSERT INTO sales.customers (name, email, created_at) VALUES"
                        + " ('Jürgen Müller', 'jm@example.com', '2023-06-01 12:00:00+00'),"
                        + " ('Zoë O''Brien', 'zoe@example.com', '2023-06-02 12:00:00+00')",
                "CREATE TABLE sales.orders (id bigint NOT NULL, order_date date NOT NULL,"
                        + " customer_id integer NOT NULL REFERENCES sales.customers (id),"
                        + " total numeric(10,2) NOT NULL, PRIMARY KEY (id, order_date)) PARTITION BY RANGE (order_date)",
                "CREATE TABLE sales.orders_2023 PARTITION OF sales.orders FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')",
                "CREATE TABLE sales.orders_2024 PARTITION OF sales.orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                "CREATE TABLE sales.orders_2025 PARTITION OF sales.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "INSERT INTO sales.orders SELECT g, date '2023-01-01' + (g % 1000), 1 + (g % 1000),"
                        + " round((g * 7919 % 100000) / 100.0, 2) FROM generate_series(1, " + ORDER_COUNT + ") g",
                "CREATE TABLE sales.order_items (order_id bigint NOT NULL, order_date date NOT NULL,"
                        + " line integer NOT NULL, sku text NOT NULL, quantity integer NOT NULL,"
                        + " PRIMARY KEY (order_id, order_date, line),"
                        + " FOREIGN KEY (order_id, order_date) REFERENCES sales.orders (id, order_date))",
                "INSERT INTO sales.order_items SELECT o.id, o.order_date, l, 'SKU-' || ((o.id * l) % 97),"
                        + " 1 + (o.id + l) % 5 FROM sales.orders o CROSS JOIN generate_series(1, 2) l",
                "CREATE TABLE sales.\"Monthly Report\" (\"Month\" date PRIMARY KEY, \"Revenue\" numeric(12,2) NOT NULL)",
                "INSERT INTO sales.\"Monthly Report\" SELECT date_trunc('month', order_date)::date, sum(total)"
                        + " FROM sales.orders GROUP BY 1",
                "CREATE VIEW sales.customer_email_hashes AS"
                        + " SELECT id, encode(public.digest(email, 'sha256'), 'hex') AS email_sha256 FROM sales.customers",
                "CREATE SEQUENCE " + SEQUENCE + " START 1000",
                "SELECT setval('" + SEQUENCE + "', " + SEQUENCE_VALUE + ")",
                "SELECT lo_from_bytea(" + LARGE_OBJECT_OID + ", convert_to('Invoice template v1 – Grüße', 'UTF8'))",
                "GRANT USAGE ON SCHEMA sales TO " + APP_USER,
                "GRANT SELECT ON ALL TABLES IN SCHEMA sales TO " + APP_USER,
                "RESET ROLE");
    }

    private static List<String> inventoryStatements() {
        return List.of(
                "CREATE EXTENSION hstore",
                "SET ROLE " + APP_OWNER,
                "CREATE TABLE public.items (sku text PRIMARY KEY, attributes public.hstore NOT NULL,"
                        + " stock integer NOT NULL)",
                "INSERT INTO public.items SELECT 'SKU-' || g,"
                        + " public.hstore(ARRAY['color', 'size'], ARRAY[(ARRAY['red', 'green', 'blue'])[1 + g % 3], (g % 5)::text]),"
                        + " g * 3 FROM generate_series(0, 96) g",
                "CREATE TABLE public.stock_movements (id bigserial PRIMARY KEY,"
                        + " sku text NOT NULL REFERENCES public.items (sku), delta integer NOT NULL,"
                        + " moved_at timestamptz NOT NULL)",
                "INSERT INTO public.stock_movements (sku, delta, moved_at) SELECT 'SKU-' || (g % 97),"
                        + " (g % 11) - 5, timestamptz '2024-01-01 00:00:00+00' + g * interval '17 minutes'"
                        + " FROM generate_series(1, 2000) g",
                "RESET ROLE");
    }

    private static void run(ConnectionSource source, String database, List<String> statements)
            throws SQLException {
        try (Connection connection = source.open(database);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                try {
                    statement.execute(sql);
                } catch (SQLException e) {
                    throw new SQLException("Sample data statement failed in database " + Sql.identifier(database)
                            + ": " + sql + ": " + e.getMessage(), e.getSQLState(), e);
                }
            }
        }
    }
}
