package dev.malt.webapps.spring;

/** No such item in the catalog; {@link ShopErrors} turns it into a 404 page. */
public class UnknownItemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String id;

    public UnknownItemException(String id) {
        super("no item " + id);
        this.id = id;
    }

    public String id() {
        return id;
    }
}
