-- The main database of the realistic schema. Loads on PostgreSQL 12 to 18 and restores into 17 and 18.
-- Steps run one by one, each as one multi-statement string (one implicit transaction).
--- step: superuser objects
CREATE EXTENSION pg_trgm;
CREATE EXTENSION hstore;
CREATE EXTENSION citext;
CREATE EXTENSION btree_gist;
CREATE EXTENSION ltree;
CREATE EXTENSION unaccent;
CREATE EXTENSION pgcrypto;
CREATE EXTENSION postgres_fdw;
CREATE SCHEMA fx_core AUTHORIZATION fx_owner;
CREATE SCHEMA fx_part AUTHORIZATION fx_owner;
CREATE SCHEMA fx_inh AUTHORIZATION fx_owner;
CREATE SCHEMA fx_sec AUTHORIZATION fx_owner;
CREATE SCHEMA fx_text AUTHORIZATION fx_admin;
CREATE SCHEMA "Fx Quoted" AUTHORIZATION fx_owner;
COMMENT ON SCHEMA fx_core IS 'types, domains, plain tables, views';
GRANT USAGE ON SCHEMA fx_core, fx_part, fx_inh, fx_sec TO fx_reader;
GRANT USAGE, CREATE ON SCHEMA fx_text TO fx_writer;
CREATE COLLATION fx_core.fx_c FROM "C";
CREATE COLLATION fx_core.fx_german (provider = icu, locale = 'de-DE');
CREATE COLLATION fx_core.fx_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
COMMENT ON COLLATION fx_core.fx_ci IS 'case-insensitive ICU collation';
ALTER COLLATION fx_core.fx_german OWNER TO fx_owner;
CREATE SERVER fx_loopback FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'fx_regression', port '5432');
CREATE USER MAPPING FOR fx_owner SERVER fx_loopback OPTIONS (user 'fx_owner', password 'fx-owner-secret');
GRANT USAGE ON FOREIGN SERVER fx_loopback TO fx_owner;
CREATE FUNCTION public.fx_ddl_notice() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE NOTICE 'fixture DDL: %', tg_tag;
END $$;
CREATE EVENT TRIGGER fx_ddl_watch ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'DROP TABLE')
  EXECUTE PROCEDURE public.fx_ddl_notice();
CREATE FUNCTION public.fx_drop_notice() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE NOTICE 'fixture drop';
END $$;
CREATE EVENT TRIGGER fx_drop_watch ON sql_drop EXECUTE PROCEDURE public.fx_drop_notice();
ALTER EVENT TRIGGER fx_drop_watch DISABLE;
ALTER DEFAULT PRIVILEGES FOR ROLE fx_owner IN SCHEMA fx_core GRANT SELECT ON TABLES TO fx_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE fx_owner IN SCHEMA fx_core GRANT USAGE, SELECT ON SEQUENCES TO fx_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE fx_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE fx_admin GRANT SELECT, INSERT ON TABLES TO fx_writer;

--- step: types, domains, sequences (as fx_owner)
SET ROLE fx_owner;
SET search_path = fx_core, public;
CREATE TYPE fx_core.mood AS ENUM ('sad', 'ok', 'happy');
ALTER TYPE fx_core.mood ADD VALUE 'ecstatic' AFTER 'happy';
ALTER TYPE fx_core.mood ADD VALUE 'meh' BEFORE 'ok';

--- step: the rest of the types (new enum values must be committed before use)
SET ROLE fx_owner;
SET search_path = fx_core, public;
CREATE TYPE fx_core.address AS (street text, city text COLLATE fx_core.fx_c, zip varchar(10));
COMMENT ON TYPE fx_core.address IS 'postal address';
CREATE TYPE fx_core.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE DOMAIN fx_core.positive_int AS integer NOT NULL DEFAULT 1 CONSTRAINT positive CHECK (VALUE > 0);
CREATE DOMAIN fx_core.email AS public.citext CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE DOMAIN fx_core.us_zip AS text COLLATE "C" CONSTRAINT zip_format CHECK (VALUE ~ '^\d{5}(-\d{4})?$');
ALTER DOMAIN fx_core.us_zip ADD CONSTRAINT zip_not_zero CHECK (VALUE <> '00000') NOT VALID;
COMMENT ON DOMAIN fx_core.email IS 'an address with one @';
CREATE SEQUENCE fx_core.ticket_seq AS integer INCREMENT BY -3 MINVALUE -100000 MAXVALUE 1000 START WITH 999 CACHE 5 CYCLE;
SELECT nextval('fx_core.ticket_seq') FROM generate_series(1, 7);
CREATE SEQUENCE fx_core.unused_seq AS smallint START WITH 42;
CREATE SEQUENCE fx_core.reset_seq START WITH 10;
SELECT setval('fx_core.reset_seq', 77, false);
GRANT USAGE ON SEQUENCE fx_core.ticket_seq TO fx_writer;
CREATE FUNCTION fx_core.mood_score(m fx_core.mood) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE m WHEN 'sad' THEN 0 WHEN 'meh' THEN 1 WHEN 'ok' THEN 2 WHEN 'happy' THEN 3 ELSE 4 END $$;
COMMENT ON FUNCTION fx_core.mood_score(fx_core.mood) IS 'orders moods';
CREATE FUNCTION fx_core.full_address(a fx_core.address) RETURNS text LANGUAGE plpgsql STABLE STRICT
  SET search_path = pg_catalog AS $$
