package dev.malt.launcher;

import dev.malt.server.config.AppConfig;
import dev.malt.server.config.ConfigException;
import dev.malt.server.config.ConfigLoader;
import dev.malt.server.config.Option;
import dev.malt.server.emperor.Emperor;
import dev.malt.server.master.Standalone;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code malt} command. Every config option is also a command-line option, built from the
 * option catalogue, so {@code --help} always lists exactly what an INI file may hold.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        OptionCollector collector = new OptionCollector();
        if (args.length > 0 && ControlCli.COMMANDS.contains(args[0])) {
            CommandLine control = new CommandLine(new ControlCli(args[0]));
            control.setCommandName("malt " + args[0]);
            control.getCommandSpec().usageMessage().description(ControlCli.description(args[0]));
            return control.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0 && args[0].equals(CollectStaticCli.COMMAND)) {
            return new CommandLine(new CollectStaticCli()).execute(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0 && args[0].equals("cache")) {
            return new CommandLine(new CacheCli()).execute(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0 && args[0].equals(TopCli.COMMAND)) {
            return new CommandLine(new TopCli()).execute(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        CommandSpec spec = commandSpec(collector);
        CommandLine commandLine = new CommandLine(spec);
        commandLine.setUsageHelpWidth(100);
        CommandLine.ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched && explainUnknown(unmatched, err)) {
                return 2;
            }
            err.println("malt: " + e.getMessage());
            err.println("Run 'malt --help' for every option.");
            return 2;
        }
        if (commandLine.isUsageHelpRequested()) {
            commandLine.usage(commandLine.getOut());
            return 0;
        }
        if (commandLine.isVersionHelpRequested()) {
            commandLine.printVersionHelp(commandLine.getOut());
            return 0;
        }
        List<Map.Entry<String, String>> options = new ArrayList<>(collector.collected());
        List<String> positional = parsed.matchedPositionalValue(0, List.of());
        for (String file : positional) {
            // uwsgi-style shorthand: 'malt shop.ini' is 'malt --ini shop.ini'.
            options.add(0, new java.util.AbstractMap.SimpleEntry<>("ini", file));
        }
        if (options.isEmpty()) {
            commandLine.usage(commandLine.getErr());
            return 2;
        }
        AppConfig config;
        try {
            config = new ConfigLoader().load(null, options);
        } catch (ConfigException e) {
            printProblems(e, commandLine.getErr());
            return 2;
        }
        return config.emperor().isPresent() ? Emperor.run(config) : Standalone.run(config);
    }

    /**
     * Lets the config layer word the error for an unknown --option, so the command line gets the same
     * did-you-mean and the same hints (a Python option of uWSGI, say) as an INI file.
     */
    private static boolean explainUnknown(CommandLine.UnmatchedArgumentException e, PrintWriter err) {
        List<Map.Entry<String, String>> unknown = new ArrayList<>();
        for (String arg : e.getUnmatched()) {
            if (arg.startsWith("--") && arg.length() > 2) {
                String name = arg.substring(2);
                int eq = name.indexOf('=');
                unknown.add(new java.util.AbstractMap.SimpleEntry<>(eq < 0 ? name : name.substring(0, eq),
                        eq < 0 ? null : name.substring(eq + 1)));
            }
        }
        if (unknown.isEmpty()) {
            return false;
        }
        try {
            new ConfigLoader().load(null, unknown);
            return false;
        } catch (ConfigException problems) {
            printProblems(problems, err);
            return true;
        }
    }

    private static void printProblems(ConfigException e, PrintWriter err) {
        err.println("malt: the configuration has " + (e.problems().size() == 1 ? "a problem" : "problems")
                + "; nothing was started:");
        for (ConfigException.Problem problem : e.problems()) {
            err.println("  " + problem);
        }
        err.flush();
    }

    private static CommandSpec commandSpec(OptionCollector collector) {
        CommandSpec spec = CommandSpec.create()
                .name("malt")
                .version("Malt " + version(), "Java " + System.getProperty("java.version") + " ("
                        + System.getProperty("java.vm.name") + ")");
        spec.mixinStandardHelpOptions(true);
        spec.usageMessage()
                .sortOptions(false)
                .description("A uWSGI-style application server for Java servlets and WARs.",
                        "Runs one app from an INI file in the foreground: a master that owns the sockets and a pool "
                                + "of worker JVMs. Every INI option also works as --option value; list options "
                                + "repeat, and for the others the last value wins.")
                .customSynopsis("malt --ini FILE [--option VALUE]...", "malt FILE.ini [--option VALUE]...",
                        "malt --emperor [DIR] [--emperor-tyrant] [--emperor-logdir DIR] [--stats ADDR]",
                        "malt reload|chain-reload|stop|status|reopen-logs [NAME | --ini FILE | --pidfile FILE]",
                        "malt collectstatic --ini FILE --to DIR",
                        "malt cache purge NAME [PREFIX]",
                        "malt top [NAME | --ini FILE | --pidfile FILE] [--once] [--sort i|r|s|a|p|m]",
                        "malt --help | --version");
        spec.addPositional(PositionalParamSpec.builder()
                .paramLabel("FILE.ini")
                .arity("0..1")
                .index("0")
                .type(List.class)
                .auxiliaryTypes(String.class)
                .description("same as --ini FILE.ini")
                .build());
        for (Option.Group group : Option.Group.values()) {
            for (Option option : Option.all()) {
                if (option.group() == group) {
                    spec.addOption(collector.optionFor(option));
                }
            }
        }
        return spec;
    }

    static String version() {
        Properties properties = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }
}
