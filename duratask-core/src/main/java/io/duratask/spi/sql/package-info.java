/**
 * Pieces shared by the providers that keep their state in SQL tables (SQLite, PostgreSQL): the JSON codec
 * between SPI records and columns ({@link io.duratask.spi.sql.SqlCodec}), an instance row as stored
 * ({@link io.duratask.spi.sql.InstanceRow}) and the continuation token of instance listings
 * ({@link io.duratask.spi.sql.ContinuationToken}). Not needed to use Duratask; for provider authors.
 */
package io.duratask.spi.sql;