BEGIN
  RETURN concat_ws(', ', a.street, a.zip || ' ' || a.city);
END $$;
CREATE FUNCTION fx_core.add_days(d date, n integer DEFAULT 1, OUT result date, OUT weekday integer)
  LANGUAGE sql IMMUTABLE AS $$ SELECT d + n, extract(isodow FROM d + n)::integer $$;
CREATE FUNCTION fx_core.numbers(upto integer) RETURNS SETOF integer LANGUAGE sql ROWS 10
  AS $$ SELECT generate_series(1, upto) $$;
CREATE FUNCTION fx_core.concat_step(state text, value text) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN state IS NULL THEN value ELSE state || '|' || value END $$;
CREATE AGGREGATE fx_core.pipe_concat(text) (SFUNC = fx_core.concat_step, STYPE = text);
CREATE PROCEDURE fx_core.bump_ticket(INOUT last integer DEFAULT NULL) LANGUAGE plpgsql AS $$
BEGIN
  last := nextval('fx_core.ticket_seq');
END $$;
CREATE FUNCTION fx_core.vat(amount numeric, rate numeric DEFAULT 0.19) RETURNS numeric LANGUAGE sql IMMUTABLE
  AS $$ SELECT round(amount * rate, 2) $$;
CREATE OPERATOR fx_core.%% (LEFTARG = numeric, RIGHTARG = numeric, FUNCTION = fx_core.vat);

--- step: plain tables, constraints, indexes (as fx_owner)
SET ROLE fx_owner;
SET search_path = fx_core, public;
CREATE TABLE fx_core.customers (
  id integer GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY 5) PRIMARY KEY,
  email fx_core.email NOT NULL,
  name text NOT NULL COLLATE fx_core.fx_german,
  nickname text COLLATE fx_core.fx_ci,
  mood fx_core.mood NOT NULL DEFAULT 'ok',
  home fx_core.address,
  tags text[] NOT NULL DEFAULT '{}',
  attrs public.hstore,
  path public.ltree,
  score numeric(8,2) DEFAULT 0 CHECK (score >= 0),
  created timestamptz NOT NULL DEFAULT '2024-01-01 00:00:00+00',
  name_upper text GENERATED ALWAYS AS (upper(name COLLATE "C")) STORED,
  active boolean NOT NULL DEFAULT true,
  CONSTRAINT customers_email_key UNIQUE (email) DEFERRABLE INITIALLY DEFERRED
) WITH (fillfactor = 90);
ALTER TABLE fx_core.customers ALTER COLUMN tags SET STATISTICS 500;
ALTER TABLE fx_core.customers ALTER COLUMN nickname SET STORAGE EXTERNAL;
ALTER TABLE fx_core.customers ALTER COLUMN score SET (n_distinct = 100);
COMMENT ON TABLE fx_core.customers IS 'customers with every kind of column';
COMMENT ON COLUMN fx_core.customers.name_upper IS 'generated from name';
CREATE INDEX customers_lower_email ON fx_core.customers (lower(email::text)) WHERE active;
CREATE INDEX customers_name_trgm ON fx_core.customers USING gin (name public.gin_trgm_ops);
CREATE INDEX customers_attrs ON fx_core.customers USING gist (attrs);
CREATE INDEX customers_path ON fx_core.customers USING gist (path);
CREATE INDEX customers_mood_created ON fx_core.customers (mood, created DESC NULLS LAST) INCLUDE (score);
CREATE UNIQUE INDEX customers_nickname ON fx_core.customers (nickname) WHERE nickname IS NOT NULL;
CREATE INDEX customers_name_brin ON fx_core.customers USING brin (created) WITH (pages_per_range = 16);
ALTER TABLE fx_core.customers CLUSTER ON customers_pkey;
COMMENT ON INDEX fx_core.customers_lower_email IS 'login lookups';
CREATE STATISTICS fx_core.customers_mood_active (ndistinct, dependencies) ON mood, active FROM fx_core.customers;
INSERT INTO fx_core.customers (email, name, nickname, mood, home, tags, attrs, path, score, created, active)
SELECT 'user' || g || '@example.org', (ARRAY['Ärger', 'Zoë', 'Öl', 'apple', 'Bob'])[1 + g % 5] || ' ' || g,
       CASE WHEN g % 3 = 0 THEN 'Nick' || g END,
       (ARRAY['sad', 'meh', 'ok', 'happy', 'ecstatic']::fx_core.mood[])[1 + g % 5],
       ROW('Street ' || g, 'City ' || (g % 17), lpad((g % 99999)::text, 5, '0'))::fx_core.address,
       ARRAY['t' || (g % 4), 't' || (g % 7)],
       public.hstore(ARRAY['k1', 'k2'], ARRAY[(g % 10)::text, NULL]),
       ('top.m' || (g % 6) || '.s' || (g % 11))::public.ltree,
       round((g * 37 % 10000) / 3.0, 2), timestamptz '2024-01-01 00:00:00+00' + g * interval '97 minutes',
       g % 9 <> 0
