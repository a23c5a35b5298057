package dev.herald.bench;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * A WebSocket listener that waits for one text frame: {@link #at} completes with the
 * {@link System#nanoTime} at which the first whole frame {@code wanted} accepts was read, or with
 * -1 when a frame {@code refused} accepts came first (an error, a resume that did not recover, no
 * retained value), or exceptionally when the socket fails. Frames split in parts are joined first.
 */
final class FrameAwait implements WebSocket.Listener {

    final CompletableFuture<Long> at = new CompletableFuture<>();
    private final Predicate<String> wanted;
    private final Predicate<String> refused;
    private final StringBuilder text = new StringBuilder();

    FrameAwait(Predicate<String> wanted, Predicate<String> refused) {
        this.wanted = wanted;
        this.refused = refused;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            String frame = text.toString();
            text.setLength(0);
            if (wanted.test(frame)) {
                at.complete(System.nanoTime());
            } else if (refused.test(frame)) {
                at.complete(-1L);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        at.completeExceptionally(error);
    }
}
