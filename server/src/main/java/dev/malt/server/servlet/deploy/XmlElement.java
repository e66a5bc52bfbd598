package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deployment descriptor as a small tree with line numbers, read with the JDK's StAX parser, hardened:
 * no DTD processing (an old descriptor's DOCTYPE is read, but nothing is fetched and no entity is
 * expanded), no external entities. Only elements in the root element's namespace are kept, so vendor
 * extensions in other namespaces are skipped. Text is trimmed, as the spec asks.
 *
 * @param name       the local name
 * @param attributes the attributes without namespace, by local name
 * @param children   child elements in document order
 * @param text       the element's own text, trimmed
 * @param line       where the element starts
 */
record XmlElement(String name, Map<String, String> attributes, List<XmlElement> children, String text, int line) {

    /** A parsed document: its root, namespace and the public id of its DOCTYPE, if any. */
    record Document(XmlElement root, String namespace, String doctypePublicId) {
    }

    private static final Pattern PUBLIC_ID = Pattern.compile("PUBLIC\\s+[\"']([^\"']*)[\"']");

    List<XmlElement> children(String childName) {
        List<XmlElement> found = new ArrayList<>();
        for (XmlElement child : children) {
            if (child.name.equals(childName)) {
                found.add(child);
            }
        }
        return found;
    }

    /** The first child of that name, or {@code null}. */
    XmlElement child(String childName) {
        for (XmlElement child : children) {
            if (child.name.equals(childName)) {
                return child;
            }
        }
        return null;
    }

    /** The text of the first child of that name, or {@code null} when there is none. */
    String childText(String childName) {
        XmlElement child = child(childName);
        return child == null ? null : child.text;
    }

    /** The texts of every child of that name. */
    List<String> childTexts(String childName) {
        List<String> texts = new ArrayList<>();
        for (XmlElement child : children(childName)) {
            texts.add(child.text);
        }
        return texts;
    }

    /**
     * Parses a descriptor.
     *
     * @param source how the operator knows the file, for messages
     */
    static Document parse(byte[] content, String source) throws AppLoadException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        trySet(factory, XMLConstants.ACCESS_EXTERNAL_DTD, "");
        trySet(factory, XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        XMLStreamReader reader = null;
        try {
            reader = factory.createXMLStreamReader(new ByteArrayInputStream(content));
            return read(reader);
        } catch (XMLStreamException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNumber();
            throw new AppLoadException(DeployMessages.malformedXml(source, line, cleanMessage(e)), e);
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException e) {
                    // nothing held open: the input is a byte array
                }
            }
        }
    }

    private static Document read(XMLStreamReader reader) throws XMLStreamException {
        String publicId = null;
        String namespace = null;
        Deque<Builder> open = new ArrayDeque<>();
        XmlElement root = null;
        int skipping = 0; // depth inside an element of another namespace
        while (reader.hasNext()) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.DTD -> {
                    Matcher matcher = PUBLIC_ID.matcher(reader.getText());
                    if (matcher.find()) {
                        publicId = matcher.group(1);
                    }
                }
                case XMLStreamConstants.START_ELEMENT -> {
                    String elementNamespace = reader.getNamespaceURI() == null ? "" : reader.getNamespaceURI();
                    if (open.isEmpty() && root == null && skipping == 0) {
                        namespace = elementNamespace;
                    }
                    if (skipping > 0 || !elementNamespace.equals(namespace)) {
                        skipping++;
                        continue;
                    }
                    Map<String, String> attributes = new LinkedHashMap<>();
                    for (int i = 0; i < reader.getAttributeCount(); i++) {
                        String attributeNamespace = reader.getAttributeNamespace(i);
                        if (attributeNamespace == null || attributeNamespace.isEmpty()) {
                            attributes.put(reader.getAttributeLocalName(i), reader.getAttributeValue(i).trim());
                        }
                    }
                    open.push(new Builder(reader.getLocalName(), attributes, reader.getLocation().getLineNumber()));
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (skipping == 0 && !open.isEmpty()) {
                        open.peek().text.append(reader.getText());
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    if (skipping > 0) {
                        skipping--;
                        continue;
                    }
                    Builder done = open.pop();
                    XmlElement element = new XmlElement(done.name, Map.copyOf(done.attributes),
                            List.copyOf(done.children), done.text.toString().strip(), done.line);
                    if (open.isEmpty()) {
                        root = element;
                    } else {
                        open.peek().children.add(element);
                    }
                }
                default -> {
                    // comments, processing instructions
                }
            }
        }
        return new Document(root, namespace, publicId);
    }

    private static void trySet(XMLInputFactory factory, String property, Object value) {
        try {
            factory.setProperty(property, value);
        } catch (IllegalArgumentException e) {
            // a StAX implementation without it: SUPPORT_DTD=false already keeps external content out
        }
    }

    /** The JDK prefixes "ParseError at [row,col]:[3,29]\nMessage: ", which the caller already says. */
    private static String cleanMessage(XMLStreamException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        int index = message.indexOf("Message: ");
        return (index >= 0 ? message.substring(index + "Message: ".length()) : message).strip();
    }

    private static final class Builder {
        final String name;
        final Map<String, String> attributes;
        final int line;
        final List<XmlElement> children = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        Builder(String name, Map<String, String> attributes, int line) {
            this.name = name;
            this.attributes = attributes;
            this.line = line;
        }
    }
}
