package dev.herald.edge.internal;

import java.util.concurrent.Executor;

import dev.herald.fanout.FanoutConsumer;
import dev.herald.server.limits.ConnectionLimiter;
import dev.herald.server.limits.FramePolicy;

/**
 * What every connection of an edge shares: the consumer, index, resume reader, limits, metrics,
 * ephemeral lane, who may connect, and how much a client may ask: {@code frames} makes each
 * WebSocket's frame limiter, {@code connectionLimits} caps connections per client address. {@code resumeWorkers} refuses a task (RejectedExecutionException) when its
 * bounded queue is full. {@code latest} is the edge's copy of every channel's latest value, and
 * {@code latestWaitMs} how long a look-up in it waits for it to catch up at start-up.
 */
record EdgeContext(FanoutConsumer consumer, SubscriptionIndex index, ResumeReader resumeReader, Executor resumeWorkers,
                   IoThreadTasks ioTasks, EdgeMetrics metrics, int maxQueuedEvents, long maxQueuedBytes, long maxFrameBytes,
                   int maxSubscriptions, EphemeralPublish ephemeral, EdgeAuth auth, FramePolicy frames,
                   ConnectionLimiter<String> connectionLimits, LatestFollower latest, long latestWaitMs) {
}
