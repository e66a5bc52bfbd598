package dev.malt.server.config;

import java.util.List;

/** Every error text of the config layer, so their tone and advice stay consistent. */
final class Messages {

    private static final String HELP = "'malt --help' lists every option.";

    private Messages() {
    }

    static String unknownOption(String name, String suggestion, boolean commandLine) {
        String dash = commandLine ? "--" : "";
        String text = "unknown option '" + dash + name + "'";
        if (suggestion != null) {
            return text + " — did you mean '" + dash + suggestion + "'? "
                    + (commandLine ? HELP : "Fix or remove the line; " + HELP);
        }
        return text + ". " + (commandLine ? HELP : "Fix or remove the line; " + HELP
                + " A placeholder of your own must be used somewhere as %(" + name + ").");
    }

    static String pythonOption(String name) {
        return "'" + name + "' is a Python option of uWSGI; Malt runs Java apps: set 'servlet' or 'war'.";
    }

    static String badValue(String option, String reason) {
        return "bad value for '" + option + "': " + reason + ".";
    }

    static String badDerivedName(String reason) {
        return "the app is named after its INI file, but " + reason + "; set 'name = ...' or rename the file.";
    }

    static String missingValue(String option, String label) {
        return "'" + option + "' needs a value: write '" + option + " = " + label + "', or remove the line.";
    }

    static String colonSeparator(String line) {
        return "'" + line + "': write 'name = value'; Malt, like uWSGI, separates name and value with '=', not ':'.";
    }

    static String controlCharacter(int character) {
        return String.format("the line holds control character U+%04X; an INI file is text (was it saved by a binary"
                + " tool, or with a stray escape?)", character);
    }

    static String unparsableLine(String line) {
        return "cannot read '" + line + "'; a section line looks like [malt], an option like 'name = value'.";
    }

    static String cannotRead(String path, String reason, String advice) {
        return "cannot read " + path + ": " + reason + ". " + advice;
    }

    static String noSection(String file, String section) {
        if (section == null) {
            return file + " has no [malt] section (nor [uwsgi]); put the options under a [malt] line.";
        }
        return file + " has no [" + section + "] section; check the name after ':'.";
    }

    static String includeLoop(List<String> chain) {
        return "'ini' includes a file that is already being read (" + String.join(" → ", chain)
                + "); remove one of the 'ini' lines.";
    }

    static String unsetEnvironment(String variable) {
        return "environment variable '" + variable + "' is not set; export it before starting Malt, or write the"
                + " value out.";
    }

    static String undefinedPlaceholder(String name) {
        return "%(" + name + ") refers to nothing: no line sets '" + name + "'; add '" + name
                + " = ...' or fix the name.";
    }

    static String placeholderNotYetSet(String name) {
        return "%(" + name + ") in 'ini' must be set above this line, because the file is read right here;"
                + " move the line that sets '" + name + "' up.";
    }

    static String placeholderLoop(List<String> chain) {
        return "placeholders refer to each other in a loop (" + String.join(" → ", chain)
                + "); set one of them to a plain value.";
    }

    static String unterminated(String opener) {
        return "'" + opener + "' is not closed with ')'; write " + opener + "name), or %% for a literal %.";
    }

    static String magicNeedsFile(char variable) {
        return "%" + variable + " refers to the INI file, but there is none; write the path out.";
    }

    static String noSocket(String app) {
        return "app '" + app + "' has no socket to listen on: add 'socket = /run/malt/app/" + app + ".sock'"
                + " (for nginx uwsgi_pass) or 'http-socket = :8080'.";
    }

    static String noApp(String app) {
        return "app '" + app + "' has nothing to run: set 'servlet = com.example.YourServlet' (with 'classpath'),"
                + " 'war = " + app + ".war' or 'mount = /" + app + "=" + app + ".war'.";
    }

    static String deployTargetMissing(String option, String written, java.nio.file.Path resolved) {
        return "'" + option + "' names " + written + ", which does not exist (looked for " + resolved
                + "). Give the path of a .war file or an exploded WAR directory.";
    }

    static String userFileMissing(String option, String written, java.nio.file.Path resolved, boolean directory) {
        String made = option.equals("auth-user-file")
                ? "Make it with 'htpasswd -B -c " + resolved + " USER'."
                : "Write one 'role: user1 user2' line per role.";
        return "'" + option + "' names " + written + ", which " + (directory ? "is a directory" : "does not exist")
                + " (looked for " + resolved + "). " + made;
    }

    static String twoAppsAtRoot(String first, String second) {
        return "both " + first + " and " + second + " would serve the root path '/'. Keep one at the root and"
                + " give the other its own path with 'mount = /PATH=TARGET'.";
    }

    static String mountedTwice(String path) {
        return "two 'mount' entries use the path " + path + "; each context needs its own path.";
    }

    static String staticTargetMissing(String written, java.nio.file.Path resolved) {
        return "'static-map = " + written + "' names " + resolved + ", which does not exist. Create the directory"
                + " (collect the files into it), or fix the path after '='; relative paths start at 'chdir' or the"
                + " INI file's directory.";
    }

    static String staticTargetUnreadable(String written, java.nio.file.Path resolved) {
        return "'static-map = " + written + "': " + resolved + " cannot be read by Malt; let the app's user read"
                + " it (chmod o+rX, or chgrp to the app's group).";
    }

    static String staticTargetNotAFile(String written, java.nio.file.Path resolved) {
        return "'static-map = " + written + "': " + resolved + " is neither a directory nor a regular file; map a"
                + " directory (/static=/srv/app/static) or one file (/favicon.ico=/srv/app/favicon.ico).";
    }

    static String notImplementedYet(String option, String alternative) {
        return "'" + option + "' is not implemented in this version of Malt yet; it would be silently ignored, so"
                + " Malt refuses to start. " + alternative;
    }
}
