-- The second database ("Fx Second", owned by fx_admin): its own schema, extension, types and a view
-- that reaches across schemas, so that objects of one name in two databases are told apart.
--- step
CREATE EXTENSION pg_trgm SCHEMA public;
CREATE EXTENSION "uuid-ossp";
SET ROLE fx_admin;
CREATE SCHEMA app;
CREATE TYPE app.state AS ENUM ('new', 'done');
CREATE TABLE app.tasks (id uuid PRIMARY KEY, title text NOT NULL, state app.state NOT NULL DEFAULT 'new',
  due date, parent uuid REFERENCES app.tasks ON DELETE CASCADE);
INSERT INTO app.tasks (id, title, state, due)
SELECT public.uuid_generate_v5(public.uuid_ns_url(), 'task-' || g), 'Task ' || g,
       CASE WHEN g % 3 = 0 THEN 'done' ELSE 'new' END::app.state, date '2025-01-01' + g
FROM generate_series(1, 150) g;
CREATE INDEX tasks_title_trgm ON app.tasks USING gist (title public.gist_trgm_ops);
CREATE VIEW app.open_tasks AS SELECT id, title, due FROM app.tasks WHERE state = 'new' ORDER BY due;
GRANT USAGE ON SCHEMA app TO fx_reader;
GRANT SELECT ON app.open_tasks TO fx_reader;
CREATE TABLE public.notes (id integer PRIMARY KEY, body text);
INSERT INTO public.notes VALUES (1, 'in the second database');
RESET ROLE;
