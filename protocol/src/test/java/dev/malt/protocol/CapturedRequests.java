package dev.malt.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real nginx and Apache uwsgi packets in {@code uwsgi/captured-requests.jsonl}; the server's fuzz tests use them too. */
public final class CapturedRequests {

    public record Captured(int id, String source, int modifier1, int dataSize, int modifier2,
                    List<Map.Entry<String, String>> vars, byte[] body) {

        /** The packet exactly as the frontend wrote it: header, vars block, body. */
        public byte[] packet() {
            byte[] packet = new byte[4 + dataSize + body.length];
            packet[0] = (byte) modifier1;
            packet[1] = (byte) dataSize;
            packet[2] = (byte) (dataSize >>> 8);
            packet[3] = (byte) modifier2;
            int pos = 4;
            for (Map.Entry<String, String> var : vars) {
                pos = put(packet, pos, var.getKey().getBytes(StandardCharsets.ISO_8859_1));
                pos = put(packet, pos, var.getValue().getBytes(StandardCharsets.ISO_8859_1));
            }
            if (pos != 4 + dataSize) {
                throw new IllegalStateException("fixture " + id + ": vars encode to " + (pos - 4)
                        + " bytes, datasize says " + dataSize);
            }
            System.arraycopy(body, 0, packet, pos, body.length);
            return packet;
        }

        @Override
        public String toString() {
            return "#" + id + " " + source;
        }

        private static int put(byte[] packet, int pos, byte[] bytes) {
            packet[pos] = (byte) bytes.length;
            packet[pos + 1] = (byte) (bytes.length >>> 8);
            System.arraycopy(bytes, 0, packet, pos + 2, bytes.length);
            return pos + 2 + bytes.length;
        }
    }

    private CapturedRequests() {
    }

    public static List<Captured> load() {
        ObjectMapper mapper = new ObjectMapper();
        List<Captured> all = new ArrayList<>();
        try (InputStream in = CapturedRequests.class.getResourceAsStream("/uwsgi/captured-requests.jsonl")) {
            if (in == null) {
                throw new IllegalStateException("uwsgi/captured-requests.jsonl is missing from the test resources");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = mapper.readTree(line);
                List<Map.Entry<String, String>> vars = new ArrayList<>();
                for (JsonNode pair : node.get("vars")) {
                    vars.add(Map.entry(pair.get(0).asText(), pair.get(1).asText()));
                }
                JsonNode body = node.get("body_latin1");
                all.add(new Captured(node.get("id").asInt(), node.get("source").asText(),
                        node.get("modifier1").asInt(), node.get("datasize").asInt(), node.get("modifier2").asInt(),
                        vars, body == null || body.isNull() ? new byte[0]
                                : body.asText().getBytes(StandardCharsets.ISO_8859_1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }
}
