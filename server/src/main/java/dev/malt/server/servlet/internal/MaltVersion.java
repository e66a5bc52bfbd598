package dev.malt.server.servlet.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Malt's version, from the jar manifest or the Maven metadata packed into the jar. */
public final class MaltVersion {

    private static final String VERSION = lookup();

    private MaltVersion() {
    }

    public static String version() {
        return VERSION;
    }

    private static String lookup() {
        String version = MaltVersion.class.getPackage().getImplementationVersion();
        if (version != null) {
            return version;
        }
        try (InputStream in = MaltVersion.class.getResourceAsStream(
                "/META-INF/maven/dev.malt/malt-server/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "dev");
            }
        } catch (IOException e) {
            // fall through: a missing version must not stop the server
        }
        return "dev"; // running from classes/, as in the build's own tests
    }
}
