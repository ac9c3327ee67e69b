#!/bin/sh
# Roles and database as scripts/db.sh makes them locally: the owner (migrations, definer
# functions, BYPASSRLS) and the service role (no BYPASSRLS).
set -eu
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE gridgov_owner LOGIN CREATEDB BYPASSRLS PASSWORD '${GRIDGOV_OWNER_PASSWORD}';
CREATE ROLE gridgov_app LOGIN NOBYPASSRLS PASSWORD '${GRIDGOV_APP_PASSWORD}';
CREATE DATABASE gridgov OWNER gridgov_owner;
\connect gridgov
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS btree_gist;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO gridgov_owner;
SQL
