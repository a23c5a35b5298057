package dev.herald.fanout;

/** What the store made of a consumed event ({@link EventStore.Batch#admit}). */
public enum Admission {
    /** First seen: stored, and to be handed to the connections. */
    NEW,
    /**
     * The very record that was stored before (same channel, id, partition and offset), read again
     * after a rewind: not stored twice, but handed to the connections again, since nothing says
     * the first reading reached them. Connections drop what they already have by offset.
     */
    REREAD,
    /** Another record with an id its channel already had within the dedup window: dropped. */
    DUPLICATE
}
