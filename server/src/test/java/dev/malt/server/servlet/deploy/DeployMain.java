package dev.malt.server.servlet.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** A worker JVM's deploy, for the test that starts several at once: prints what it got. */
public final class DeployMain {

    private DeployMain() {
    }

    public static void main(String[] args) throws Exception {
        try (DeployedApp app = new WebAppDeployer(WebAppDeployer.Limits.DEFAULTS)
                .deploy("shop", "", Path.of(args[0]), Path.of(args[1]))) {
            Path index = app.root().resolve("index.html");
            System.out.println(app.root() + " " + Files.readAttributes(index, BasicFileAttributes.class).fileKey()
                    + " " + Files.readString(index) + " " + app.tempDir());
        }
    }
}
