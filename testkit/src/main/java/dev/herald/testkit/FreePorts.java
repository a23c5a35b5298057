package dev.herald.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports on loopback, for processes the tests start. Tests take the OS's picks; the one
 * exception is the compose stack, whose file fixes its ports ({@link #requireFree}).
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** A port nothing listens on now (the OS's pick; another process could take it before it is used). */
    public static int next() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code count} distinct free ports: each socket stays open until all are chosen, so that the
     * OS cannot hand out one port twice.
     */
    public static int[] distinct(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // free again either way
                    }
                }
            }
        }
    }

    /**
     * Fails when any of {@code ports} is taken on 127.0.0.1, naming it and {@code user}: for a test
     * that must run something on fixed ports, so that a clash is reported as such and not as a
     * service that did not start.
     */
    public static void requireFree(String user, int... ports) {
        for (int port : ports) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                s.getLocalPort(); // bound, so free; closed again at once
            } catch (IOException e) {
                throw new AssertionError("port " + port + " on 127.0.0.1 is taken (" + e.getMessage() + "), and " + user
                        + " needs it; stop what listens there (`ss -ltnp 'sport = :" + port + "'` names it; `./herald dev` takes 8080 and 8081)");
            }
        }
    }
}
