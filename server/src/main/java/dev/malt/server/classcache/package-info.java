/**
 * The class cache: what one JVM parsed, linked and profiled, saved once per app in its state directory so that its
 * later workers start from it. On JDK 25 and later it is the JVM's AOT cache (JEP 483, 514, 515); before, an AppCDS
 * dynamic archive. The master decides per worker whether it uses the cache, makes it, or neither (it never writes a
 * file itself); one worker makes it while it serves ({@link dev.malt.server.classcache.Training}) and publishes it
 * under its final name with an atomic rename, so no JVM ever maps a half-written file.
 *
 * <p>This package depends on nothing else of Malt's; {@code master} and {@code worker} use it.
 */
package dev.malt.server.classcache;
