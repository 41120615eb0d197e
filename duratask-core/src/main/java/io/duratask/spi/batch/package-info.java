/**
 * Batching for providers: {@link io.duratask.spi.batch.Coalescer}, the leader/follower scheme by which
 * concurrent calls share one transaction, statement or sync (group commit). Not needed to use Duratask; for
 * provider authors.
 */
package io.duratask.spi.batch;