FROM generate_series(1, 600) g;

CREATE FUNCTION fx_core.secret_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER
  SET search_path = fx_core, pg_temp AS $$ SELECT count(*) FROM fx_core.customers $$;
CREATE TABLE fx_core.rooms (id integer PRIMARY KEY, name text NOT NULL UNIQUE);
INSERT INTO fx_core.rooms SELECT g, 'Room ' || g FROM generate_series(1, 8) g;
CREATE TABLE fx_core.bookings (
  id bigserial PRIMARY KEY,
  room integer NOT NULL REFERENCES fx_core.rooms ON UPDATE CASCADE ON DELETE RESTRICT,
  customer integer REFERENCES fx_core.customers ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE,
  during tstzrange NOT NULL,
  weight fx_core.floatrange,
  seats fx_core.positive_int,
  note varchar(200),
  CONSTRAINT no_double_booking EXCLUDE USING gist (room WITH =, during WITH &&),
  CONSTRAINT during_bounded CHECK (NOT upper_inf(during)) NOT VALID
);
INSERT INTO fx_core.bookings (room, customer, during, weight, seats, note)
SELECT 1 + g % 8, 100 + 5 * (g % 600),
       tstzrange(timestamptz '2024-03-01 00:00:00+00' + g * interval '4 hours',
                 timestamptz '2024-03-01 00:00:00+00' + g * interval '4 hours' + interval '3 hours'),
       fx_core.floatrange(g / 10.0, g / 10.0 + 1.5), 1 + g % 4, 'booking ' || g
FROM generate_series(1, 400) g;

CREATE TABLE fx_core.ledger (
  entry integer NOT NULL,
  account text NOT NULL,
  amount numeric(12,2) NOT NULL,
  booked_on date NOT NULL,
  PRIMARY KEY (entry, account),
  CONSTRAINT ledger_entry_unique UNIQUE (entry, account, booked_on) DEFERRABLE
);
INSERT INTO fx_core.ledger SELECT g / 2, CASE WHEN g % 2 = 0 THEN 'debit' ELSE 'credit' END,
       (g % 2 * 2 - 1) * (g * 13 % 500), date '2024-01-01' + g % 300 FROM generate_series(1, 900) g;

CREATE UNLOGGED TABLE fx_core.session_cache (key text PRIMARY KEY, value jsonb NOT NULL, expires timestamptz);
INSERT INTO fx_core.session_cache SELECT 's' || g, jsonb_build_object('n', g, 'even', g % 2 = 0),
       timestamptz '2030-01-01 00:00:00+00' FROM generate_series(1, 50) g;
ALTER TABLE fx_core.session_cache REPLICA IDENTITY FULL;

