package dev.malt.server.servlet.apps;

/** A servlet written against javax.servlet (stubbed in the test sources), as an old app would be. */
public class LegacyJavaxServlet implements javax.servlet.Servlet {

    @Override
    public void service() {
    }
}
