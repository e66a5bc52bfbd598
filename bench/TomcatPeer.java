import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The peer for bench/wars: one embedded Tomcat 11 (the servlet container Malt is measured against) serving
 * one WAR at a context path on 127.0.0.1. Launched as a single-file program by bench/wars; not part of Malt.
 *
 *   java -cp TOMCAT_JARS bench/TomcatPeer.java WAR CONTEXT PORT
 */
public class TomcatPeer {
    public static void main(String[] args) throws Exception {
        Path base = Files.createTempDirectory("tomcat-peer-");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(Integer.parseInt(args[2]));
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getHost().setAppBase(base.toString());
        Context context = tomcat.addWebapp(args[1].equals("/") ? "" : args[1], new File(args[0]).getAbsolutePath());
        context.setParentClassLoader(TomcatPeer.class.getClassLoader());
        tomcat.start();
        System.out.println("tomcat-peer started");
        tomcat.getServer().await();
    }
}
