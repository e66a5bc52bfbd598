package dev.malt.server.servlet.apps;

/** A class an operator might name by mistake. */
public class NotAServlet implements Runnable {

    @Override
    public void run() {
    }
}
