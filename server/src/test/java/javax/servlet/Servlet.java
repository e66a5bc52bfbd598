package javax.servlet;

/** A stand-in for the old Java EE interface, so a test can compile a javax servlet. */
public interface Servlet {

    void service();
}
