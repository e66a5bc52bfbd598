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

    /** The Servlet spec's default for response writers. */
    public static final String DEFAULT_RESPONSE_ENCODING = "ISO-8859-1";
    private static final String CONTENT_TYPE = "Content-Type";
    private static final String CONTENT_LENGTH = "Content-Length";

    private final RequestModel request;
    private final MaltServletContext context;
    private final ResponseOutput output;
    private MaltHttpRequest servletRequest;
    /** While above zero, an include runs: status and headers are the including servlet's (spec 9.3). */
    private int includeDepth;
    /** sendError ran: the container answers with an error page once the servlet returns. */
    private boolean errorPending;
    private String errorMessage;
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
    /** The charset {@code locale-encoding-mapping-list} gives the locale set with setLocale. */
    private String localeEncoding;

    public MaltHttpResponse(RequestModel request, MaltServletContext context, ResponseChannel channel) {
        this.request = request;
        this.context = context;
        this.output = new ResponseOutput(channel, this, request.isHead());
    }

    public ResponseOutput output() {
        return output;
    }

    /** The request this response answers; for relative redirects and URL rewriting. */
    public void setRequest(MaltHttpRequest request) {
        this.servletRequest = request;
    }

    // ---- container side: includes and error pages

    public void beginInclude() {
        includeDepth++;
        output.beginInclude();
    }

    public void endInclude() {
        includeDepth--;
        output.endInclude();
    }

    public boolean isIncluding() {
        return includeDepth > 0;
    }

    public boolean isErrorPending() {
        return errorPending;
    }

    public String errorMessage() {
        return errorMessage;
    }

    /**
     * Clears what the app prepared so an error page can answer: buffer, content type and length, the
     * writer/stream choice; keeps the other headers. Only before commit.
     */
    public void prepareErrorPage(int sc) {
        errorPending = false;
        output.setSuspended(false);
        output.resetBuffer();
        output.attach(null);
        status = sc;
        contentType = null;
        explicitEncoding = null;
        contentLength = -1;
        writer = null;
        stream = null;
        usingStream = false;
    }

    /** Malt's own error page for the pending status, when the app has none. */
    public void sendDefaultErrorPage() throws IOException {
        sendDefaultErrorPageWith(status, errorMessage);
    }

    /** Malt's own error page for {@code sc}; the message is shown escaped, only when the app chose it. */
    public void sendDefaultErrorPageWith(int sc, String message) throws IOException {
        prepareErrorPage(sc);
        if (ResponseChannel.statusForbidsBody(sc)) {
            output.close();
            return;
        }
        writeOwnPage(HtmlPages.error(sc, message));
    }

    /** After a forward, or once the app is done: commit what is there and ignore further output. */
    public void closeOutput() throws IOException {
        output.close();
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
    public void beforeEnd() {
        if (servletRequest == null) {
            return;
        }
        for (RequestSession session : servletRequest.sessionsUsed()) {
            if (session.used() != null) {
                session.manager().saveBeforeResponseEnds(session.used());
            }
        }
    }

    @Override
    public long declaredLength() {
        return contentLength;
    }

    @Override
    public Supplier<Map<String, String>> trailers() {
        return trailerFields;
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
        if (isCommitted() || includeDepth > 0) {
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
        if (name == null || isCommitted() || includeDepth > 0) {
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
        if (name == null || value == null || isCommitted() || includeDepth > 0) {
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
        // a modifiable copy: the app may change it, the response does not see it (the javadoc)
        if (special != null) {
            return new ArrayList<>(List.of(special));
        }
        return name == null ? new ArrayList<>() : new ArrayList<>(headers.getAll(name));
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
        if (cookie == null || isCommitted() || includeDepth > 0) {
            return;
        }
        headers.add("Set-Cookie", SetCookieHeader.format(cookie));
    }

    /** The container's session cookie: replaces an earlier one of the same name, even inside an include. */
    public void setSessionCookie(Cookie cookie) {
        if (output.isCommitted()) {
            return;
        }
        String prefix = cookie.getName() + "=";
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.name(i).equalsIgnoreCase("Set-Cookie") && headers.value(i).startsWith(prefix)) {
                headers.removeAt(i);
            }
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
        if (isCommitted() || includeDepth > 0) {
            return;
        }
        if (type == null) {
            contentType = null;
            if (writer == null) {
                explicitEncoding = null;
            }
            return;
        }
        ParsedType parsed = lastParsedType;
        if (parsed == null || !parsed.type().equals(type)) {
            String charset = ContentTypes.charset(type);
            parsed = new ParsedType(type, sanitize(ContentTypes.withoutCharset(type)),
                    charset == null ? null : sanitize(charset));
            lastParsedType = parsed;
        }
        contentType = parsed.withoutCharset();
        if (parsed.charset() != null && writer == null) {
            explicitEncoding = parsed.charset();
        }
    }

    /** A content type taken apart once: apps set the same one or two values on every response. */
    private record ParsedType(String type, String withoutCharset, String charset) {
    }

    /** The last value parsed, shared by every thread (a racy cache of immutable values). */
    private static volatile ParsedType lastParsedType;

    @Override
    public String getCharacterEncoding() {
        if (explicitEncoding != null) {
            return explicitEncoding;
        }
        if (localeEncoding != null) {
            return localeEncoding;
        }
        String contextDefault = context == null ? null : context.getResponseCharacterEncoding();
        return contextDefault != null ? contextDefault : DEFAULT_RESPONSE_ENCODING;
    }

    @Override
    public void setCharacterEncoding(String encoding) {
        if (isCommitted() || writer != null || includeDepth > 0) {
            return; // the spec: no effect once the writer exists or the response is committed
        }
        explicitEncoding = encoding == null ? null : sanitize(encoding);
        if (encoding == null) {
            localeEncoding = null; // null means back to the default, whatever had set the charset before
        }
    }

    @Override
    public void setContentLength(int length) {
        setContentLengthLong(length);
    }

    @Override
    public void setContentLengthLong(long length) {
        if (isCommitted() || includeDepth > 0) {
            return;
        }
        contentLength = length < 0 ? -1 : length;
    }

    @Override
    public void setLocale(Locale locale) {
        if (isCommitted() || includeDepth > 0 || locale == null) {
            return;
        }
        this.locale = locale;
        if (explicitEncoding == null && writer == null) {
            String mapped = context == null ? null : context.encodingForLocale(locale);
            if (mapped != null) {
                localeEncoding = mapped;
            }
        }
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
            stream = new ResponseOutputStream(output, servletRequest);
        }
        return stream;
    }

    /** Whether the app took the writer or the stream (the default servlet then writes through it). */
    public boolean isUsingWriter() {
        return writer != null;
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
        if (includeDepth > 0) {
            return;
        }
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
        return output.isCommitted() || errorPending;
    }

    /** Clears status, headers, buffer and the writer/stream choice (spec: legal before commit). */
    @Override
    public void reset() {
        if (includeDepth > 0) {
            return; // an included servlet may not touch the including servlet's status and headers
        }
        if (errorPending) {
            throw new IllegalStateException(ServletMessages.resetAfterCommit());
        }
        clearAll();
    }

    /**
     * Before Malt answers an uncaught exception: what the app half-built (headers such as Cache-Control
     * included) must not leak into the error page. Only before commit.
     */
    public void discardForFailure() {
        errorPending = false;
        errorMessage = null;
        output.setSuspended(false);
        clearAll();
    }

    private void clearAll() {
        output.resetBuffer(); // throws if committed
        output.attach(null);  // the old writer is done; a new getWriter() may pick another charset
        status = SC_OK;
        headers.clear();
        contentType = null;
        explicitEncoding = null;
        contentLength = -1;
        locale = null;
        localeEncoding = null;
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

    /**
     * Marks the response for an error page (spec 10.9): output is ignored from now on, the response
     * counts as committed, and once the servlet returns the container answers with the app's error
     * page for {@code sc}, or Malt's own. Ignored inside an include.
     */
    @Override
    public void sendError(int sc, String message) throws IOException {
        if (includeDepth > 0) {
            return;
        }
        if (isCommitted()) {
            throw new IllegalStateException(ServletMessages.sendErrorAfterCommit(sc));
        }
        checkStatus(sc);
        output.resetBuffer();
        status = sc;
        errorMessage = message;
        errorPending = true;
        output.setSuspended(true);
    }

    @Override
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        if (includeDepth > 0) {
            return;
        }
        if (isCommitted()) {
            throw new IllegalStateException(ServletMessages.redirectAfterCommit(location));
        }
        if (location == null) {
            throw new IllegalArgumentException(ServletMessages.redirectLocationNull());
        }
        checkStatus(sc);
        String absolute = RedirectLocations.absolute(location, request,
                servletRequest == null ? request.requestUri() : servletRequest.getRequestURI());
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

    /** Replaces everything the app prepared by Malt's error page; only before commit. */
    public void sendErrorPage(int sc) throws IOException {
        reset();
        status = sc;
        errorMessage = null;
        sendDefaultErrorPage();
    }

    // ---- URL rewriting (sessions) and trailers

    @Override
    public String encodeURL(String url) {
        return servletRequest == null || url == null ? url : SessionUrls.encode(url, servletRequest);
    }

    @Override
    public String encodeRedirectURL(String url) {
        return encodeURL(url);
    }

    @Override
    public void setTrailerFields(Supplier<Map<String, String>> supplier) {
        if (isCommitted()) {
            throw new IllegalStateException(ServletMessages.trailersAfterCommit());
        }
        if (!output.channel().supportsTrailers()) {
            throw new IllegalStateException(ServletMessages.trailersUnsupported(request.protocol()));
        }
        trailerFields = supplier;
    }

    @Override
    public Supplier<Map<String, String>> getTrailerFields() {
        return trailerFields;
    }
}
