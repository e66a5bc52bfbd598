package dev.malt.launcher;

import dev.malt.server.control.ControlClient;
import dev.malt.server.control.ControlRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code malt reload|chain-reload|stop|status|reopen-logs}: finds the running master (or emperor) and
 * talks to its control socket. Signals alone would not do: the JVM reserves some of them.
 */
@Command(mixinStandardHelpOptions = true)
final class ControlCli implements Callable<Integer> {

    static final List<String> COMMANDS = List.of("reload", "chain-reload", "stop", "status", "reopen-logs");

    private final String command;

    @Option(names = "--pidfile", paramLabel = "FILE", description = "the app's pidfile")
    Path pidfile;

    @Option(names = "--ini", paramLabel = "FILE", description = "the app's INI file")
    Path ini;

    @Option(names = "--json", description = "status: print the raw JSON")
    boolean json;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "the app's name")
    String name;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    ControlCli(String command) {
        this.command = command;
    }

    static String description(String command) {
        return switch (command) {
            case "reload" -> "gracefully reload an app's workers (new ones first, then the old ones finish)";
            case "chain-reload" -> "reload an app's workers one at a time";
            case "stop" -> "stop an app gracefully (in-flight requests finish)";
            case "status" -> "show running apps, their workers and counters";
            default -> "reopen log files (after logrotate moved them)";
        };
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Target found = find(command, pidfile, ini, name, err);
        if (found == null) {
            return 1;
        }
        ControlRegistry.Entry target = found.entry();
        String app = found.app();
        String answer;
        try {
            answer = ControlClient.send(target.socket(), command, app);
        } catch (IOException e) {
            err.println("malt " + command + ": cannot reach " + target.name() + " (pid " + target.pid() + ") at "
                    + target.socket() + ": " + e.getMessage());
            return 1;
        }
        if (answer.startsWith("error: ")) {
            err.println("malt " + command + ": " + answer.substring(7));
            return 1;
        }
        out.println("status".equals(command) && !json ? StatusTable.render(answer) : answer);
        return 0;
    }

    /**
     * The running process to talk to, and the app name to send it (for an emperor); null after printing why
     * there is none.
     */
    record Target(ControlRegistry.Entry entry, String app) {
    }

    static Target find(String command, Path pidfile, Path ini, String name, PrintWriter err) {
        ControlRegistry registry = ControlRegistry.standard();
        List<ControlRegistry.Entry> live = registry.live();
        ControlRegistry.Entry target;
        String app = "";
        try {
            if (pidfile != null) {
                long pid = Long.parseLong(Files.readString(pidfile).trim());
                target = live.stream().filter(e -> e.pid() == pid).findFirst().orElseThrow(() ->
                        new IllegalArgumentException("no running Malt with pid " + pid + " (from " + pidfile + ")"));
            } else if (ini != null) {
                String real = realPath(ini);
                target = live.stream().filter(e -> e.ini().equals(real)).findFirst().orElseThrow(() ->
                        new IllegalArgumentException("no running Malt was started with " + real));
            } else if (name != null) {
                target = live.stream().filter(e -> !e.isEmperor() && e.name().equals(name)).findFirst()
                        .or(() -> live.stream().filter(ControlRegistry.Entry::isEmperor).findFirst())
                        .orElseThrow(() -> new IllegalArgumentException("no running app named '" + name + "'"));
                app = target.isEmperor() ? name : "";
            } else if (live.size() == 1) {
                target = live.get(0);
            } else if (live.isEmpty()) {
                throw new IllegalArgumentException("no running Malt found (looked in " + registry.dir() + ")");
            } else {
                throw new IllegalArgumentException("several Malt processes run; name one with NAME, --ini or "
                        + "--pidfile: " + live.stream().map(e -> e.name() + " (pid " + e.pid() + ")")
                        .collect(Collectors.joining(", ")));
            }
        } catch (IOException | NumberFormatException e) {
            err.println("malt " + command + ": cannot read pidfile " + pidfile + ": " + e.getMessage());
            return null;
        } catch (IllegalArgumentException e) {
            err.println("malt " + command + ": " + e.getMessage());
            return null;
        }
        return new Target(target, app);
    }

    private static String realPath(Path file) {
        try {
            return file.toRealPath().toString();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize().toString();
        }
    }
}
