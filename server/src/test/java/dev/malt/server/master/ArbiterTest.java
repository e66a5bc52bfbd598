package dev.malt.server.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.malt.server.control.ControlMessage;
import dev.malt.server.status.MasterStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The master's loop, driven one turn at a time ({@code runOnce(0)}) with fake workers and a clock
 * that moves only when a test moves it. Nothing here sleeps or starts a process.
 */
class ArbiterTest {

    private static final long MERCY = 60_000;
    private static final long MIN_BACKOFF = MasterSettings.DEFAULT_MIN_BACKOFF_MILLIS;

    private final ManualClock clock = new ManualClock();
    private final FakeLauncher launcher = new FakeLauncher();
    private final Map<Long, FakeLink> links = new HashMap<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger arbiterLog = (Logger) LoggerFactory.getLogger(Arbiter.class);
    private Arbiter arbiter;

    @BeforeEach
    void captureLogs() {
        logs.start();
        arbiterLog.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        arbiterLog.detachAppender(logs);
        logs.stop();
    }

    // ---- start ------------------------------------------------------------------------------------

    @Nested
    class Start {

        @Test
        void launchesOneWorkerPerSlotOnTheFirstTurn() throws Exception {
            start(settings().workers(3));

            assertEquals(List.of(1, 2, 3), launcher.slots());
            MasterStatus status = arbiter.status();
            assertEquals(List.of("starting", "starting", "starting"), states(status));
            assertTrue(status.workers().stream().noneMatch(MasterStatus.WorkerStatus::accepting));
        }

        @Test
        void launchesNoMoreWhileTheWorkersAreStarting() throws Exception {
            start(settings().workers(3));
            for (int i = 0; i < 5; i++) {
                clock.advance(1_000);
                turn();
            }

            assertEquals(3, launcher.launched.size());
        }

        @Test
        void sendsTheListenersToAWorkerThatConnects() throws Exception {
            start(settings().workers(1));
            FakeLink link = connect(worker(0));
            turn();

            assertEquals(1, link.listenerSends);
            assertTrue(link.sent.isEmpty(), "nothing but the listeners before READY");
            assertFalse(link.closed);
        }

        @Test
        void readyWorkersAreIdleAndAccepting() throws Exception {
            start(settings().workers(2));
            ready(worker(0));
            ready(worker(1));
            turn();

            MasterStatus status = arbiter.status();
            assertEquals(List.of("idle", "idle"), states(status));
            assertTrue(status.workers().stream().allMatch(MasterStatus.WorkerStatus::accepting));
            assertEquals("running", status.state());
            assertFalse(status.throttled());
        }

        @Test
        void saysHowLongAWorkerTookToBeReadyAndHowMuchCpuItUsed() throws Exception {
            start(settings().workers(2));
            worker(0).cpu = 1_650;
            clock.advance(1_920);
            ready(worker(0));
            ready(worker(1));
            turn();

            assertTrue(infos().contains("worker 1 (pid " + worker(0).pid() + ") of shop ready in 1920 ms (1650 ms of CPU)"),
                    infos().toString());
            assertTrue(infos().contains("worker 2 (pid " + worker(1).pid() + ") of shop ready in 1920 ms"),
                    "CPU time unknown: not shown");
        }

        @Test
        void aReadyWorkerWithRequestsInFlightIsBusy() throws Exception {
            start(settings().workers(1));
            ready(worker(0));
            heartbeat(worker(0), "busy", "3");
            turn();

            assertEquals("busy", statusOf(worker(0)).state());
            assertEquals(3, statusOf(worker(0)).busy());
        }

        @Test
        void closesAControlConnectionFromAnUnknownPid() throws Exception {
            start(settings().workers(1));
            FakeLink stranger = new FakeLink();
            arbiter.post(new MasterEvent.WorkerConnected(4242, stranger));
            turn();

            assertTrue(stranger.closed);
            assertEquals(0, stranger.listenerSends, "listening sockets go to our workers only");
        }
    }

    // ---- respawn ----------------------------------------------------------------------------------

    @Nested
    class Respawn {

        @Test
        void aDeadReadyWorkerIsRespawnedInItsSlotOnTheNextTurn() throws Exception {
            start(settings().workers(2));
            readyAll();
            FakeWorker first = worker(0);

            first.exit(137);
            turn();

            assertEquals(3, launcher.launched.size());
            assertEquals(1, launcher.last().slot);
            MasterStatus status = arbiter.status();
            assertEquals(1, statusOf(launcher.last()).respawnCount());
            assertEquals(0, statusOf(worker(1)).respawnCount());
            assertTrue(status.lastError().contains("killed by signal 9"), status.lastError());
            assertTrue(links.get(first.pid()).closed, "the dead worker's control link is closed");
        }

        @Test
        void aRespawnStormBacksOff() throws Exception {
            start(settings().workers(1));
            ready(worker(0));
            turn();
            for (int death = 1; death <= 4; death++) {
                clock.advance(1_000);
                launcher.last().exit(137);
                turn();
                assertEquals(death + 1, launcher.launched.size(), "death " + death + " is respawned at once");
                ready(launcher.last());
                turn();
            }

            clock.advance(1_000);
            launcher.last().exit(137);
            turn();

            assertEquals(5, launcher.launched.size(), "the fifth death in 10 s is not respawned at once");
            assertTrue(errors().stream().anyMatch(e -> e.contains("5 deaths in 10 s")), errors().toString());
            assertTrue(arbiter.status().throttled(), "a storm that holds back respawns shows as throttled");
            assertLaunchedOnlyAfter(MIN_BACKOFF);
            assertEquals(1, launcher.last().slot);
        }

        @Test
        void deathsSpreadBeyondTheStormWindowAreRespawnedAtOnce() throws Exception {
            start(settings().workers(1));
            ready(worker(0));
            turn();
            for (int death = 1; death <= 8; death++) {
                clock.advance(3_000);
                launcher.last().exit(1);
                turn();
                assertEquals(death + 1, launcher.launched.size(), "death " + death);
                ready(launcher.last());
                turn();
            }
            assertEquals(8, statusOf(launcher.last()).respawnCount());
        }
    }

    // ---- boot failures ----------------------------------------------------------------------------

    @Nested
    class BootFailure {

