package dev.malt.launcher;

import dev.malt.server.control.ControlClient;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code malt top [NAME]}: every app and worker of a running master or emperor, refreshed every second, like
 * uwsgitop. It reads the control socket's {@code stats} (the stats document of each app), so it needs no
 * {@code stats =} option. The screen goes through JLine: the terminal's own capabilities from terminfo, raw keys,
 * and a display that redraws only the lines that changed.
 */
@Command(name = "malt top", mixinStandardHelpOptions = true,
        description = {"show every app and worker live: requests, req/s, latency, memory, respawns, listen queue",
                "keys: i r s a p m sort by id, requests, req/s, avg, p99, memory; q quits"})
final class TopCli implements Callable<Integer> {

    static final String COMMAND = "top";

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME",
            description = "the app's name (under an emperor: only that app; default: every app)")
    String name;

    @Option(names = "--pidfile", paramLabel = "FILE", description = "the app's (or emperor's) pidfile")
    Path pidfile;

    @Option(names = "--ini", paramLabel = "FILE", description = "the app's INI file")
    Path ini;

    @Option(names = "--once", description = "print one plain-text screen (two reads, one interval apart) and exit")
    boolean once;

    @Option(names = {"-d", "--delay"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "seconds between refreshes (default: ${DEFAULT-VALUE})")
    double delay;

    @Option(names = "--sort", paramLabel = "KEY", defaultValue = "i",
            description = "first sort order: i, r, s, a, p or m (default: ${DEFAULT-VALUE})")
    char sortKey;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        TopView.Sort sort = TopView.Sort.forKey(sortKey);
        if (sort == null) {
            err.println("malt top: --sort takes one of i, r, s, a, p, m, not '" + sortKey + "'");
            return 2;
        }
        if (!(delay >= 0.1 && delay <= 3600)) {
            err.println("malt top: --delay is between 0.1 and 3600 seconds, not " + delay);
            return 2;
        }
        ControlCli.Target target = ControlCli.find("top", pidfile, ini, name, err);
        if (target == null) {
            return 1;
        }
        // a master answers for its own app only when asked by name; an emperor filters by the name it is given
        String app = target.entry().isEmperor() ? (name == null ? "" : name) : "";
        long interval = Math.round(delay * 1000);
        Source source = () -> ControlClient.send(target.entry().socket(), "stats", app);
        TopView view = new TopView(interval);
        try {
            if (once) {
                return printOnce(source, view, sort, interval);
            }
            return live(source, view, sort, interval);
        } catch (IOException e) {
            err.println("malt top: cannot reach " + target.entry().name() + " (pid " + target.entry().pid() + ") at "
                    + target.entry().socket() + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("malt top: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** Reads the stats document; an "error: ..." answer becomes an exception with its text. */
    interface Source {
        String read() throws IOException;
    }

    private static void read(Source source, TopView view) throws IOException {
        String answer = source.read();
        if (answer.startsWith("error: ")) {
            throw new IllegalArgumentException(answer.substring(7));
        }
        view.update(answer, System.currentTimeMillis());
    }

    private int printOnce(Source source, TopView view, TopView.Sort sort, long interval)
            throws IOException, InterruptedException {
        read(source, view);
        Thread.sleep(interval); // rates need a second read
        read(source, view);
        PrintWriter out = spec.commandLine().getOut();
        for (TopView.Line line : view.render(sort, false)) {
            out.println(line.text());
        }
        out.flush();
        return 0;
    }

    private int live(Source source, TopView view, TopView.Sort first, long interval)
            throws IOException, InterruptedException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            if (Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
                return plain(terminal, source, view, first, interval);
            }
            AtomicBoolean quit = new AtomicBoolean();
            AtomicBoolean resized = new AtomicBoolean(true);
            terminal.handle(Terminal.Signal.INT, s -> quit.set(true));
            terminal.handle(Terminal.Signal.WINCH, s -> resized.set(true));
            Attributes saved = terminal.enterRawMode();
            terminal.puts(Capability.enter_ca_mode);
            terminal.puts(Capability.cursor_invisible);
            terminal.flush();
            try {
                return screen(terminal, source, view, first, interval, quit, resized);
            } finally {
                terminal.puts(Capability.cursor_visible);
                terminal.puts(Capability.exit_ca_mode);
                terminal.setAttributes(saved);
                terminal.flush();
            }
        }
    }

    /** The full-screen loop: read, draw, wait for a key or the next refresh. */
    private static int screen(Terminal terminal, Source source, TopView view, TopView.Sort first, long interval,
                              AtomicBoolean quit, AtomicBoolean resized) throws IOException {
        Display display = new Display(terminal, true);
        NonBlockingReader keys = terminal.reader();
        TopView.Sort sort = first;
        String problem = null;
        long nextRead = 0;
        while (!quit.get()) {
            long now = System.currentTimeMillis();
            if (now >= nextRead) {
                try {
                    read(source, view);
                    problem = null;
                } catch (IOException | IllegalArgumentException e) {
                    problem = "cannot read the stats: " + e.getMessage(); // the app may be restarting: keep trying
                }
                nextRead = now + interval;
            }
            if (resized.getAndSet(false)) {
                Size size = terminal.getSize();
                display.resize(size.getRows(), size.getColumns());
                display.clear();
            }
            display.update(styled(view.render(sort, true), problem, display.getColumns(), display.getRows()), 0);
            terminal.flush();
            int key = keys.read(Math.max(1, nextRead - System.currentTimeMillis()));
            if (key == NonBlockingReader.EOF || key == 'q' || key == 'Q' || key == 3) {
                return 0;
            }
            TopView.Sort chosen = key >= 0 ? TopView.Sort.forKey(key) : null;
            if (chosen != null) {
                sort = chosen;
            }
        }
        return 0;
    }

    /** For a terminal that cannot address the screen: a plain snapshot each interval, until 'q' or end of input. */
    private static int plain(Terminal terminal, Source source, TopView view, TopView.Sort sort, long interval)
            throws IOException {
        PrintWriter out = terminal.writer();
        NonBlockingReader keys = terminal.reader();
        while (true) {
            read(source, view);
            for (TopView.Line line : view.render(sort, false)) {
                out.println(line.text());
            }
            out.println("(q and Enter: quit)");
            out.println();
            out.flush();
            int key = keys.read(interval);
            if (key == NonBlockingReader.EOF || key == 'q' || key == 'Q') {
                return 0;
            }
        }
    }

    /** The lines, cut to the screen, with the terminal's bold and reverse video for titles and headers. */
    private static List<AttributedString> styled(List<TopView.Line> lines, String problem, int columns, int rows) {
        List<AttributedString> out = new ArrayList<>();
        for (TopView.Line line : lines) {
            AttributedStyle style = switch (line.kind()) {
                case TITLE, APP -> AttributedStyle.BOLD;
                case HEADER -> AttributedStyle.INVERSE;
                default -> AttributedStyle.DEFAULT;
            };
            out.add(new AttributedString(cut(line.text(), columns), style));
        }
        if (problem != null) {
            out.add(1, new AttributedString(cut(problem, columns), AttributedStyle.BOLD));
        }
        if (rows > 0 && out.size() > rows) {
            int hidden = out.size() - rows + 1;
            out = new ArrayList<>(out.subList(0, rows - 1));
            out.add(new AttributedString(cut("... " + hidden + " more lines: make the terminal taller", columns)));
        }
        return out;
    }

    private static String cut(String text, int columns) {
        return columns > 0 && text.length() >= columns ? text.substring(0, columns - 1) : text;
    }
}