CREATE TABLE fx_core.audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY,
  tbl text NOT NULL,
  op text NOT NULL,
  level text NOT NULL DEFAULT 'row',
  detail jsonb
);
CREATE TABLE fx_core.counters (name text PRIMARY KEY, value bigint NOT NULL DEFAULT 0);
INSERT INTO fx_core.counters VALUES ('bookings', 0), ('customers', 0);

CREATE TABLE "Fx Quoted"."Mixed Case Table" ("Id" integer PRIMARY KEY, "Select" text, "space col" text DEFAULT 'x y');
INSERT INTO "Fx Quoted"."Mixed Case Table" VALUES (1, 'from', 'a b'), (2, 'where', NULL);

--- step: triggers, rules (as fx_owner)
SET ROLE fx_owner;
CREATE FUNCTION fx_core.audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO fx_core.audit_log (tbl, op, detail)
  VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP,
          CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END);
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE FUNCTION fx_core.audit_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM new_rows;
  INSERT INTO fx_core.audit_log (tbl, op, level, detail)
  VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP, 'statement', jsonb_build_object('rows', n));
  RETURN NULL;
END $$;
CREATE FUNCTION fx_core.touch_score() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.score IS NULL THEN NEW.score := 0; END IF;
  RETURN NEW;
END $$;
CREATE FUNCTION fx_core.count_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE fx_core.counters SET value = value + 1 WHERE name = TG_ARGV[0];
  RETURN NULL;
END $$;
CREATE TRIGGER customers_audit AFTER INSERT OR UPDATE OR DELETE ON fx_core.customers
  FOR EACH ROW EXECUTE PROCEDURE fx_core.audit_row();
CREATE TRIGGER customers_touch BEFORE INSERT OR UPDATE OF score ON fx_core.customers
  FOR EACH ROW WHEN (NEW.score IS NULL) EXECUTE PROCEDURE fx_core.touch_score();
CREATE TRIGGER bookings_statement AFTER INSERT ON fx_core.bookings REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE PROCEDURE fx_core.audit_statement();
CREATE CONSTRAINT TRIGGER bookings_count AFTER INSERT ON fx_core.bookings DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE PROCEDURE fx_core.count_rows('bookings');
CREATE TRIGGER ledger_truncate BEFORE TRUNCATE ON fx_core.ledger
  FOR EACH STATEMENT EXECUTE PROCEDURE fx_core.count_rows('ledger');
ALTER TABLE fx_core.ledger DISABLE TRIGGER ledger_truncate;
COMMENT ON TRIGGER customers_audit ON fx_core.customers IS 'row audit';
CREATE RULE ledger_no_delete AS ON DELETE TO fx_core.ledger DO INSTEAD NOTHING;
CREATE RULE rooms_log AS ON UPDATE TO fx_core.rooms WHERE NEW.name <> OLD.name
  DO ALSO INSERT INTO fx_core.audit_log (tbl, op, level, detail)
  VALUES ('fx_core.rooms', 'RENAME', 'rule', jsonb_build_object('from', OLD.name, 'to', NEW.name));
COMMENT ON RULE ledger_no_delete ON fx_core.ledger IS 'the ledger is append-only';
UPDATE fx_core.customers SET score = score + 1 WHERE id % 50 = 0;
UPDATE fx_core.rooms SET name = name || ' (renovated)' WHERE id = 3;
DELETE FROM fx_core.ledger WHERE entry = 1;

--- step: views (as fx_owner)
SET ROLE fx_owner;
SET search_path = fx_core, public;
CREATE VIEW fx_core.active_customers AS
  SELECT c.id, c.email, c.name, c.mood, fx_core.mood_score(c.mood) AS mood_score, (c.home).city AS city
  FROM fx_core.customers c WHERE c.active;
CREATE VIEW fx_core.happy_customers WITH (security_barrier) AS
  SELECT id, email, name FROM fx_core.active_customers WHERE mood >= 'happy'
  WITH CASCADED CHECK OPTION;
CREATE VIEW fx_core.room_usage AS
  SELECT r.name, count(b.id) AS bookings, sum(upper(b.during) - lower(b.during)) AS booked,
         rank() OVER (ORDER BY count(b.id) DESC, r.name) AS rank,
         string_agg(DISTINCT b.note, ', ' ORDER BY b.note) FILTER (WHERE b.seats > 2) AS big_notes
  FROM fx_core.rooms r LEFT JOIN fx_core.bookings b ON b.room = r.id
  GROUP BY r.name HAVING count(b.id) >= 0;
