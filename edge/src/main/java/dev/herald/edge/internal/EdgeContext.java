package dev.herald.edge.internal;

import java.util.concurrent.Executor;

import dev.herald.fanout.FanoutConsumer;

/**
 * What every connection of an edge shares: the consumer, index, resume reader, limits, metrics,
 * ephemeral lane and who may connect. {@code resumeWorkers} refuses a task (RejectedExecutionException) when its
 * bounded queue is full.
 */
record EdgeContext(FanoutConsumer consumer, SubscriptionIndex index, ResumeReader resumeReader, Executor resumeWorkers,
                   IoThreadTasks ioTasks, EdgeMetrics metrics, int maxQueuedEvents, long maxQueuedBytes, long maxFrameBytes,
                   int maxSubscriptions, EphemeralPublish ephemeral, EdgeAuth auth) {
}