        @Test
        void isReportedOnceWithItsCauseAndRetriedWithGrowingBackoff() throws Exception {
            start(settings().workers(1));
            bootFails(worker(0), "missing class X");
            turn();

            assertEquals(1, launcher.launched.size());
            assertEquals(1, errorsContaining("missing class X"));
            MasterStatus status = arbiter.status();
            assertTrue(status.throttled());
            assertEquals("throttled", status.state());
            assertTrue(status.lastError().contains("missing class X"), status.lastError());

            assertLaunchedOnlyAfter(1_000);
            bootFails(launcher.last(), "missing class X");
            turn();
            assertLaunchedOnlyAfter(2_000);
            bootFails(launcher.last(), "missing class X");
            turn();
            assertLaunchedOnlyAfter(4_000);

            assertEquals(1, errorsContaining("missing class X"), "the same cause is not reported again");
            assertTrue(logs.list.stream().noneMatch(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().contains("missing class X")));
        }

        @Test
        void theCauseIsReportedEvenWhenTheExitOvertakesItsLastLine() throws Exception {
            start(settings().workers(1));
            FakeWorker worker = worker(0);
            connect(worker);
            turn();
            // The process-exit callback can beat the control connection's last line to the arbiter.
            worker.onConnectionClosed = () -> { };
            worker.exit(3);
            turn();
            assertEquals(0, errorsContaining("failed to start"), "the exit waits for the reason");
            say(worker, ControlMessage.withText(ControlMessage.BOOT_FAILED, "missing class X"));
            arbiter.post(new MasterEvent.ControlClosed(worker.pid()));
            turn();
            assertEquals(1, errorsContaining("failed to start"));
            assertEquals(1, errorsContaining("missing class X"));
        }

        @Test
        void aNewCauseIsReported() throws Exception {
            start(settings().workers(1));
            bootFails(worker(0), "missing class X");
            turn();
            clock.advance(1_000);
            turn();
            bootFails(launcher.last(), "missing class Y");
            turn();

            assertEquals(1, errorsContaining("missing class X"));
            assertEquals(1, errorsContaining("missing class Y"));
            assertTrue(arbiter.status().lastError().contains("missing class Y"));
        }

        @Test
        void theBackoffIsCapped() throws Exception {
            start(settings().workers(1).backoff(1_000, 5_000));
            for (long delay : new long[] {1_000, 2_000, 4_000, 5_000, 5_000}) {
                bootFails(launcher.last(), "missing class X");
                turn();
                assertLaunchedOnlyAfter(delay);
            }
        }

        @Test
        void theLoopDoesNotSpinWhileTheClockStandsStill() throws Exception {
            start(settings().workers(2));
            bootFails(worker(0), "missing class X");
            bootFails(worker(1), "missing class X");
            for (int i = 0; i < 100; i++) {
                turn();
            }

            assertEquals(2, launcher.attempts);
        }

        @Test
        void theSameCauseInEverySlotIsReportedOnce() throws Exception {
            start(settings().workers(4));
            for (FakeWorker worker : List.copyOf(launcher.launched)) {
                bootFails(worker, "missing class X");
            }
            turn();

            assertEquals(1, errorsContaining("missing class X"), errors().toString());
        }

        @Test
        void anExitBeforeReadyWithoutAMessageIsReportedWithTheExitCode() throws Exception {
            start(settings().workers(1));
            worker(0).exit(3);
            turn();

            assertEquals(1, errorsContaining("exit code 3"), errors().toString());
            assertTrue(arbiter.status().throttled());
            assertLaunchedOnlyAfter(1_000);
        }

        @Test
        void aSuccessfulStartClearsTheThrottleAndTheBackoff() throws Exception {
            start(settings().workers(1));
            bootFails(worker(0), "missing class X");
            turn();
            clock.advance(1_000);
            turn();
            ready(launcher.last());
            turn();

            MasterStatus status = arbiter.status();
            assertFalse(status.throttled());
            assertEquals("running", status.state());
            assertEquals("idle", statusOf(launcher.last()).state());

            // It broke again later: reported again, and the backoff starts over at its minimum.
            bootFailsAfterReady(launcher.last());
            bootFails(launcher.last(), "missing class X");
            turn();
            assertEquals(2, errorsContaining("missing class X"));
            assertLaunchedOnlyAfter(1_000);
        }

        @Test
        void aWorkerNotReadyWithinTheBootTimeoutIsKilledOnceAndCountsAsABootFailure() throws Exception {
            start(settings().workers(1));
            FakeWorker slow = worker(0);
            connect(slow);
            clock.advance(MasterSettings.DEFAULT_BOOT_TIMEOUT_MILLIS);
            turn();
            assertEquals(0, slow.kills);

            clock.advance(1);
            turn();
            clock.advance(200);
            turn();
            turn();
            assertEquals(1, slow.kills, "killed once, not on every turn until the exit is seen");
            assertEquals(1, errors().stream().filter(e -> e.contains("not ready after 120 s")).count(), errors().toString());

            ready(slow); // it got there as the SIGKILL was on its way
            slow.exit(137);
            turn();
            assertTrue(arbiter.status().throttled());
            assertTrue(arbiter.status().lastError().contains("not ready after 120 s"), arbiter.status().lastError());
            assertLaunchedOnlyAfter(1_000);
        }

        /** A worker that served, then dies: a plain respawn, so the next one's boot failure is a fresh start. */
        private void bootFailsAfterReady(FakeWorker worker) throws Exception {
            worker.exit(1);
            turn();
        }
    }

    // ---- launcher failures -----------------------------------------------------------------------

    @Nested
    class LauncherFailure {

        @Test
        void aLauncherThatCannotStartAJvmIsReportedAndRetriedWithBackoff() throws Exception {
            launcher.failWith(new IOException("Cannot run program \"/opt/nojava/bin/java\": No such file"));
            start(settings().workers(1));

            assertEquals(1, launcher.attempts);
            assertEquals(1, errorsContaining("/opt/nojava/bin/java"));
            assertTrue(arbiter.status().throttled());
            assertTrue(arbiter.status().lastError().contains("/opt/nojava/bin/java"));
            assertEquals(Arbiter.State.RUNNING, arbiter.state());

            for (int i = 0; i < 10; i++) {
                turn();
            }
            assertEquals(1, launcher.attempts, "no retry while the clock stands still");
            clock.advance(999);
            turn();
            assertEquals(1, launcher.attempts);
            clock.advance(1);
            turn();
            assertEquals(2, launcher.attempts);
            assertEquals(1, errorsContaining("/opt/nojava/bin/java"), "the same failure is reported once");

            launcher.failWith(null);
            clock.advance(1_999);
            turn();
            assertEquals(2, launcher.attempts);
            clock.advance(1);
            turn();
            assertEquals(1, launcher.launched.size());
            ready(launcher.last());
            turn();
            assertFalse(arbiter.status().throttled());
        }
    }

