package dev.herald.audit.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes the auditor's threads: daemons named {@code herald-audit-<role>} (with {@code -<n>} past the first). */
public final class AuditThreads implements ThreadFactory {

    private final String role;
    private final AtomicInteger made = new AtomicInteger();

    public AuditThreads(String role) {
        this.role = role;
    }

    @Override
    public Thread newThread(Runnable task) {
        int n = made.getAndIncrement();
        Thread t = new Thread(task, "herald-audit-" + role + (n == 0 ? "" : "-" + n));
        t.setDaemon(true);
        return t;
    }
}
