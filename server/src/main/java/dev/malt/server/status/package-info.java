/**
 * What a master knows of its app and workers at one moment ({@link dev.malt.server.status.MasterStatus}): the
 * answer to {@code malt status}, and what the stats and metrics are rendered from. It depends on no other part of
 * Malt, so {@code master} (which fills it) and {@code metrics} (which renders it) both depend on it and never on
 * each other in that direction: {@code master} uses {@code metrics}, {@code metrics} never uses {@code master}.
 */
package dev.malt.server.status;
