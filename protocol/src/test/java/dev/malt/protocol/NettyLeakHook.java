package dev.malt.protocol;

import net.jqwik.api.lifecycle.AroundContainerHook;
import net.jqwik.api.lifecycle.ContainerLifecycleContext;

/**
 * {@link NettyLeakCheck} for jqwik properties: PARANOID leak detection from before the first buffer,
 * and a failure when Netty reports a leak once the container's properties have run. Use with
 * {@code @AddLifecycleHook(NettyLeakHook.class)} on the class.
 */
public final class NettyLeakHook implements AroundContainerHook {

    @Override
    public void beforeContainer(ContainerLifecycleContext context) {
        NettyLeakCheck.install();
    }

    @Override
    public void afterContainer(ContainerLifecycleContext context) {
        try {
            NettyLeakCheck.failOnLeaks();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while looking for leaks", e);
        }
    }
}