CREATE VIEW fx_core.calendar AS
  WITH RECURSIVE days(d) AS (SELECT date '2024-01-01' UNION ALL SELECT d + 1 FROM days WHERE d < date '2024-01-31')
  SELECT d, to_char(d, 'Dy') AS weekday, d::timestamp AT TIME ZONE 'UTC' AS utc_start,
         CAST(extract(doy FROM d) AS integer) AS doy, (d - date '2024-01-01')::numeric(5,1) / 7 AS week_fraction,
         CASE WHEN extract(isodow FROM d) IN (6, 7) THEN 'weekend' ELSE 'workday' END AS kind,
         'x'::varchar(3) || d::text AS label, ARRAY[1, 2]::bigint[] AS arr
  FROM days;
CREATE VIEW fx_core.ledger_balance AS
  SELECT account, sum(amount) AS balance, count(*) FILTER (WHERE amount < 0) AS negatives,
         EXISTS (SELECT 1 FROM fx_core.rooms) AS has_rooms,
         (SELECT max(booked_on) FROM fx_core.ledger l2 WHERE l2.account = l.account) AS last_booked
  FROM fx_core.ledger l GROUP BY account;
CREATE VIEW fx_core.customer_search AS
  SELECT id, name, similarity(name, 'Zoe') AS sim, attrs -> 'k1' AS k1, nlevel(path) AS depth,
         email::text ILIKE '%@example.org' AS ours, name COLLATE "C" < 'M' AS first_half,
         coalesce(nickname, '-') AS nick, (tags)[1] AS first_tag, row_to_json(home) AS home_json
  FROM fx_core.customers;
CREATE VIEW fx_core.rooms_editable AS SELECT id, name FROM fx_core.rooms;
CREATE FUNCTION fx_core.rooms_editable_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO fx_core.rooms VALUES (NEW.id, NEW.name);
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE fx_core.rooms SET name = NEW.name WHERE id = OLD.id;
    RETURN NEW;
  END IF;
  DELETE FROM fx_core.rooms WHERE id = OLD.id;
  RETURN OLD;
END $$;
CREATE TRIGGER rooms_editable_instead INSTEAD OF INSERT OR UPDATE OR DELETE ON fx_core.rooms_editable
  FOR EACH ROW EXECUTE PROCEDURE fx_core.rooms_editable_write();
CREATE VIEW fx_core.counters_view AS SELECT name, value FROM fx_core.counters;
CREATE RULE counters_view_update AS ON UPDATE TO fx_core.counters_view
  DO INSTEAD UPDATE fx_core.counters SET value = NEW.value WHERE name = OLD.name;
INSERT INTO fx_core.rooms_editable VALUES (9, 'Room 9 via view');
UPDATE fx_core.counters_view SET value = value + 100 WHERE name = 'customers';
CREATE MATERIALIZED VIEW fx_core.mood_stats AS
  SELECT mood, count(*) AS customers, avg(score)::numeric(10,2) AS avg_score FROM fx_core.customers GROUP BY mood;
CREATE UNIQUE INDEX mood_stats_mood ON fx_core.mood_stats (mood);
CREATE MATERIALIZED VIEW fx_core.empty_stats AS SELECT room, count(*) AS n FROM fx_core.bookings GROUP BY room
  WITH NO DATA;
COMMENT ON MATERIALIZED VIEW fx_core.mood_stats IS 'refreshed nightly';
COMMENT ON COLUMN fx_core.active_customers.city IS 'from the composite home address';

--- step: declarative partitions (as fx_owner)
SET ROLE fx_owner;
SET search_path = fx_core, public;
CREATE TABLE fx_part.events (
  id bigint NOT NULL,
  happened date NOT NULL,
  region text NOT NULL,
  customer integer REFERENCES fx_core.customers ON DELETE CASCADE,
  payload jsonb,
  amount numeric(10,2) DEFAULT 0,
  amount_gross numeric(10,2) GENERATED ALWAYS AS (amount * 1.19) STORED,
  PRIMARY KEY (id, happened, region)
) PARTITION BY RANGE (happened);
COMMENT ON TABLE fx_part.events IS 'range partitions by year, list sub-partitions by region';
CREATE TABLE fx_part.events_2023 PARTITION OF fx_part.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE fx_part.events_2024 PARTITION OF fx_part.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
  PARTITION BY LIST (region);
