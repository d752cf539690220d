/**
 * Molt's PostgreSQL {@link dev.molt.store.RolloutStore}: {@link
 * dev.molt.postgres.PostgresRolloutStore}. Leases with fencing tokens, records saved under the
 * newest token only, a schema the store creates and versions itself; plain JDBC, no ORM, no pool
 * required. See {@code docs/store-postgres.md}.
 */
package dev.molt.postgres;
