package dev.malt.webapps.spring;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

import java.util.LinkedHashMap;
import java.util.Map;

/** The catalog, item pages and the session cart (HTML, and JSON at /api/cart). */
@Controller
public class ShopController {

    private final Catalog catalog;

    public ShopController(Catalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/")
    public ResponseEntity<String> home(HttpServletRequest request) {
        StringBuilder body = new StringBuilder("<ul>\n");
        for (Catalog.Item item : catalog.all()) {
            body.append("<li><a href=\"").append(request.getContextPath()).append("/items/").append(item.id()).append("\">")
                    .append(Html.escape(item.name())).append("</a></li>\n");
        }
        body.append("</ul>");
        return Html.page(request.getContextPath(), "Malt Shop", body.toString());
    }

    @GetMapping("/items/{id}")
    public ResponseEntity<String> item(@PathVariable("id") String id, HttpServletRequest request) {
        Catalog.Item item = catalog.find(id);
        String body = "<p class=\"price\">" + String.format("%d.%02d EUR", item.priceCents() / 100, item.priceCents() % 100)
                + "</p>\n<form method=\"post\" action=\"" + request.getContextPath() + "/cart\">"
                + "<input type=\"hidden\" name=\"item\" value=\"" + Html.escape(item.id()) + "\">"
                + "<button>Add to cart</button></form>";
        return Html.page(request.getContextPath(), item.name(), body);
    }

    /** Adds to the session's cart, then redirects (POST-redirect-GET) to the cart page. */
    @PostMapping("/cart")
    public String add(@RequestParam("item") String id, HttpSession session) {
        Catalog.Item item = catalog.find(id);
        if (!item.inStock()) {
            throw new OutOfStockException(item);
        }
        cart(session).add(item.id());
        return "redirect:/cart";
    }

    @GetMapping("/cart")
    public ResponseEntity<String> cart(HttpServletRequest request, HttpSession session) {
        Cart cart = cart(session);
        StringBuilder body = new StringBuilder();
        body.append("<p id=\"count\">").append(cart.count()).append(cart.count() == 1 ? " item" : " items").append("</p>\n<ul>\n");
        for (Map.Entry<String, Integer> line : cart.lines()) {
            body.append("<li>").append(Html.escape(catalog.find(line.getKey()).name())).append(" x ").append(line.getValue())
                    .append("</li>\n");
        }
        body.append("</ul>");
        return Html.page(request.getContextPath(), "Your cart", body.toString());
    }

    /** The same cart as JSON, written by Jackson through Spring's message converters. */
    @GetMapping("/api/cart")
    @ResponseBody
    public Map<String, Object> cartJson(HttpSession session) {
        Cart cart = cart(session);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("items", cart.quantities());
        json.put("count", cart.count());
        json.put("session", session.getId());
        return json;
    }

    private static Cart cart(HttpSession session) {
        Cart cart = (Cart) session.getAttribute(Cart.SESSION_KEY);
        if (cart == null) {
            cart = new Cart();
        }
        // Set again after every change: session stores that copy attributes see the new state.
        session.setAttribute(Cart.SESSION_KEY, cart);
        return cart;
    }
}