CREATE TABLE fx_part.events_2024_eu PARTITION OF fx_part.events_2024 FOR VALUES IN ('de', 'fr', 'nl');
CREATE TABLE fx_part.events_2024_us PARTITION OF fx_part.events_2024 FOR VALUES IN ('us');
CREATE TABLE fx_part.events_2024_other PARTITION OF fx_part.events_2024 DEFAULT;
CREATE TABLE fx_part.events_old (id bigint NOT NULL, happened date NOT NULL, region text NOT NULL,
  customer integer, payload jsonb, amount numeric(10,2) DEFAULT 0,
  amount_gross numeric(10,2) GENERATED ALWAYS AS (amount * 1.19) STORED, PRIMARY KEY (id, happened, region));
ALTER TABLE fx_part.events ATTACH PARTITION fx_part.events_old FOR VALUES FROM (MINVALUE) TO ('2023-01-01');
CREATE TABLE fx_part.events_default PARTITION OF fx_part.events DEFAULT;
CREATE INDEX events_region ON fx_part.events (region, happened);
CREATE INDEX events_payload ON fx_part.events USING gin (payload jsonb_path_ops);
CREATE INDEX events_2023_amount ON fx_part.events_2023 (amount) WHERE amount > 100;
INSERT INTO fx_part.events (id, happened, region, customer, payload, amount)
SELECT g, date '2022-06-01' + (g % 1000), (ARRAY['de', 'fr', 'us', 'jp', 'nl'])[1 + g % 5], 100 + 5 * (g % 600),
       jsonb_build_object('g', g, 'tags', jsonb_build_array('a', g % 3)), (g * 7 % 1000) / 3.0
FROM generate_series(1, 2500) g;
CREATE FUNCTION fx_part.events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.amount < 0 THEN RAISE EXCEPTION 'negative amount'; END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER events_guard AFTER INSERT OR UPDATE ON fx_part.events
  FOR EACH ROW EXECUTE PROCEDURE fx_part.events_guard();
CREATE FUNCTION fx_part.eu_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.payload := coalesce(NEW.payload, '{}'::jsonb) || '{"eu": true}';
  RETURN NEW;
END $$;
CREATE TRIGGER eu_fill BEFORE INSERT ON fx_part.events_2024_eu FOR EACH ROW EXECUTE PROCEDURE fx_part.eu_fill();
CREATE TRIGGER events_purged AFTER DELETE OR TRUNCATE ON fx_part.events
  FOR EACH STATEMENT EXECUTE PROCEDURE fx_core.count_rows('events');
CREATE TABLE fx_part.event_notes (
  note_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id bigint NOT NULL, happened date NOT NULL, region text NOT NULL, body text,
  FOREIGN KEY (event_id, happened, region) REFERENCES fx_part.events ON DELETE CASCADE
);
INSERT INTO fx_part.event_notes (event_id, happened, region, body)
SELECT id, happened, region, 'note for ' || id FROM fx_part.events WHERE id % 10 = 0;
CREATE TABLE fx_part.shards (id integer NOT NULL, bucket text NOT NULL, v text) PARTITION BY HASH (id);
CREATE TABLE fx_part.shards_0 PARTITION OF fx_part.shards FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE fx_part.shards_1 PARTITION OF fx_part.shards FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE fx_part.shards_2 PARTITION OF fx_part.shards FOR VALUES WITH (MODULUS 3, REMAINDER 2);
ALTER TABLE fx_part.shards ADD PRIMARY KEY (id);
ALTER TABLE fx_part.shards ADD CONSTRAINT shards_bucket_check CHECK (bucket <> '');
INSERT INTO fx_part.shards SELECT g, 'b' || (g % 4), md5(g::text) FROM generate_series(1, 300) g;
CREATE TABLE fx_part.shard_refs (id integer PRIMARY KEY, shard integer NOT NULL REFERENCES fx_part.shards (id))
  PARTITION BY LIST (id);
CREATE TABLE fx_part.shard_refs_low PARTITION OF fx_part.shard_refs FOR VALUES IN (1, 2, 3, 4, 5);
CREATE TABLE fx_part.shard_refs_rest PARTITION OF fx_part.shard_refs DEFAULT;
INSERT INTO fx_part.shard_refs SELECT g, 1 + g % 300 FROM generate_series(1, 40) g;

--- step: inheritance (as fx_owner)
SET ROLE fx_owner;
CREATE TABLE fx_inh.vehicle (id integer PRIMARY KEY, maker text NOT NULL DEFAULT 'unknown',
  wheels integer CHECK (wheels >= 0), CONSTRAINT vehicle_local CHECK (id > 0) NO INHERIT);
