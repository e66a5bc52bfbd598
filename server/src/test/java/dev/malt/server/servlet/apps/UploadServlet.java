package dev.malt.server.servlet.apps;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An upload form's servlet. GET says where uploads go; POST {@code /} lists the parameters and parts
 * and how many files sit in the upload directory meanwhile; {@code /save} keeps the file part
 * {@code file} with {@code Part.write}; {@code /catch} calls getParts() twice and reports what each
 * call gave.
 */
@MultipartConfig(location = "uploads", fileSizeThreshold = 1024, maxFileSize = 64 * 1024, maxRequestSize = 256 * 1024)
public class UploadServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain; charset=UTF-8");
        resp.getWriter().print("uploads=" + uploads());
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        resp.setContentType("text/plain; charset=UTF-8");
        PrintWriter out = resp.getWriter();
        String scenario = req.getPathInfo() == null ? "/" : req.getPathInfo();
        switch (scenario) {
            case "/save" -> {
                Part file = req.getPart("file");
                file.write("saved-" + file.getSubmittedFileName());
                out.print("saved " + file.getSize());
            }
            case "/catch" -> out.print(tryParts(req) + "\n" + tryParts(req));
            default -> {
                for (Map.Entry<String, String[]> parameter : req.getParameterMap().entrySet()) {
                    out.print("param:" + parameter.getKey() + "=" + String.join("|", parameter.getValue()) + "\n");
                }
                for (Part part : req.getParts()) {
                    out.print("part:" + part.getName() + "=" + part.getSubmittedFileName() + "|"
                            + part.getContentType() + "|" + part.getSize() + "\n");
                }
                out.print("filesInUploads=" + countFiles() + "\n");
            }
        }
    }

    /** What getParts() gave: the count, or the exception's type and message. */
    private static String tryParts(HttpServletRequest req) {
        try {
            return "parts=" + req.getParts().size();
        } catch (IllegalStateException | IOException | ServletException e) {
            return e.getClass().getSimpleName() + ":" + e.getMessage();
        }
    }

    private Path uploads() {
        File tempDir = (File) getServletContext().getAttribute(ServletContext.TEMPDIR);
        return tempDir.toPath().resolve("uploads");
    }

    private long countFiles() throws IOException {
        try (Stream<Path> files = Files.list(uploads())) {
            return files.count();
        }
    }
}
