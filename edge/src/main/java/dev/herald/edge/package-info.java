/**
 * The edge relay: WebSocket and SSE server, subscription index, per-connection queues and
 * resume, embedding the fanout consumer. Built in the edge relay issue; this module exists now
 * so the build has the shape of the architecture.
 */
package dev.herald.edge;
