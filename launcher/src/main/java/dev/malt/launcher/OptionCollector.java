package dev.malt.launcher;

import dev.malt.server.config.Option;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Stack;

/**
 * Collects config options from the command line in the order given, as {@code name -> value} pairs
 * (value {@code null} for a bare switch). Order matters: list options keep it, and for scalars the
 * last one wins, as in an INI file. Picocli still does the matching, the help and the suggestions.
 */
final class OptionCollector implements CommandLine.IParameterConsumer {

    private final List<Map.Entry<String, String>> collected = new ArrayList<>();

    List<Map.Entry<String, String>> collected() {
        return collected;
    }

    /** The picocli option for one catalogue entry, feeding this collector. */
    CommandLine.Model.OptionSpec optionFor(Option option) {
        List<String> names = new ArrayList<>();
        names.add("--" + option.name());
        for (String alias : option.aliases()) {
            names.add("--" + alias);
        }
        // Picocli formats descriptions with String.format: a literal % (as in %(name)) must be doubled.
        String help = (option.help() + option.defaultValue().map(d -> " (default: " + d + ")").orElse(""))
                .replace("%", "%%");
        return CommandLine.Model.OptionSpec.builder(names.toArray(String[]::new))
                .paramLabel(option.valueLabel())
                .arity(option.takesValue() && !option.valueOptional() ? "1" : "0..1")
                .type(String.class)
                .description(help)
                .parameterConsumer(this)
                .userObject(option)
                .build();
    }

    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
        Option option = (Option) argSpec.userObject();
        String value = null;
        boolean needsValue = option.takesValue() && !option.valueOptional();
        if (!args.isEmpty() && (needsValue || !looksLikeOption(args.peek()))) {
            value = args.pop();
        } else if (needsValue) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(),
                    "--" + option.name() + " needs a value: " + option.valueLabel());
        }
        collected.add(new java.util.AbstractMap.SimpleEntry<>(option.name(), value));
    }

    private static boolean looksLikeOption(String arg) {
        return arg.startsWith("--") || (arg.startsWith("-") && arg.length() == 2);
    }
}
