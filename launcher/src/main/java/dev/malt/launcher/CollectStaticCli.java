package dev.malt.launcher;

import dev.malt.server.config.AppConfig;
import dev.malt.server.config.ConfigException;
import dev.malt.server.config.ConfigLoader;
import dev.malt.server.files.CollectStatic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code malt collectstatic --ini app.ini --to DIR}: copies the app's static files into DIR for nginx or
 * Apache to serve, and prints the lines that make them do so.
 */
@Command(name = "malt collectstatic", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = CollectStaticCli.Version.class,
        description = {"Copy an app's static files (static-map directories, and the static files of its WARs) into"
                + " DIR, laid out by URL path, and print the nginx and Apache lines that serve them.",
                "Re-running replaces changed files and removes those whose source is gone."})
final class CollectStaticCli implements Callable<Integer> {

    static final String COMMAND = "collectstatic";

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Malt " + Main.version()};
        }
    }

    @Option(names = "--ini", required = true, paramLabel = "FILE", description = "the app's INI file")
    Path ini;

    @Option(names = "--to", required = true, paramLabel = "DIR",
            description = "where to copy the files: a new or empty directory, or one a previous run filled")
    Path to;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AppConfig config;
        try {
            config = new ConfigLoader().load(ini);
        } catch (ConfigException e) {
            err.println("malt collectstatic: the configuration has " + (e.problems().size() == 1 ? "a problem" : "problems")
                    + "; nothing was copied:");
            for (ConfigException.Problem problem : e.problems()) {
                err.println("  " + problem);
            }
            return 2;
        }
        if (config.staticMaps().isEmpty() && config.wars().isEmpty() && config.mounts().isEmpty()) {
            err.println("malt collectstatic: app '" + config.appName() + "' has no static-map, war or mount:"
                    + " nothing to collect.");
            return 2;
        }
        CollectStatic collect = new CollectStatic(config, to);
        out.println("Collecting the static files of app '" + config.appName() + "' into " + collect.target());
        CollectStatic.Summary summary;
        try {
            summary = collect.run(line -> {
                out.println("  " + line);
                out.flush();
            });
        } catch (CollectStatic.Refused e) {
            err.println("malt collectstatic: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("malt collectstatic: " + e + "; the directory may be half updated, run it again once fixed");
            return 1;
        }
        for (String note : summary.notes()) {
            out.println("  note: " + note);
        }
        out.println(summary.copied().size() + " copied, " + summary.unchanged() + " unchanged, "
                + summary.removed().size() + " removed.");
        out.println();
        out.println("nginx:");
        out.print(collect.nginx());
        out.println();
        out.println("Apache:");
        out.print(collect.apache());
        out.flush();
        return 0;
    }
}
