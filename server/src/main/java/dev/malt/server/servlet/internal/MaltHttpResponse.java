package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.ResponseChannel;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One HTTP response as the app builds it. Status and headers stay here until the
 * {@link ResponseOutput} commits; then they go to the {@link ResponseChannel} in one call.
 *
 * <p><b>Character encoding</b>: ISO-8859-1, as the Servlet spec says, unless the app sets one
 * (setCharacterEncoding, a charset in setContentType) or the context has a default response encoding.
 * {@code getWriter()} fixes the encoding, and from then on Content-Type carries it as
 * {@code ;charset=}. {@code setLocale} sets Content-Language only: Malt has no locale-to-charset
 * mapping.
 *
 * <p>The transport owns framing: Content-Length is passed as a number, never as a header, and
 * Transfer-Encoding or Connection headers set by the app are dropped. A Date header is added when the
 * app set none (RFC 9110 wants one from an origin server with a clock).
 */
public final class MaltHttpResponse implements HttpServletResponse, ResponseOutput.Head {

    private static final String CONTENT_TYPE = "Content-Type";
    private static final String CONTENT_LENGTH = "Content-Length";

    private final RequestModel request;
    private final MaltServletContext context;
    private final ResponseOutput output;
    private final HeaderFields headers = new HeaderFields();

    private int status = SC_OK;
    private String contentType;
    private String explicitEncoding;
    private long contentLength = -1;
    private Locale locale;
    private ResponseOutputStream stream;
    private PrintWriter writer;
    private boolean usingStream;
    private Supplier<Map<String, String>> trailerFields;

    public MaltHttpResponse(RequestModel request, MaltServletContext context, ResponseChannel channel) {
        this.request = request;
        this.context = context;
        this.output = new ResponseOutput(channel, this, request.isHead());
    }

    public ResponseOutput output() {
        return output;
    }

    /** Ends the response after the servlet returned normally. */
    public void complete() throws IOException {
        // no writer.flush() here: it would commit with an unknown length. Our PrintWriter holds no
        // chars of its own, and close() encodes what the ResponseWriter still holds.
        output.close();
    }

    // ---- ResponseOutput.Head

    @Override
    public int status() {
        return status;
    }

    @Override
    public long declaredLength() {
        return contentLength;
    }

