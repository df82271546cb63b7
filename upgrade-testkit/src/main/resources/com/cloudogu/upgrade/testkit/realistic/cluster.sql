-- Cluster-wide objects of the realistic schema, run in database postgres, one statement per step
-- (CREATE DATABASE cannot run inside the implicit transaction of a multi-statement string).
--- step
CREATE ROLE fx_owner LOGIN PASSWORD 'fx-owner-secret' CONNECTION LIMIT 20
--- step
CREATE ROLE fx_admin NOLOGIN CREATEROLE
--- step
CREATE ROLE fx_writer NOLOGIN
--- step
CREATE ROLE fx_reader NOLOGIN
--- step
CREATE ROLE fx_auditor LOGIN PASSWORD 'fx-auditor-secret' VALID UNTIL '2099-12-31 00:00:00+00'
--- step
CREATE ROLE "Fx Mixed Case" NOLOGIN NOINHERIT
--- step
GRANT fx_reader TO fx_writer
--- step
GRANT fx_writer TO fx_admin WITH ADMIN OPTION
--- step
GRANT fx_reader TO fx_auditor
--- step
GRANT fx_reader TO "Fx Mixed Case"
--- step
ALTER ROLE fx_auditor SET statement_timeout = '5min'
--- step
COMMENT ON ROLE fx_auditor IS 'reads everything, changes nothing'
--- step
CREATE DATABASE fx_regression OWNER fx_owner TEMPLATE template0 ENCODING 'UTF8'
--- step
CREATE DATABASE "Fx Second" OWNER fx_admin TEMPLATE template0 ENCODING 'UTF8' CONNECTION LIMIT 50
--- step
ALTER DATABASE fx_regression SET search_path = fx_core, public
--- step
ALTER ROLE fx_reader IN DATABASE fx_regression SET work_mem = '8MB'
--- step
COMMENT ON DATABASE fx_regression IS 'realistic schema in the spirit of the regression database'
--- step
REVOKE CONNECT, TEMPORARY ON DATABASE "Fx Second" FROM PUBLIC
--- step
GRANT CONNECT ON DATABASE "Fx Second" TO fx_reader
