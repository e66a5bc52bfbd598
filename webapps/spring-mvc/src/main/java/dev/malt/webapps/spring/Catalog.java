package dev.malt.webapps.spring;

import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the shop sells; fixed, so that every worker and every test sees the same. */
@Component
public class Catalog {

    /** One product; {@code inStock} false means adding it to a cart fails with 409. */
    public record Item(String id, String name, int priceCents, boolean inStock) {
    }

    private final Map<String, Item> items = new LinkedHashMap<>();

    public Catalog() {
        add(new Item("tea", "Green tea", 450, true));
        add(new Item("mug", "Stoneware mug", 1200, true));
        add(new Item("unicorn", "Unicorn figurine", 9900, false));
    }

    private void add(Item item) {
        items.put(item.id(), item);
    }

    public Collection<Item> all() {
        return items.values();
    }

    /** The item, or {@link UnknownItemException} (a 404 page, from {@link ShopErrors}). */
    public Item find(String id) {
        Item item = items.get(id);
        if (item == null) {
            throw new UnknownItemException(id);
        }
        return item;
    }
}
