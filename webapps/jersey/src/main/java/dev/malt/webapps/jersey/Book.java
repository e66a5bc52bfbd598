package dev.malt.webapps.jersey;

/** One book, as it travels in JSON. {@code id} is given by the server. */
public record Book(Long id, String title, String author, Integer year) {

    Book withId(long newId) {
        return new Book(newId, title, author, year);
    }
}
