#!/bin/sh
# Temporal's two PostgreSQL databases (history and visibility): created when missing, their schema
# set up and brought to the newest version that ships in this admin-tools image. Run by the
# `temporal-schema` job of docker-compose.yml before the server starts; running it again changes
# nothing on an up-to-date database. Connection from the job's environment (POSTGRES_SEEDS,
# DB_PORT, POSTGRES_USER, SQL_PASSWORD).
set -eu

schema_root=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  dir=${pair#*:}
  echo "database $db"
  sql_tool --db "$db" create-database 2>/dev/null || echo "  $db exists"
  # version 0.0 only creates the schema_version table when missing; update-schema applies what is new
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$schema_root/$dir/versioned"
done
echo "schema ready"