CREATE TABLE fx_inh.car (doors integer DEFAULT 4, CONSTRAINT car_doors CHECK (doors BETWEEN 2 AND 5))
  INHERITS (fx_inh.vehicle);
ALTER TABLE fx_inh.car ALTER COLUMN maker SET DEFAULT 'VW';
CREATE TABLE fx_inh.sports_car (top_speed integer NOT NULL) INHERITS (fx_inh.car);
CREATE TABLE fx_inh.boat (id integer, draft numeric, maker text) INHERITS (fx_inh.vehicle);
CREATE TABLE fx_inh.registered (plate text, registered_on date);
CREATE TABLE fx_inh.amphibian (propellers integer) INHERITS (fx_inh.car, fx_inh.registered);
CREATE INDEX sports_car_speed ON fx_inh.sports_car (top_speed);
COMMENT ON TABLE fx_inh.amphibian IS 'two parents';
INSERT INTO fx_inh.vehicle VALUES (1, 'Generic', 4);
INSERT INTO fx_inh.car (id, maker, wheels, doors) SELECT g, 'Maker ' || g, 4, 2 + g % 4 FROM generate_series(10, 40) g;
INSERT INTO fx_inh.sports_car (id, maker, wheels, doors, top_speed) SELECT g, 'Fast ' || g, 4, 2, 250 + g FROM generate_series(50, 60) g;
INSERT INTO fx_inh.boat (id, maker, wheels, draft) VALUES (70, 'Yard', 0, 1.5), (71, 'Yard', 0, 2.25);
INSERT INTO fx_inh.amphibian (id, maker, wheels, doors, plate, registered_on, propellers)
  VALUES (80, 'Amphi', 4, 2, 'HH-A 80', '2020-02-29', 1);

--- step: row-level security, grants (as fx_owner)
SET ROLE fx_owner;
CREATE TABLE fx_sec.documents (id integer PRIMARY KEY, owner_name name NOT NULL, classification integer NOT NULL,
  title text NOT NULL, body text, salary numeric);
INSERT INTO fx_sec.documents SELECT g, (ARRAY['fx_reader', 'fx_writer', 'fx_auditor'])[1 + g % 3], g % 4,
       'Doc ' || g, repeat('lorem ', g % 20), g * 1000 FROM generate_series(1, 120) g;
ALTER TABLE fx_sec.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE fx_sec.documents FORCE ROW LEVEL SECURITY;
CREATE POLICY documents_own ON fx_sec.documents FOR SELECT TO fx_reader, fx_writer USING (owner_name = current_user);
CREATE POLICY documents_auditor ON fx_sec.documents FOR SELECT TO fx_auditor USING (true);
CREATE POLICY documents_insert ON fx_sec.documents FOR INSERT TO fx_writer WITH CHECK (classification < 3);
CREATE POLICY documents_limit ON fx_sec.documents AS RESTRICTIVE FOR ALL TO PUBLIC USING (classification < 4);
CREATE POLICY documents_owner ON fx_sec.documents TO fx_owner USING (true) WITH CHECK (true);
COMMENT ON POLICY documents_limit ON fx_sec.documents IS 'nobody sees level 4';
CREATE TABLE fx_sec.plain_rls (id integer, secret text);
ALTER TABLE fx_sec.plain_rls ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON fx_sec.documents TO fx_reader;
GRANT SELECT, INSERT ON fx_sec.documents TO fx_writer;
GRANT SELECT (id, title), UPDATE (title) ON fx_sec.documents TO fx_auditor;
GRANT SELECT (id, owner_name, classification) ON fx_sec.documents TO "Fx Mixed Case";
GRANT ALL ON fx_core.customers TO fx_admin WITH GRANT OPTION;
GRANT SELECT, INSERT, UPDATE ON fx_core.bookings TO fx_writer;
GRANT USAGE ON SEQUENCE fx_core.bookings_id_seq TO fx_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA fx_part TO fx_reader;
GRANT TRIGGER, REFERENCES ON fx_core.rooms TO fx_writer;
GRANT SELECT ON fx_core.active_customers, fx_core.room_usage TO fx_reader;
GRANT EXECUTE ON FUNCTION fx_core.secret_count() TO fx_auditor;
REVOKE EXECUTE ON FUNCTION fx_core.secret_count() FROM PUBLIC;
GRANT USAGE ON TYPE fx_core.mood TO fx_reader;
REVOKE USAGE ON DOMAIN fx_core.email FROM PUBLIC;
GRANT USAGE ON DOMAIN fx_core.email TO fx_writer;
RESET ROLE;
SET ROLE fx_admin;
GRANT SELECT ON fx_core.customers TO fx_auditor;
RESET ROLE;
CREATE TABLE fx_core.superuser_owned (id integer PRIMARY KEY);
GRANT SELECT ON fx_core.superuser_owned TO fx_owner;
REVOKE ALL ON fx_core.superuser_owned FROM postgres;
GRANT USAGE ON LANGUAGE plpgsql TO fx_writer;
SET ROLE fx_owner;
SELECT lo_from_bytea(900001, convert_to(repeat('large object one – Grüße ', 200), 'UTF8'));
SELECT lo_from_bytea(900002, decode(repeat('00ff10ef', 1000), 'hex'));
GRANT SELECT ON LARGE OBJECT 900001 TO fx_reader;
GRANT SELECT, UPDATE ON LARGE OBJECT 900002 TO fx_writer;
COMMENT ON LARGE OBJECT 900001 IS 'a text large object';
RESET ROLE;
ALTER LARGE OBJECT 900002 OWNER TO fx_admin;

