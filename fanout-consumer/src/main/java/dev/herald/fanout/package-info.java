/**
 * Kafka consumption for edges: one consumer group per edge with committed offsets, the RocksDB
 * dedup and history store, replay and seek. No HTTP here. Built in the edge relay issue; this
 * module exists now so the build has the shape of the architecture.
 */
package dev.herald.fanout;