    // ---- graceful reload --------------------------------------------------------------------------

    @Nested
    class GracefulReload {

        @Test
        void launchesEverySuccessorBeforeAnyOldWorkerIsStopped() throws Exception {
            start(settings().workers(2));
            List<FakeWorker> old = readyAll();

            arbiter.post(new MasterEvent.Reload(false, "test"));
            turn();

            assertEquals(List.of(1, 2, 1, 2), launcher.slots());
            assertEquals(0, stopsSentTo(old.get(0)) + stopsSentTo(old.get(1)));
            assertEquals("reloading", arbiter.status().state());
            assertEquals(4, arbiter.status().workers().size());
        }

        @Test
        void stopsEachOldWorkerOnlyWhenItsSuccessorIsReady() throws Exception {
            start(settings().workers(2));
            List<FakeWorker> old = readyAll();
            arbiter.post(new MasterEvent.Reload(false, "test"));
            turn();
            FakeWorker successor1 = worker(2);
            FakeWorker successor2 = worker(3);

            ready(successor1);
            turn();
            assertEquals(1, stopsSentTo(old.get(0)));
            assertEquals(0, stopsSentTo(old.get(1)));
            ControlMessage stop = links.get(old.get(0).pid()).sent.get(0);
            assertEquals(ControlMessage.STOP, stop.verb());
            assertEquals(Long.toString(MERCY), stop.fields().get("mercy"));
            assertEquals("stopping", statusOf(old.get(0)).state());
            assertFalse(statusOf(old.get(0)).accepting());

            ready(successor2);
            turn();
            assertEquals(1, stopsSentTo(old.get(1)));

            old.get(0).exit(0);
            old.get(1).exit(0);
            turn();
            assertEquals(4, launcher.launched.size(), "a stopped worker is not respawned");
            MasterStatus status = arbiter.status();
            assertEquals("running", status.state());
            assertEquals(List.of(successor1.pid(), successor2.pid()),
                    status.workers().stream().map(MasterStatus.WorkerStatus::pid).toList());
            assertTrue(status.workers().stream().allMatch(w -> w.respawnCount() == 0));
            assertEquals(0, old.get(0).kills + old.get(1).kills);
        }

        @Test
        void aSuccessorThatFailsAtBootLeavesTheOldWorkerServingAndIsRetriedWithBackoff() throws Exception {
            start(settings().workers(1));
            FakeWorker old = readyAll().get(0);
            arbiter.post(new MasterEvent.Reload(false, "test"));
            turn();

            bootFails(launcher.last(), "missing class X");
            turn();
            assertEquals(0, stopsSentTo(old));
            assertEquals(0, old.kills);
            assertTrue(statusOf(old).accepting());
            assertEquals(1, errorsContaining("missing class X"));
            assertTrue(arbiter.status().throttled());

            assertLaunchedOnlyAfter(1_000);
            FakeWorker retry = launcher.last();
            assertEquals(1, retry.slot);
            bootFails(retry, "missing class X");
            turn();
            assertLaunchedOnlyAfter(2_000);

            ready(launcher.last());
            turn();
            assertEquals(1, stopsSentTo(old), "the old worker is stopped once a successor is ready");
            assertEquals(0, old.kills);
        }

        @Test
        void aSuccessorTheLauncherCannotStartIsRetriedWithBackoff() throws Exception {
            start(settings().workers(1));
            FakeWorker old = readyAll().get(0);
            launcher.failWith(new IOException("no java"));
            arbiter.post(new MasterEvent.Reload(false, "test"));
            turn();
            assertEquals(2, launcher.attempts);

            launcher.failWith(null);
            assertLaunchedOnlyAfter(1_000);
            ready(launcher.last());
            turn();
            assertEquals(1, stopsSentTo(old));
        }

        @Test
        void aStoppingWorkerIsKilledWhenItOutlivesTheMercy() throws Exception {
            start(settings().workers(1));
            FakeWorker old = readyAll().get(0);
            arbiter.post(new MasterEvent.Reload(false, "test"));
            turn();
            ready(launcher.last());
            turn();
            assertEquals(1, stopsSentTo(old));

            clock.advance(MERCY + 1_000);
            turn();
            assertEquals(0, old.kills, "a worker gets the full mercy, plus a second for its own timer");
            clock.advance(1);
            turn();
            assertEquals(1, old.kills);
            clock.advance(5_000);
            turn();
            assertEquals(1, old.kills, "killed once");

            old.exit(137);
            turn();
            assertEquals(2, launcher.launched.size(), "a worker killed on its way out is not respawned");
        }

        @Test
        void anOldWorkerThatDiesDuringTheReloadLeavesItsSlotToTheSuccessor() throws Exception {
            start(settings().workers(1));
            FakeWorker old = readyAll().get(0);
            arbiter.post(new MasterEvent.Reload(false, "test"));
            turn();
            FakeWorker successor = launcher.last();

            old.exit(137);
            turn();
            assertEquals(2, launcher.launched.size(), "no third process for the slot");

            ready(successor);
            turn();
            assertEquals("running", arbiter.status().state());
            assertEquals(List.of(successor.pid()), pids(arbiter.status()));
        }

        @Test
        void aReloadWhileASuccessorIsStartingReplacesItWithAFreshOne() throws Exception {
            start(settings().workers(1));
            FakeWorker old = readyAll().get(0);
            arbiter.post(new MasterEvent.Reload(false, "first deploy"));
            turn();
            FakeWorker first = launcher.last();
            connect(first);

            arbiter.post(new MasterEvent.Reload(false, "second deploy"));
            turn();
            assertEquals(1, first.kills, "it may have loaded the first deploy; it has nothing in flight");
            assertEquals(3, launcher.launched.size());
            FakeWorker second = launcher.last();
            assertEquals(1, second.slot);
            assertEquals(0, stopsSentTo(old), "the old worker serves on");

            first.exit(137);
            ready(first);
            turn();
            assertEquals(0, stopsSentTo(old), "a READY from a process being killed counts for nothing");
            assertEquals(3, launcher.launched.size(), "nor is its exit a boot failure");
            assertTrue(errors().isEmpty(), errors().toString());

            ready(second);
            turn();
            assertEquals(1, stopsSentTo(old));
            assertEquals(List.of(old.pid(), second.pid()), pids(arbiter.status()));
        }

