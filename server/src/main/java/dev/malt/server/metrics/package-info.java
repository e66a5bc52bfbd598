/**
 * Stats: {@link dev.malt.server.metrics.StatsServer} answers {@code stats = ADDR} connections with uWSGI's stats
 * document, rendered by {@link dev.malt.server.metrics.StatsJson} from a {@link dev.malt.server.metrics.StatsSnapshot}.
 */
package dev.malt.server.metrics;
