package dev.malt.server.cache;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapBudgetTest {

    private static final long MIB = 1L << 20;

    @Test
    void aCacheThatFitsBesideTheMastersOwnNeedsIsQuiet() {
        HeapBudget budget = new HeapBudget(256 * MIB);
        assertEquals(Optional.empty(), budget.reserve(new Object(), "shop", 64 * MIB));
        assertEquals(Optional.empty(), budget.reserve(new Object(), "blog", 256 * MIB - 64 * MIB
                - HeapBudget.BASELINE_BYTES));
    }

    @Test
    void aCacheLargerThanTheHeapNamesTheAppTheNumbersAndTheFix() {
        String warning = new HeapBudget(256 * MIB).reserve(new Object(), "shop", 512 * MIB).orElseThrow();
        assertEquals("the response cache may not fit in memory: cache-size of shop is 512 MiB, and the master needs"
                + " about 48 MiB besides, but its heap may grow only to 256 MiB; give the JVM more with"
                + " MALT_JAVA_OPTS=-Xmx560m (for the malt services: in /etc/default/malt), or lower cache-size",
                warning);
    }

    @Test
    void anEmperorsAppsAddUp() {
        HeapBudget budget = new HeapBudget(256 * MIB);
        assertEquals(Optional.empty(), budget.reserve(new Object(), "shop", 128 * MIB));
        String warning = budget.reserve(new Object(), "blog", 128 * MIB).orElseThrow();
        assertTrue(warning.contains("cache-size of the apps in this JVM adds up to 256 MiB (blog 128 MiB, shop 128 MiB)"),
                warning);
    }

    @Test
    void aStoppedCacheOrOneMovedToRedisNoLongerCounts() {
        HeapBudget budget = new HeapBudget(256 * MIB);
        Object shop = new Object();
        budget.reserve(shop, "shop", 128 * MIB);
        budget.release(shop);
        assertEquals(Optional.empty(), budget.reserve(new Object(), "blog", 128 * MIB));
    }

    @Test
    void aReconfiguredCacheReplacesItsOldSize() {
        HeapBudget budget = new HeapBudget(256 * MIB);
        Object shop = new Object();
        assertTrue(budget.reserve(shop, "shop", 512 * MIB).isPresent());
        assertEquals(Optional.empty(), budget.reserve(shop, "shop", 64 * MIB));
    }

    @Test
    void anAppRestartingBrieflyCountsTwice() {
        HeapBudget budget = new HeapBudget(256 * MIB);
        Object old = new Object();
        budget.reserve(old, "shop", 128 * MIB);
        assertTrue(budget.reserve(new Object(), "shop", 128 * MIB).isPresent());
        budget.release(old);
        assertEquals(Optional.empty(), budget.reserve(new Object(), "blog", 16 * MIB));
    }
}
