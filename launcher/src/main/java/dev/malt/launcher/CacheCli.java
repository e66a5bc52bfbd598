package dev.malt.launcher;

import dev.malt.server.cache.PurgeRequest;
import dev.malt.server.control.ControlClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code malt cache purge NAME [PREFIX]}: removes an app's cached responses, all of them or those whose URI starts
 * with PREFIX, through the control socket of the master (or emperor) that owns the cache. With Redis, entries
 * shared by other hosts go too.
 */
@Command(name = "malt cache", mixinStandardHelpOptions = true,
        description = "manage an app's response cache (cache-route, cache-backend)",
        subcommands = CacheCli.Purge.class)
final class CacheCli implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "remove cached responses of an app: all, or those whose URI starts with PREFIX")
    static final class Purge implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME", description = "the app's name")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "PREFIX",
                description = "a URI prefix as clients request it, e.g. /products/")
        String prefix;

        @Option(names = "--pidfile", paramLabel = "FILE", description = "the app's pidfile")
        Path pidfile;

        @Option(names = "--ini", paramLabel = "FILE", description = "the app's INI file")
        Path ini;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String uriPrefix = prefix == null ? "" : prefix;
            try {
                PurgeRequest.checkPrefix(uriPrefix);
            } catch (IllegalArgumentException e) {
                err.println("malt cache purge: " + e.getMessage());
                return 2;
            }
            ControlCli.Target target = ControlCli.find("cache purge", pidfile, ini, name, err);
            if (target == null) {
                return 1;
            }
            String answer;
            try {
                answer = ControlClient.send(target.entry().socket(), PurgeRequest.COMMAND,
                        new PurgeRequest(name, uriPrefix).arguments());
            } catch (IOException e) {
                err.println("malt cache purge: cannot reach " + target.entry().name() + " (pid "
                        + target.entry().pid() + ") at " + target.entry().socket() + ": " + e.getMessage());
                return 1;
            }
            if (answer.startsWith("error: ")) {
                err.println("malt cache purge: " + answer.substring(7));
                return 1;
            }
            out.println(answer);
            return 0;
        }
    }
}
