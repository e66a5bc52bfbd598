package dev.malt.webapps.jersey;

import jakarta.ws.rs.ApplicationPath;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The whole deployment: Jersey's ServletContainerInitializer (in jersey-container-servlet) sees this
 * {@code @ApplicationPath} subclass and registers a Jersey servlet on {@code /api/*}. There is no web.xml.
 */
@ApplicationPath("/api")
public class LibraryApplication extends ResourceConfig {

    public LibraryApplication() {
        register(BooksResource.class);
        register(JacksonFeature.class);
        register(new BookStore.Binder());
    }
}