        @Test
        void aReloadRestartsAWorkerStillStartingWithoutWaitingForIt() throws Exception {
            start(settings().workers(1));
            bootFails(worker(0), "missing class X");
            turn();
            clock.advance(1_000);
            turn();
            FakeWorker broken = launcher.last();
            connect(broken);

            arbiter.post(new MasterEvent.Reload(false, "fixed"));
            turn();
            assertEquals(1, broken.kills);
            assertEquals(3, launcher.launched.size(), "the fixed app starts now, not after the broken one fails");

            broken.exit(137);
            turn();
            ready(launcher.last());
            turn();
            assertEquals(3, launcher.launched.size());
            assertEquals("running", arbiter.status().state());
            assertFalse(arbiter.status().throttled());
        }

        @Test
        void aReloadRetriesAThrottledSlotAtOnce() throws Exception {
            start(settings().workers(1));
            bootFails(worker(0), "missing class X");
            turn();
            assertEquals(1, launcher.launched.size());

            arbiter.post(new MasterEvent.Reload(false, "fixed"));
            turn();
            assertEquals(2, launcher.launched.size(), "an operator's reload does not wait out the backoff");
        }
    }

    // ---- chain reload -----------------------------------------------------------------------------

    @Nested
    class ChainReload {

        @Test
        void replacesOneSlotAtATime() throws Exception {
            start(settings().workers(3));
            List<FakeWorker> old = readyAll();

            arbiter.post(new MasterEvent.Reload(true, "test"));
            turn();
            assertEquals(List.of(1, 2, 3, 1), launcher.slots());
            for (int i = 0; i < 5; i++) {
                clock.advance(1_000);
                turn();
            }
            assertEquals(4, launcher.launched.size(), "slot 2 waits until slot 1's successor is ready");
            assertEquals("reloading", arbiter.status().state());

            ready(launcher.last());
            turn();
            assertEquals(1, stopsSentTo(old.get(0)));
            assertEquals(List.of(1, 2, 3, 1, 2), launcher.slots());
            assertEquals(0, stopsSentTo(old.get(1)));

            ready(launcher.last());
            turn();
            assertEquals(1, stopsSentTo(old.get(1)));
            assertEquals(List.of(1, 2, 3, 1, 2, 3), launcher.slots());

            ready(launcher.last());
            turn();
            assertEquals(1, stopsSentTo(old.get(2)));
            for (FakeWorker w : old) {
                w.exit(0);
            }
            turn();
            assertEquals(6, launcher.launched.size());
            assertEquals("running", arbiter.status().state());
        }

        @Test
        void aSlotStillStartingIsRestartedInItsTurnAndWaitedFor() throws Exception {
            start(settings().workers(3));
            ready(worker(0));
            ready(worker(2));
            connect(worker(1));
            turn();

            arbiter.post(new MasterEvent.Reload(true, "test"));
            turn();
            assertEquals(0, worker(1).kills, "slot 2 waits for its turn");
            ready(launcher.last());
            turn();

            assertEquals(1, worker(1).kills, "started before the reload, nothing in flight: restarted");
            assertEquals(List.of(1, 2, 3, 1, 2), launcher.slots());
            worker(1).exit(137);
            turn();
            assertEquals(5, launcher.launched.size(), "slot 3 waits until slot 2's fresh worker is ready");
            ready(launcher.last());
            turn();
            assertEquals(List.of(1, 2, 3, 1, 2, 3), launcher.slots());
        }

        @Test
        void aSuccessorThatFailsAtBootHoldsTheChainAndIsRetriedWithBackoff() throws Exception {
            start(settings().workers(2));
            List<FakeWorker> old = readyAll();
            arbiter.post(new MasterEvent.Reload(true, "test"));
            turn();

            bootFails(launcher.last(), "missing class X");
            turn();
            assertEquals(3, launcher.launched.size(), "slot 2 keeps its old worker while slot 1 cannot start");
            assertEquals(0, stopsSentTo(old.get(0)) + stopsSentTo(old.get(1)));

            assertLaunchedOnlyAfter(1_000);
            assertEquals(1, launcher.last().slot, "slot 1 is retried");
            ready(launcher.last());
            turn();
            assertEquals(1, stopsSentTo(old.get(0)));
            assertEquals(2, launcher.last().slot, "and the chain goes on");
        }
    }

    // ---- how long a reload took ---------------------------------------------------------------------

    /** The two lines an operator (and bench/run) reads: when a reload begins, and when it is complete. */
    @Nested
    class ReloadDuration {

        @Test
        void aGracefulReloadIsCompleteWhenTheLastSuccessorIsReady() throws Exception {
            start(settings().workers(2));
            readyAll();

            arbiter.post(new MasterEvent.Reload(false, "SIGHUP"));
            turn();
            assertEquals(1, infosContaining("graceful reload of shop (SIGHUP): replacing 2 workers"));
            clock.advance(700);
            ready(worker(3));
            turn();
            assertEquals(0, infosContaining("reload complete"), "one slot still runs the old code");

            clock.advance(550);
            ready(worker(2));
            turn();
            assertEquals(List.of("reload complete: 2 workers replaced in 1250 ms (graceful reload of shop, SIGHUP)"),
                    infosWith("reload complete"));
            turn();
            assertEquals(1, infosContaining("reload complete"), "said once");
        }

        @Test
        void aChainReloadIsCompleteWhenItsLastSlotIsReplaced() throws Exception {
            start(settings().workers(3));
            readyAll();

            arbiter.post(new MasterEvent.Reload(true, "touch-chain-reload"));
            turn();
            assertEquals(1, infosContaining("chain reload of shop (touch-chain-reload): replacing 3 workers"));
            for (int i = 0; i < 3; i++) {
                assertEquals(0, infosContaining("reload complete"));
                clock.advance(1_000);
                ready(launcher.last());
                turn();
            }

            assertEquals(List.of("reload complete: 3 workers replaced in 3000 ms (chain reload of shop, "
                    + "touch-chain-reload)"), infosWith("reload complete"));
        }

        @Test
        void aReloadOfOneWorkerSaysWorker() throws Exception {
            start(settings().workers(1));
            readyAll();

            arbiter.post(new MasterEvent.Reload(false, "malt reload"));
            turn();
            ready(launcher.last());
            turn();

            assertEquals(List.of("reload complete: 1 worker replaced in 0 ms (graceful reload of shop, malt reload)"),
                    infosWith("reload complete"));
        }

