package dev.malt.server.servlet.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in the order given, on another executor's threads: the callbacks of one
 * upgraded connection never overlap, and never run on the thread that schedules them (an event loop).
 * Each task is a separate submission, so a busy connection does not keep a thread from the others.
 */
final class SerialExecutor implements Executor {

    private final Executor threads;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor threads) {
        this.threads = threads;
    }

    /**
     * @throws java.util.concurrent.RejectedExecutionException when the threads are gone (the worker stops);
     *                                                         the task is then dropped
     */
    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        submitNext();
    }

    private void submitNext() {
        try {
            threads.execute(this::runOne);
        } catch (RuntimeException e) {
            synchronized (this) {
                tasks.clear();
                running = false;
            }
            throw e;
        }
    }

    private void runOne() {
        Runnable task;
        synchronized (this) {
            task = tasks.poll();
        }
        try {
            task.run();
        } finally {
            boolean more;
            synchronized (this) {
                more = !tasks.isEmpty();
                running = more;
            }
            if (more) {
                try {
                    submitNext();
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the worker is stopping without draining: what is left cannot run
                }
            }
        }
    }
}
