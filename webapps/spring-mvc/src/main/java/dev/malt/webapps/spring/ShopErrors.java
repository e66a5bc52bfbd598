package dev.malt.webapps.spring;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/** Turns the shop's exceptions into pages with their own status codes. */
@ControllerAdvice
public class ShopErrors {

    @ExceptionHandler(UnknownItemException.class)
    public ResponseEntity<String> unknownItem(UnknownItemException e, HttpServletRequest request) {
        return Html.page(HttpStatus.NOT_FOUND, request.getContextPath(), "No such item",
                "<p class=\"error\">We do not sell \"" + Html.escape(e.id()) + "\".</p>");
    }

    @ExceptionHandler(OutOfStockException.class)
    public ResponseEntity<String> outOfStock(OutOfStockException e, HttpServletRequest request) {
        return Html.page(HttpStatus.CONFLICT, request.getContextPath(), "Out of stock",
                "<p class=\"error\">Sorry, " + Html.escape(e.item().name()) + " is out of stock.</p>");
    }
}
