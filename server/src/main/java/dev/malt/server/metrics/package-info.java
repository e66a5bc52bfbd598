/**
 * What an operator watches. Stats: {@link dev.malt.server.metrics.StatsServer} answers {@code stats = ADDR}
 * connections with uWSGI's stats document, rendered by {@link dev.malt.server.metrics.StatsJson} from a
 * {@link dev.malt.server.metrics.StatsSnapshot}. Metrics: each worker keeps {@link dev.malt.server.metrics.WorkerMeters}
 * and reports them to its master over the control connection ({@link dev.malt.server.metrics.MetricsWire}); the
 * master keeps the latest reports in {@link dev.malt.server.metrics.AppMetrics}, and
 * {@link dev.malt.server.metrics.MetricsEndpoint} serves them for Prometheus ({@code metrics = ADDR}).
 *
 * <p>This package depends on {@code status} (what it renders) and never on {@code master}, which uses it.
 */
package dev.malt.server.metrics;
