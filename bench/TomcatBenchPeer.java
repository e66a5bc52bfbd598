import dev.malt.samples.EchoServlet;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Tomcat side of bench/run: one embedded Tomcat (10.1, fetched by bench/run) serving the servlet that Malt
 * serves there, dev.malt.samples.EchoServlet at /* (GET: hello; POST: echo), on 127.0.0.1:PORT over HTTP/1.1.
 * Tomcat's defaults apart from the address and port. Launched as a single-file program; not part of Malt.
 *
 *   java -cp TOMCAT_JARS:samples/target/malt-samples.jar bench/TomcatBenchPeer.java PORT
 */
public class TomcatBenchPeer {
    public static void main(String[] args) throws Exception {
        Path base = Files.createTempDirectory("tomcat-bench-");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(Integer.parseInt(args[0]));
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "bench", new EchoServlet()).addMapping("/*");
        tomcat.start();
        System.out.println("tomcat-bench-peer started on 127.0.0.1:" + args[0]);
        tomcat.getServer().await();
    }
}