        @Test
        void aSuccessorThatFailsAtBootHoldsTheReloadOpenUntilARetryIsReady() throws Exception {
            start(settings().workers(1));
            readyAll();
            arbiter.post(new MasterEvent.Reload(false, "test"));
            turn();

            bootFails(launcher.last(), "missing class X");
            turn();
            assertEquals(0, infosContaining("reload complete"), "the old code still serves");
            assertLaunchedOnlyAfter(1_000);
            ready(launcher.last());
            turn();

            assertEquals(List.of("reload complete: 1 worker replaced in 1000 ms (graceful reload of shop, test)"),
                    infosWith("reload complete"));
        }

        @Test
        void aReloadDuringAReloadSupersedesItAndIsTimedFromItsOwnStart() throws Exception {
            start(settings().workers(1));
            readyAll();
            arbiter.post(new MasterEvent.Reload(false, "first deploy"));
            turn();
            FakeWorker first = launcher.last();
            connect(first);

            clock.advance(400);
            arbiter.post(new MasterEvent.Reload(false, "second deploy"));
            turn();
            assertEquals(1, infosContaining("the graceful reload of shop begun 400 ms ago is superseded"));
            first.exit(137);
            clock.advance(600);
            ready(launcher.last());
            turn();

            assertEquals(List.of("reload complete: 1 worker replaced in 600 ms (graceful reload of shop, second deploy)"),
                    infosWith("reload complete"));
        }

        @Test
        void anOldWorkerThatDiesDuringTheReloadDoesNotEndItEarly() throws Exception {
            start(settings().workers(2));
            List<FakeWorker> old = readyAll();
            arbiter.post(new MasterEvent.Reload(false, "test"));
            turn();

            old.get(0).exit(137);
            turn();
            assertEquals(0, infosContaining("reload complete"));
            ready(worker(2));
            ready(worker(3));
            turn();

            assertEquals(1, infosContaining("reload complete: 2 workers replaced in"));
        }

        @Test
        void aStopInTheMiddleOfAReloadEndsItWithoutCompleting() throws Exception {
            start(settings().workers(1));
            readyAll();
            arbiter.post(new MasterEvent.Reload(false, "test"));
            turn();

            arbiter.post(new MasterEvent.Stop("SIGTERM"));
            turn();
            for (FakeWorker worker : launcher.launched) {
                worker.exit(0);
            }
            turn();

            assertEquals(Arbiter.State.STOPPED, arbiter.state());
            assertEquals(0, infosContaining("reload complete"));
        }

        @Test
        void aRecycledWorkerIsNoReload() throws Exception {
            start(settings().workers(1).maxRequests(10));
            readyAll();
            heartbeat(worker(0), "requests", "10");
            turn();
            ready(launcher.last());
            turn();

            assertEquals(2, launcher.launched.size());
            assertEquals(0, infosContaining("reload"));
        }

        private long infosContaining(String text) {
            return infos().stream().filter(m -> m.contains(text)).count();
        }

        private List<String> infosWith(String text) {
            return infos().stream().filter(m -> m.contains(text)).toList();
        }
    }

    // ---- touch files ------------------------------------------------------------------------------

    @Nested
    class TouchFiles {

        @TempDir
        Path dir;

        @Test
        void touchingATouchReloadFileReloadsAllWorkersOnTheNextTurn() throws Exception {
            Path file = Files.createFile(dir.resolve("shop.ini"));
            start(settings().workers(2).touchReload(file));
            readyAll();

            touch(file);
            turn();

            assertEquals(List.of(1, 2, 1, 2), launcher.slots());
            assertTrue(infos().stream().anyMatch(m -> m.contains("graceful reload") && m.contains("touch-reload")));
        }

        @Test
        void creatingAMissingTouchReloadFileReloads() throws Exception {
            Path file = dir.resolve("reload.trigger");
            start(settings().workers(1).touchReload(file));
            readyAll();
            turn();
            assertEquals(1, launcher.launched.size());

            Files.createFile(file);
            turn();

            assertEquals(2, launcher.launched.size());
        }

        @Test
        void anUntouchedFileDoesNotReload() throws Exception {
            Path file = Files.createFile(dir.resolve("shop.ini"));
            Path chain = Files.createFile(dir.resolve("chain"));
            start(settings().workers(2).touchReload(file).touchChainReload(chain));
            readyAll();
            for (int i = 0; i < 5; i++) {
                clock.advance(1_000);
                turn();
            }

            assertEquals(2, launcher.launched.size());
        }

        @Test
        void deletingATouchFileDoesNotReload() throws Exception {
            Path file = Files.createFile(dir.resolve("shop.ini"));
            start(settings().workers(1).touchReload(file));
            readyAll();

            Files.delete(file);
            turn();

            assertEquals(1, launcher.launched.size());
        }

        @Test
        void touchingATouchChainReloadFileReloadsOneWorkerAtATime() throws Exception {
            Path file = Files.createFile(dir.resolve("chain"));
            start(settings().workers(2).touchChainReload(file));
            readyAll();

            touch(file);
            turn();

            assertEquals(List.of(1, 2, 1), launcher.slots());
            assertTrue(infos().stream().anyMatch(m -> m.contains("chain reload") && m.contains("touch-chain-reload")));
        }

        @Test
        void aTouchTriggersOneReloadOnly() throws Exception {
            Path file = Files.createFile(dir.resolve("shop.ini"));
            start(settings().workers(1).touchReload(file));
            readyAll();
            touch(file);
            turn();
            ready(launcher.last());
            turn();
            for (int i = 0; i < 3; i++) {
                turn();
            }

            assertEquals(2, launcher.launched.size());
        }

