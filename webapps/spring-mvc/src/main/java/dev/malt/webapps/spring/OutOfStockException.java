package dev.malt.webapps.spring;

/** The item exists but cannot be bought now; {@link ShopErrors} turns it into a 409 page. */
public class OutOfStockException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Catalog.Item item;

    public OutOfStockException(Catalog.Item item) {
        super(item.name() + " is out of stock");
        this.item = item;
    }

    public Catalog.Item item() {
        return item;
    }
}
