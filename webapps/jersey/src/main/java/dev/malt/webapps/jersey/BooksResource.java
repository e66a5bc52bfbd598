package dev.malt.webapps.jersey;

import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.util.List;

/** {@code /api/books}: list, read, create and delete books as JSON. */
@Path("books")
@Produces(MediaType.APPLICATION_JSON)
public class BooksResource {

    private final BookStore store;

    @Inject
    public BooksResource(BookStore store) {
        this.store = store;
    }

    @GET
    public List<Book> list(@QueryParam("author") String author) {
        if (author == null) {
            return store.all();
        }
        return store.all().stream().filter(b -> b.author() != null && b.author().contains(author)).toList();
    }

    @GET
    @Path("{id: [0-9]+}")
    public Book get(@PathParam("id") long id) {
        return store.find(id).orElseThrow(() -> notFound(id));
    }

    /** 201 Created, with the new book's absolute URI in Location and the stored book as the body. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(Book book, @Context UriInfo uri) {
        if (book == null || book.title() == null || book.title().isBlank()) {
            throw new BadRequestException(error(Response.Status.BAD_REQUEST, "a book needs a title"));
        }
        Book stored = store.add(book);
        URI location = uri.getAbsolutePathBuilder().path(String.valueOf(stored.id())).build();
        return Response.created(location).entity(stored).build();
    }

    @DELETE
    @Path("{id: [0-9]+}")
    public Response delete(@PathParam("id") long id) {
        if (!store.remove(id)) {
            throw notFound(id);
        }
        return Response.noContent().build();
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException(error(Response.Status.NOT_FOUND, "no book with id " + id));
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorMessage(status.getStatusCode(), message)).build();
    }
}