        private void touch(Path file) throws IOException {
            FileTime before = Files.getLastModifiedTime(file);
            Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 5_000));
        }
    }

    // ---- harakiri and heartbeats ------------------------------------------------------------------

    @Nested
    class Harakiri {

        @Test
        void aRequestOverTheLimitGetsAThreadDumpThenAKill() throws Exception {
            start(settings().workers(2).harakiri(10_000));
            readyAll();
            FakeWorker stuck = worker(0);

            heartbeat(stuck, "busy", "1", "oldest", "10001", "oldest_uri", "/slow/report");
            turn();
            assertEquals(1, stuck.threadDumps);
            assertEquals(0, stuck.kills, "the dump gets time to reach the log");
            assertTrue(errors().stream().anyMatch(e -> e.contains("HARAKIRI") && e.contains("/slow/report")),
                    errors().toString());
            assertEquals(1, statusOf(stuck).harakiriCount());

            clock.advance(Arbiter.HARAKIRI_DUMP_GRACE_MILLIS - 1);
            turn();
            assertEquals(0, stuck.kills);
            clock.advance(1);
            turn();
            assertEquals(1, stuck.kills);
            for (int i = 0; i < 3; i++) {
                clock.advance(1_000);
                turn();
            }
            assertEquals(1, stuck.threadDumps, "one dump");
            assertEquals(1, stuck.kills, "one kill");
            assertEquals(0, worker(1).threadDumps + worker(1).kills, "the other worker is untouched");

            stuck.exit(137);
            turn();
            FakeWorker respawned = launcher.last();
            assertEquals(1, respawned.slot);
            assertEquals(1, statusOf(respawned).harakiriCount(), "the count belongs to the slot");
            assertEquals(0, statusOf(worker(1)).harakiriCount());
        }

        @Test
        void aRequestAtTheLimitIsLeftAlone() throws Exception {
            start(settings().workers(1).harakiri(10_000));
            readyAll();
            heartbeat(worker(0), "busy", "1", "oldest", "10000", "oldest_uri", "/x");
            turn();

            assertEquals(0, worker(0).threadDumps);
        }

        @Test
        void harakiriOffIgnoresLongRequests() throws Exception {
            start(settings().workers(1));
            readyAll();
            heartbeat(worker(0), "busy", "1", "oldest", "999999999", "oldest_uri", "/x");
            turn();

            assertEquals(0, worker(0).threadDumps);
        }

        @Test
        void aWorkerSilentForTheHeartbeatTimeoutGetsAThreadDumpThenAKill() throws Exception {
            start(settings().workers(1));
            FakeWorker hung = readyAll().get(0);

            clock.advance(MasterSettings.DEFAULT_HEARTBEAT_TIMEOUT_MILLIS);
            turn();
            assertEquals(0, hung.threadDumps);
            clock.advance(1);
            turn();
            assertEquals(1, hung.threadDumps);
            assertEquals(0, hung.kills);
            clock.advance(Arbiter.HARAKIRI_DUMP_GRACE_MILLIS);
            turn();
            turn();
            assertEquals(1, hung.kills);
            assertEquals(1, hung.threadDumps);
            assertEquals(1, statusOf(hung).harakiriCount());
            assertTrue(arbiter.status().lastError().contains("heartbeat"), arbiter.status().lastError());

            hung.exit(137);
            turn();
            assertEquals(2, launcher.launched.size());
        }

        @Test
        void heartbeatsKeepAWorkerAlive() throws Exception {
            start(settings().workers(1));
            FakeWorker worker = readyAll().get(0);
            for (int i = 0; i < 10; i++) {
                clock.advance(20_000);
                heartbeat(worker, "requests", Integer.toString(i));
                turn();
            }

            assertEquals(0, worker.threadDumps + worker.kills);
        }

        @Test
        void worksWithAClockWhoseOriginIsNegative() throws Exception {
            ManualClock negative = new ManualClock(-5_000_000);
            arbiter = new Arbiter(settings().workers(1).harakiri(10_000).build(), launcher, negative);
            turn();
            assertEquals(1, launcher.launched.size(), "a slot with no backoff is filled whatever the clock reads");
            ready(worker(0));
            heartbeat(worker(0), "busy", "1", "oldest", "20000", "oldest_uri", "/x");
            turn();
            negative.advance(Arbiter.HARAKIRI_DUMP_GRACE_MILLIS);
            turn();
            turn();

            assertEquals(1, worker(0).threadDumps);
            assertEquals(1, worker(0).kills);
        }
    }

    // ---- recycling --------------------------------------------------------------------------------

    @Nested
    class Recycling {

        @Test
        void maxRequestsRecyclesThatWorkerAlone() throws Exception {
            start(settings().workers(2).maxRequests(100));
            List<FakeWorker> old = readyAll();

            heartbeat(old.get(0), "requests", "99");
            turn();
            assertEquals(2, launcher.launched.size());

            heartbeat(old.get(0), "requests", "100");
            turn();
            assertEquals(List.of(1, 2, 1), launcher.slots());
            assertEquals(0, stopsSentTo(old.get(0)), "still serving until its successor is ready");

            heartbeat(old.get(0), "requests", "150");
            turn();
            clock.advance(1_000);
            turn();
            assertEquals(3, launcher.launched.size(), "never more than one successor per slot");

            ready(launcher.last());
            turn();
            assertEquals(1, stopsSentTo(old.get(0)));
            assertEquals(0, stopsSentTo(old.get(1)));
            assertEquals(0, statusOf(launcher.last()).requests());
        }

        @Test
        void aWorkerThatAsksToBeReplacedIsRecycledAlone() throws Exception {
            start(settings().workers(2));
            List<FakeWorker> old = readyAll();

            say(old.get(0), ControlMessage.withText(ControlMessage.RECYCLE, "it recorded the app's class cache"));
            turn();
            assertEquals(List.of(1, 2, 1), launcher.slots());
            assertEquals(0, stopsSentTo(old.get(0)), "still serving until its successor is ready");
            say(old.get(0), ControlMessage.withText(ControlMessage.RECYCLE, "again"));
            clock.advance(1_000);
            turn();
            assertEquals(3, launcher.launched.size(), "never more than one successor per slot");

            ready(launcher.last());
            turn();
            assertEquals(1, stopsSentTo(old.get(0)));
            assertEquals(0, stopsSentTo(old.get(1)));
        }

        @Test
        void reloadOnRssRecyclesThatWorkerAlone() throws Exception {
            start(settings().workers(2).reloadOnRss(512L << 20));
            List<FakeWorker> old = readyAll();
            old.get(1).rss = 400L << 20;

            old.get(0).rss = 600L << 20;
            turn();
            assertEquals(List.of(1, 2, 1), launcher.slots());
            for (int i = 0; i < 3; i++) {
                clock.advance(1_000);
                turn();
            }
            assertEquals(3, launcher.launched.size(), "never more than one successor per slot");

            ready(launcher.last());
            turn();
            assertEquals(1, stopsSentTo(old.get(0)));
            assertEquals(0, stopsSentTo(old.get(1)));
        }

        @Test
        void aRecycleSuccessorThatFailsAtBootIsRetriedOnlyAfterBackoff() throws Exception {
            start(settings().workers(1).maxRequests(100));
            FakeWorker old = readyAll().get(0);
            heartbeat(old, "requests", "100");
            turn();
            assertEquals(2, launcher.launched.size());

            bootFails(launcher.last(), "missing class X");
            for (int i = 0; i < 10; i++) {
                heartbeat(old, "requests", Integer.toString(101 + i));
                turn();
            }
            assertEquals(2, launcher.attempts, "no launch per turn while the successor cannot start");
            assertEquals(0, stopsSentTo(old));

            assertLaunchedOnlyAfter(1_000);
            ready(launcher.last());
            turn();
            assertEquals(1, stopsSentTo(old));
        }
    }

    // ---- stop -------------------------------------------------------------------------------------

    @Nested
    class Stop {

        @Test
        void tellsReadyWorkersToStopWithTheMercyAndKillsStartingOnes() throws Exception {
            start(settings().workers(2));
            FakeWorker serving = worker(0);
            FakeWorker starting = worker(1);
            ready(serving);
            connect(starting);
            turn();

            arbiter.post(new MasterEvent.Stop("SIGTERM"));
            turn();

            assertEquals(Arbiter.State.STOPPING, arbiter.state());
            assertEquals(1, stopsSentTo(serving));
            assertEquals(Long.toString(MERCY), links.get(serving.pid()).sent.get(0).fields().get("mercy"));
            assertEquals(0, serving.kills);
            assertEquals(1, starting.kills);
            assertEquals("stopping", arbiter.status().state());
        }

        @Test
        void isStoppedOnceEveryWorkerHasExitedAndRespawnsNothing() throws Exception {
            start(settings().workers(2));
            List<FakeWorker> workers = readyAll();
            arbiter.post(new MasterEvent.Stop("SIGTERM"));
            turn();

            workers.get(0).exit(0);
            turn();
            assertEquals(Arbiter.State.STOPPING, arbiter.state());
            clock.advance(10_000);
            turn();
            assertEquals(2, launcher.launched.size(), "no respawn while stopping");

            workers.get(1).exit(0);
            turn();
            assertEquals(Arbiter.State.STOPPED, arbiter.state());
            assertEquals(2, launcher.launched.size());
        }

        @Test
        void killsStragglersWhenTheMercyRunsOut() throws Exception {
            start(settings().workers(2));
            List<FakeWorker> workers = readyAll();
            arbiter.post(new MasterEvent.Stop("SIGTERM"));
            turn();
            workers.get(0).exit(0);
            turn();

            clock.advance(MERCY + 1_000);
            turn();
            assertEquals(0, workers.get(1).kills, "the worker's own mercy timer gets to run out first");
            clock.advance(1);
            turn();
            assertEquals(1, workers.get(1).kills);
            turn();
            assertEquals(1, workers.get(1).kills);
            assertEquals(0, workers.get(0).kills);

            workers.get(1).exit(137);
            turn();
            assertEquals(Arbiter.State.STOPPED, arbiter.state());
        }

        @Test
        void aReadyWorkerWhoseControlConnectionIsGoneIsKilled() throws Exception {
            start(settings().workers(1));
            FakeWorker worker = readyAll().get(0);
            arbiter.post(new MasterEvent.ControlClosed(worker.pid()));
            arbiter.post(new MasterEvent.Stop("SIGTERM"));
            turn();

            assertEquals(1, worker.kills);
            assertEquals(0, stopsSentTo(worker));
        }

        @Test
        void stopsAtOnceWhenNoWorkerIsRunning() throws Exception {
            start(settings().workers(1));
            bootFails(worker(0), "missing class X");
            turn();

            arbiter.post(new MasterEvent.Stop("SIGTERM"));
            turn();
            turn();

            assertEquals(Arbiter.State.STOPPED, arbiter.state());
            assertEquals(1, launcher.attempts);
        }

        @Test
        void ignoresReloadsWhileStopping() throws Exception {
            start(settings().workers(1));
            readyAll();
            arbiter.post(new MasterEvent.Stop("SIGTERM"));
            turn();
            arbiter.post(new MasterEvent.Reload(false, "late"));
            turn();

            assertEquals(1, launcher.launched.size());
        }

        @Test
        void stopsSuccessorsAndOldWorkersInTheMiddleOfAReload() throws Exception {
            start(settings().workers(1));
            FakeWorker old = readyAll().get(0);
            arbiter.post(new MasterEvent.Reload(false, "test"));
            turn();
            FakeWorker successor = launcher.last();

            arbiter.post(new MasterEvent.Stop("SIGTERM"));
            turn();
            assertEquals(1, stopsSentTo(old));
            assertEquals(1, successor.kills);

            old.exit(0);
            successor.exit(137);
            turn();
            assertEquals(Arbiter.State.STOPPED, arbiter.state());
            assertEquals(2, launcher.launched.size());
            assertEquals(0, errors().size(), "a successor killed by the stop is no boot failure: " + errors());
        }
    }

    // ---- status -----------------------------------------------------------------------------------

    @Nested
    class Status {

        @Test
        void aStatusQueryIsAnsweredOnTheLoopWithASnapshot() throws Exception {
            start(settings().workers(2));
            readyAll();
            worker(0).rss = 50L << 20;
            worker(0).vsz = 900L << 20;
            heartbeat(worker(0), "requests", "42", "exceptions", "2", "tx", "9000", "avg_rt", "1500", "busy", "1");
            heartbeat(worker(1), "requests", "8");
            clock.advance(7_000);

            CompletableFuture<MasterStatus> answer = new CompletableFuture<>();
            arbiter.post(new MasterEvent.StatusQuery(answer));
            assertFalse(answer.isDone(), "answered by the loop, not by the caller's thread");
            turn();
            MasterStatus status = answer.getNow(null);

            assertNotNull(status);
            assertEquals("shop", status.appName());
            assertEquals(ProcessHandle.current().pid(), status.masterPid());
            assertEquals("running", status.state());
            assertEquals(List.of(1, 2), status.workers().stream().map(MasterStatus.WorkerStatus::id).toList());
            MasterStatus.WorkerStatus one = status.workers().get(0);
            assertEquals(worker(0).pid(), one.pid());
            assertEquals("busy", one.state());
            assertTrue(one.accepting());
            assertEquals(42, one.requests());
            assertEquals(2, one.exceptions());
            assertEquals(9000, one.txBytes());
            assertEquals(1500, one.avgRtMicros());
            assertEquals(50L << 20, one.rssBytes());
            assertEquals(900L << 20, one.vszBytes());
            assertEquals(7_000, one.runningMillis());
            assertEquals(50, status.totalRequests());

            heartbeat(worker(0), "requests", "43");
            turn();
            assertEquals(42, status.workers().get(0).requests(), "a snapshot does not change afterwards");
        }

        @Test
        void showsBothProcessesOfASlotDuringAReload() throws Exception {
            start(settings().workers(1));
            FakeWorker old = readyAll().get(0);
            arbiter.post(new MasterEvent.Reload(false, "test"));
            turn();

            MasterStatus status = arbiter.status();
            assertEquals("reloading", status.state());
            assertEquals(List.of(old.pid(), launcher.last().pid()), pids(status));
            assertEquals(List.of("idle", "starting"), states(status));
        }
    }

    // ---- harness ----------------------------------------------------------------------------------

    private void start(Settings settings) throws InterruptedException {
        arbiter = new Arbiter(settings.build(), launcher, clock);
        turn();
    }

    private void turn() throws InterruptedException {
        arbiter.runOnce(0);
    }

    private FakeWorker worker(int index) {
        return launcher.launched.get(index);
    }

    /** Makes every worker launched so far ready, and returns them. */
    private List<FakeWorker> readyAll() throws InterruptedException {
        List<FakeWorker> workers = List.copyOf(launcher.launched);
        for (FakeWorker worker : workers) {
            ready(worker);
        }
        turn();
        return workers;
    }

    private FakeLink connect(FakeWorker worker) {
        FakeLink link = new FakeLink();
        links.put(worker.pid(), link);
        arbiter.post(new MasterEvent.WorkerConnected(worker.pid(), link));
        worker.onConnectionClosed = () -> arbiter.post(new MasterEvent.ControlClosed(worker.pid()));
        return link;
    }

    private void say(FakeWorker worker, ControlMessage message) {
        arbiter.post(new MasterEvent.WorkerSaid(worker.pid(), message));
    }

    private void ready(FakeWorker worker) {
        if (!links.containsKey(worker.pid())) {
            connect(worker);
        }
        say(worker, ControlMessage.of(ControlMessage.READY));
    }

    private void heartbeat(FakeWorker worker, String... keyValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            fields.put(keyValues[i], keyValues[i + 1]);
        }
        say(worker, ControlMessage.withFields(ControlMessage.HEARTBEAT, fields));
    }

    /** The worker connects, says why it cannot load the app, and exits, as a real one does. */
    private void bootFails(FakeWorker worker, String cause) {
        if (!links.containsKey(worker.pid())) {
            connect(worker);
        }
        say(worker, ControlMessage.withText(ControlMessage.BOOT_FAILED, cause));
        worker.exit(1);
    }

    /** With the clock standing still nothing is launched; one ms before {@code delay} neither; at it, one. */
    private void assertLaunchedOnlyAfter(long delay) throws InterruptedException {
        int before = launcher.attempts;
        for (int i = 0; i < 3; i++) {
            turn();
        }
        assertEquals(before, launcher.attempts, "nothing launched while the clock stands still");
        clock.advance(delay - 1);
        turn();
        assertEquals(before, launcher.attempts, "nothing launched before " + delay + " ms");
        clock.advance(1);
        turn();
        assertEquals(before + 1, launcher.attempts, "launched after " + delay + " ms");
    }

    private long stopsSentTo(FakeWorker worker) {
        FakeLink link = links.get(worker.pid());
        return link == null ? 0 : link.stops();
    }

    private MasterStatus.WorkerStatus statusOf(FakeWorker worker) {
        for (MasterStatus.WorkerStatus status : arbiter.status().workers()) {
            if (status.pid() == worker.pid()) {
                return status;
            }
        }
        throw new AssertionError(worker + " is not in the status");
    }

    private static List<String> states(MasterStatus status) {
        return status.workers().stream().map(MasterStatus.WorkerStatus::state).toList();
    }

    private static List<Long> pids(MasterStatus status) {
        return status.workers().stream().map(MasterStatus.WorkerStatus::pid).toList();
    }

    private List<String> errors() {
        return messagesAt(Level.ERROR);
    }

    private List<String> infos() {
        return messagesAt(Level.INFO);
    }

    private List<String> messagesAt(Level level) {
        List<String> messages = new ArrayList<>();
        for (ILoggingEvent event : logs.list) {
            if (event.getLevel() == level) {
                messages.add(event.getFormattedMessage());
            }
        }
        return messages;
    }

    private long errorsContaining(String text) {
        return errors().stream().filter(m -> m.contains(text)).count();
    }

    private static Settings settings() {
        return new Settings();
    }

    /** MasterSettings with test defaults: one worker, every limit off, the production timeouts and backoff. */
    private static final class Settings {
        private int workers = 1;
        private long harakiri;
        private long maxRequests;
        private long reloadOnRss;
        private final List<Path> touchReload = new ArrayList<>();
        private final List<Path> touchChainReload = new ArrayList<>();
        private long minBackoff = MIN_BACKOFF;
        private long maxBackoff = MasterSettings.DEFAULT_MAX_BACKOFF_MILLIS;

        Settings workers(int n) {
            workers = n;
            return this;
        }

        Settings harakiri(long millis) {
            harakiri = millis;
            return this;
        }

        Settings maxRequests(long n) {
            maxRequests = n;
            return this;
        }

        Settings reloadOnRss(long bytes) {
            reloadOnRss = bytes;
            return this;
        }

        Settings touchReload(Path file) {
            touchReload.add(file);
            return this;
        }

        Settings touchChainReload(Path file) {
            touchChainReload.add(file);
            return this;
        }

        Settings backoff(long min, long max) {
            minBackoff = min;
            maxBackoff = max;
            return this;
        }

        MasterSettings build() {
            return new MasterSettings("shop", workers, harakiri, maxRequests, reloadOnRss, MERCY, touchReload,
                    touchChainReload, MasterSettings.DEFAULT_HEARTBEAT_TIMEOUT_MILLIS,
                    MasterSettings.DEFAULT_BOOT_TIMEOUT_MILLIS, minBackoff, maxBackoff);
        }
    }
}
