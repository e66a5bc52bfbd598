package dev.malt.server.servlet.apps.core;

import java.io.Serializable;

/** Session values a shared store cannot write: a plain object, and a Serializable one holding such an object. */
public final class Unserializable {

    /** Not Serializable at all. */
    public static final class Plain {
        @Override
        public String toString() {
            return "plain";
        }
    }

    /** Serializable, but its field is not. */
    public static final class Holder implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Object inside = new Plain();

        @Override
        public String toString() {
            return "holder of " + inside;
        }
    }

    private Unserializable() {
    }
}