    @Override
    public List<Map.Entry<String, String>> headersToSend() {
        List<Map.Entry<String, String>> list = new ArrayList<>(headers.size() + 3);
        String type = getContentType();
        if (type != null) {
            list.add(entry(CONTENT_TYPE, type));
        }
        if (locale != null && !headers.contains("Content-Language")) {
            list.add(entry("Content-Language", locale.toLanguageTag()));
        }
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (!name.equalsIgnoreCase("Transfer-Encoding") && !name.equalsIgnoreCase("Connection")) {
                list.add(entry(name, headers.value(i)));
            }
        }
        if (!headers.contains("Date")) {
            list.add(entry("Date", HttpDates.now()));
        }
        return list;
    }

    private static Map.Entry<String, String> entry(String name, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(name, value);
    }

    // ---- status

    @Override
    public void setStatus(int sc) {
        if (isCommitted()) {
            return;
        }
        checkStatus(sc);
        status = sc;
    }

    @Override
    public int getStatus() {
        return status;
    }

    private static void checkStatus(int sc) {
        if (sc < 100 || sc > 999) {
            throw new IllegalArgumentException(ServletMessages.invalidStatus(sc));
        }
    }

    // ---- headers

    @Override
    public void setHeader(String name, String value) {
        if (name == null || isCommitted()) {
            return;
        }
        if (special(name, value)) {
            return;
        }
        if (value == null) {
            headers.remove(name);
        } else {
            headers.set(checkName(name), sanitize(value));
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (name == null || value == null || isCommitted()) {
            return;
        }
        if (!special(name, value)) {
            headers.add(checkName(name), sanitize(value));
        }
    }

    /** Content-Type and Content-Length live in their own fields, so both ways of setting them agree. */
    private boolean special(String name, String value) {
        if (name.equalsIgnoreCase(CONTENT_TYPE)) {
            setContentType(value);
            return true;
        }
        if (name.equalsIgnoreCase(CONTENT_LENGTH)) {
            if (value == null) {
                contentLength = -1;
            } else {
                try {
                    setContentLengthLong(Long.parseLong(value.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(ServletMessages.invalidContentLength(value));
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void setIntHeader(String name, int value) {
        setHeader(name, Integer.toString(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        addHeader(name, Integer.toString(value));
    }

    @Override
    public void setDateHeader(String name, long date) {
        setHeader(name, HttpDates.format(date));
    }

    @Override
    public void addDateHeader(String name, long date) {
        addHeader(name, HttpDates.format(date));
    }

    @Override
    public boolean containsHeader(String name) {
        return getHeader(name) != null;
    }

    @Override
    public String getHeader(String name) {
        if (name == null) {
            return null;
        }
        if (name.equalsIgnoreCase(CONTENT_TYPE)) {
            return getContentType();
        }
        if (name.equalsIgnoreCase(CONTENT_LENGTH)) {
            return contentLength < 0 ? null : Long.toString(contentLength);
        }
        return headers.get(name);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        String special = name != null && (name.equalsIgnoreCase(CONTENT_TYPE) || name.equalsIgnoreCase(CONTENT_LENGTH))
                ? getHeader(name) : null;
        if (special != null) {
            return List.of(special);
        }
        return name == null ? List.of() : List.copyOf(headers.getAll(name));
    }

    @Override
    public Collection<String> getHeaderNames() {
        List<String> names = new ArrayList<>(headers.names());
        if (getContentType() != null) {
            names.add(0, CONTENT_TYPE);
        }
        if (contentLength >= 0) {
            names.add(CONTENT_LENGTH);
        }
        return names;
    }

    /** Header names are tokens (RFC 9110 section 5.1); anything else would corrupt the head. */
    private static String checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException(ServletMessages.invalidHeaderName(name));
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                throw new IllegalArgumentException(ServletMessages.invalidHeaderName(name));
            }
        }
        return name;
    }

    /** CR, LF and other controls would let a value start a new header line: they become spaces. */
    private static String sanitize(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                StringBuilder clean = new StringBuilder(value);
                for (int j = i; j < clean.length(); j++) {
                    char d = clean.charAt(j);
                    if ((d < 0x20 && d != '\t') || d == 0x7F) {
                        clean.setCharAt(j, ' ');
                    }
                }
                return clean.toString();
            }
        }
        return value;
    }

    @Override
    public void addCookie(Cookie cookie) {
        if (cookie == null || isCommitted()) {
            return;
        }
        headers.add("Set-Cookie", SetCookieHeader.format(cookie));
    }

    // ---- content type, encoding, locale, length

    @Override
    public String getContentType() {
        if (contentType == null) {
            return null;
        }
        return explicitEncoding == null ? contentType : contentType + ";charset=" + explicitEncoding;
    }

    @Override
    public void setContentType(String type) {
        if (isCommitted()) {
            return;
        }
        if (type == null) {
            contentType = null;
            if (writer == null) {
                explicitEncoding = null;
            }
            return;
        }
        String charset = ContentTypes.charset(type);
        contentType = sanitize(ContentTypes.withoutCharset(type));
        if (charset != null && writer == null) {
            explicitEncoding = sanitize(charset);
        }
    }

    @Override
    public String getCharacterEncoding() {
        if (explicitEncoding != null) {
            return explicitEncoding;
        }
        String contextDefault = context.getResponseCharacterEncoding();
        return contextDefault != null ? contextDefault : MaltServletContext.DEFAULT_RESPONSE_ENCODING;
    }

    @Override
    public void setCharacterEncoding(String encoding) {
        if (isCommitted() || writer != null) {
            return; // the spec: no effect once the writer exists or the response is committed
        }
        explicitEncoding = encoding == null ? null : sanitize(encoding);
    }

    @Override
    public void setContentLength(int length) {
        setContentLengthLong(length);
    }

    @Override
    public void setContentLengthLong(long length) {
        if (isCommitted()) {
            return;
        }
        contentLength = length < 0 ? -1 : length;
    }

    @Override
    public void setLocale(Locale locale) {
        if (isCommitted()) {
            return;
        }
        this.locale = locale;
    }

    @Override
    public Locale getLocale() {
        return locale != null ? locale : Locale.getDefault();
    }

    // ---- body

    @Override
    public ServletOutputStream getOutputStream() {
        if (writer != null) {
            throw new IllegalStateException(ServletMessages.writerAlreadyUsed());
        }
        usingStream = true;
        if (stream == null) {
            stream = new ResponseOutputStream(output);
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws UnsupportedEncodingException {
        if (usingStream) {
            throw new IllegalStateException(ServletMessages.outputStreamAlreadyUsed());
        }
        if (writer == null) {
            String encoding = getCharacterEncoding();
            Charset charset;
            try {
                charset = Charset.forName(encoding);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new UnsupportedEncodingException(ServletMessages.unsupportedEncoding(encoding));
            }
            explicitEncoding = encoding; // from now on Content-Type says which charset the writer uses
            writer = new PrintWriter(new ResponseWriter(output, charset), false);
        }
        return writer;
    }

    @Override
    public void setBufferSize(int size) {
        output.setBufferSize(size);
    }

    @Override
    public int getBufferSize() {
        return output.bufferSize();
    }

    @Override
    public void flushBuffer() throws IOException {
        output.flush();
    }

    @Override
    public void resetBuffer() {
        output.resetBuffer();
    }

    @Override
    public boolean isCommitted() {
        return output.isCommitted();
    }

    /** Clears status, headers, buffer and the writer/stream choice (spec: legal before commit). */
    @Override
    public void reset() {
        output.resetBuffer(); // throws if committed
        output.attach(null);  // the old writer is done; a new getWriter() may pick another charset
        status = SC_OK;
        headers.clear();
        contentType = null;
        explicitEncoding = null;
        contentLength = -1;
        locale = null;
        writer = null;
        stream = null;
        usingStream = false;
        trailerFields = null;
    }

    // ---- errors and redirects

    @Override
    public void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    @Override
    public void sendError(int sc, String message) throws IOException {
        if (isCommitted()) {
            throw new IllegalStateException(ServletMessages.sendErrorAfterCommit(sc));
        }
        checkStatus(sc);
        output.resetBuffer();
        status = sc;
        contentLength = -1;
        if (HttpStatusReasons.forbidsBody(sc)) {
            contentType = null;
            output.close();
            return;
        }
        writeOwnPage(HtmlPages.error(sc, message));
    }

    @Override
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        if (isCommitted()) {
            throw new IllegalStateException(ServletMessages.redirectAfterCommit(location));
        }
        if (location == null) {
            throw new IllegalArgumentException(ServletMessages.redirectLocationNull());
        }
        checkStatus(sc);
        String absolute = RedirectLocations.absolute(location, request);
        status = sc;
        headers.set("Location", sanitize(absolute));
        if (clearBuffer) {
            output.resetBuffer();
            contentLength = -1;
            writeOwnPage(HtmlPages.redirect(sc, absolute));
        } else {
            output.close();
        }
    }

    /** Writes a page of Malt's own past the app's writer or stream, then closes the response. */
    private void writeOwnPage(byte[] page) throws IOException {
        contentType = HtmlPages.CONTENT_TYPE;
        explicitEncoding = HtmlPages.CHARSET;
        output.write(page, 0, page.length);
        output.close();
    }

    /** Replaces everything the app prepared by an error page; only before commit. */
    public void sendErrorPage(int sc) throws IOException {
        reset();
        sendError(sc);
    }

    // ---- URL rewriting (sessions) and trailers

    @Override
    public String encodeURL(String url) {
        return url; // no sessions, so no jsessionid to add
    }

    @Override
    public String encodeRedirectURL(String url) {
        return url;
    }

    @Override
    public void setTrailerFields(Supplier<Map<String, String>> supplier) {
        if (isCommitted()) {
            throw new IllegalStateException(ServletMessages.trailersAfterCommit());
        }
        trailerFields = supplier; // kept for getTrailerFields; the transports do not send trailers yet
    }

    @Override
    public Supplier<Map<String, String>> getTrailerFields() {
        return trailerFields;
    }
}