--- step: text search (as fx_admin)
SET ROLE fx_admin;
CREATE TEXT SEARCH DICTIONARY fx_text.fx_simple (TEMPLATE = pg_catalog.simple, STOPWORDS = english, ACCEPT = false);
CREATE TEXT SEARCH DICTIONARY fx_text.fx_unaccent (TEMPLATE = public.unaccent, RULES = 'unaccent');
CREATE TEXT SEARCH CONFIGURATION fx_text.fx_german (COPY = pg_catalog.german);
ALTER TEXT SEARCH CONFIGURATION fx_text.fx_german
  ALTER MAPPING FOR hword, hword_part, word WITH fx_text.fx_unaccent, german_stem;
ALTER TEXT SEARCH CONFIGURATION fx_text.fx_german DROP MAPPING FOR url;
CREATE TEXT SEARCH CONFIGURATION fx_text.fx_plain (PARSER = pg_catalog.default);
ALTER TEXT SEARCH CONFIGURATION fx_text.fx_plain ADD MAPPING FOR asciiword, word WITH fx_text.fx_simple, simple;
COMMENT ON TEXT SEARCH CONFIGURATION fx_text.fx_german IS 'German without accents';
CREATE TABLE fx_text.articles (
  id integer PRIMARY KEY,
  title text NOT NULL,
  body text NOT NULL,
  lang regconfig NOT NULL DEFAULT 'fx_text.fx_german',
  doc tsvector
);
CREATE FUNCTION fx_text.articles_tsv() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.doc := setweight(to_tsvector(NEW.lang, NEW.title), 'A') || setweight(to_tsvector(NEW.lang, NEW.body), 'B');
  RETURN NEW;
END $$;
CREATE TRIGGER articles_tsv BEFORE INSERT OR UPDATE OF title, body ON fx_text.articles
  FOR EACH ROW EXECUTE PROCEDURE fx_text.articles_tsv();
CREATE INDEX articles_doc ON fx_text.articles USING gin (doc);
CREATE INDEX articles_title_fts ON fx_text.articles USING gist (to_tsvector('fx_text.fx_plain'::regconfig, title));
INSERT INTO fx_text.articles (id, title, body, lang)
SELECT g, 'Überschrift Nummer ' || g || ' über Straßen', 'Der schnelle braune Fuchs springt ' || g || ' mal über den faulen Hund. Café',
       CASE WHEN g % 4 = 0 THEN 'fx_text.fx_plain' ELSE 'fx_text.fx_german' END::regconfig
FROM generate_series(1, 200) g;
CREATE VIEW fx_text.article_hits AS
  SELECT id, title, ts_rank(doc, q) AS rank FROM fx_text.articles, to_tsquery('fx_text.fx_german', 'fuchs & hund') q
  WHERE doc @@ q;
RESET ROLE;
CREATE PUBLICATION fx_pub FOR TABLE fx_core.rooms, fx_core.ledger WITH (publish = 'insert, update');
CREATE FOREIGN TABLE fx_core.remote_rooms (id integer OPTIONS (column_name 'id'), name text)
  SERVER fx_loopback OPTIONS (schema_name 'fx_core', table_name 'rooms');
ALTER FOREIGN TABLE fx_core.remote_rooms OWNER TO fx_owner;
