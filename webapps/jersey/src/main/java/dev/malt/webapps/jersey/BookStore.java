package dev.malt.webapps.jersey;

import jakarta.inject.Singleton;
import org.glassfish.jersey.internal.inject.AbstractBinder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** The books, in memory; one per application, injected into the resource. */
public class BookStore {

    private final Map<Long, Book> books = new ConcurrentSkipListMap<>();
    private final AtomicLong ids = new AtomicLong();

    public BookStore() {
        add(new Book(null, "The Mythical Man-Month", "Frederick P. Brooks", 1975));
        add(new Book(null, "Structure and Interpretation of Computer Programs", "Harold Abelson", 1985));
    }

    public Book add(Book book) {
        Book stored = book.withId(ids.incrementAndGet());
        books.put(stored.id(), stored);
        return stored;
    }

    public Optional<Book> find(long id) {
        return Optional.ofNullable(books.get(id));
    }

    public List<Book> all() {
        return new ArrayList<>(books.values());
    }

    public boolean remove(long id) {
        return books.remove(id) != null;
    }

    /** Makes one BookStore injectable. */
    static final class Binder extends AbstractBinder {
        @Override
        protected void configure() {
            bind(new BookStore()).to(BookStore.class).in(Singleton.class);
        }
    }
}
