package dev.malt.server.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's meters as they travel to its master: Prometheus metric families (the names, types and values that
 * micrometer-registry-prometheus makes of Micrometer's meters) written as compact JSON, one line on the control
 * connection. The master reads them back with its own labels added ({@code app}, {@code worker}).
 *
 * <pre>
 * [{"n":"malt_requests_seconds","t":"h","h":"help","p":[{"l":["status","2xx"],"b":[1.0E-4,...],"c":[3,...],"s":0.1}]},
 *  {"n":"jvm_threads_live_threads","t":"g","h":"help","p":[{"l":[],"v":21.0}]}]
 * </pre>
 *
 * Types: {@code c} counter and {@code g} gauge ({@code v}), {@code h} histogram (finite upper bounds {@code b},
 * one count more in {@code c} for +Inf, not cumulative; sum {@code s}), {@code s} summary (count {@code n}, sum
 * {@code s}, quantile and value pairs {@code q}), {@code i} info (labels only). A value that is not a finite
 * number travels as null and comes back as NaN. Exemplars and created timestamps stay behind.
 */
public final class MetricsWire {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);

    private MetricsWire() {
    }

    /** One line of JSON: no line breaks, whatever the help texts and label values hold. */
    public static String encode(Iterable<MetricSnapshot> snapshots) {
        StringWriter out = new StringWriter(8192);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (MetricSnapshot snapshot : snapshots) {
                String type = type(snapshot);
                if (type == null) {
                    continue; // state sets and unknown types: Micrometer makes none
                }
                g.writeStartObject();
                g.writeStringField("n", snapshot.getMetadata().getName());
                g.writeStringField("t", type);
                if (snapshot.getMetadata().getHelp() != null) {
                    g.writeStringField("h", snapshot.getMetadata().getHelp());
                }
                g.writeArrayFieldStart("p");
                for (var point : snapshot.getDataPoints()) {
                    g.writeStartObject();
                    g.writeArrayFieldStart("l");
                    for (Label label : point.getLabels()) {
                        g.writeString(label.getName());
                        g.writeString(label.getValue());
                    }
                    g.writeEndArray();
                    writeValues(g, point);
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode metrics", e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static String type(MetricSnapshot snapshot) {
        if (snapshot instanceof CounterSnapshot) {
            return "c";
        } else if (snapshot instanceof GaugeSnapshot) {
            return "g";
        } else if (snapshot instanceof HistogramSnapshot h && !h.isGaugeHistogram()) {
            return "h";
        } else if (snapshot instanceof SummarySnapshot) {
            return "s";
        } else if (snapshot instanceof InfoSnapshot) {
            return "i";
        }
        return null;
    }

    private static void writeValues(JsonGenerator g, Object point) throws IOException {
        if (point instanceof CounterSnapshot.CounterDataPointSnapshot c) {
            number(g, "v", c.getValue());
        } else if (point instanceof GaugeSnapshot.GaugeDataPointSnapshot v) {
            number(g, "v", v.getValue());
        } else if (point instanceof HistogramSnapshot.HistogramDataPointSnapshot h) {
            ClassicHistogramBuckets buckets = h.getClassicBuckets();
            g.writeArrayFieldStart("b");
            for (int i = 0; i < buckets.size(); i++) {
                if (buckets.getUpperBound(i) != Double.POSITIVE_INFINITY) {
                    g.writeNumber(buckets.getUpperBound(i));
                }
            }
            g.writeEndArray();
            g.writeArrayFieldStart("c");
            for (int i = 0; i < buckets.size(); i++) {
                g.writeNumber(buckets.getCount(i));
            }
            g.writeEndArray();
            number(g, "s", h.hasSum() ? h.getSum() : Double.NaN);
        } else if (point instanceof SummarySnapshot.SummaryDataPointSnapshot s) {
            g.writeNumberField("n", s.hasCount() ? s.getCount() : 0);
            number(g, "s", s.hasSum() ? s.getSum() : Double.NaN);
            g.writeArrayFieldStart("q");
            for (Quantile q : s.getQuantiles()) {
                g.writeNumber(q.getQuantile());
                g.writeNumber(q.getValue());
            }
            g.writeEndArray();
        }
    }

    private static void number(JsonGenerator g, String field, double value) throws IOException {
        if (Double.isFinite(value)) {
            g.writeNumberField(field, value);
        } else {
            g.writeNullField(field);
        }
    }

    /**
     * The families of a line written by {@link #encode}, each data point with {@code extra} labels added (the
     * master's {@code app} and {@code worker}). A point that already has one of those labels keeps its own.
     *
     * @throws IllegalArgumentException when the line is not such a document
     */
    public static List<MetricSnapshot> decode(String line, Labels extra) {
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a metrics report: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("not a metrics report: the document is not an array of families");
        }
        List<MetricSnapshot> families = new ArrayList<>(root.size());
        for (JsonNode family : root) {
            MetricMetadata metadata = new MetricMetadata(family.path("n").asText(),
                    family.hasNonNull("h") ? family.get("h").asText() : null, null);
            JsonNode points = family.path("p");
            switch (family.path("t").asText()) {
                case "c" -> {
                    List<CounterSnapshot.CounterDataPointSnapshot> list = new ArrayList<>();
                    for (JsonNode p : points) {
                        list.add(new CounterSnapshot.CounterDataPointSnapshot(number(p.get("v")), labels(p, extra),
                                null, 0));
                    }
                    families.add(new CounterSnapshot(metadata, list));
                }
                case "g" -> {
                    List<GaugeSnapshot.GaugeDataPointSnapshot> list = new ArrayList<>();
                    for (JsonNode p : points) {
                        list.add(new GaugeSnapshot.GaugeDataPointSnapshot(number(p.get("v")), labels(p, extra), null));
                    }
                    families.add(new GaugeSnapshot(metadata, list));
                }
                case "h" -> {
                    List<HistogramSnapshot.HistogramDataPointSnapshot> list = new ArrayList<>();
                    for (JsonNode p : points) {
                        list.add(new HistogramSnapshot.HistogramDataPointSnapshot(buckets(p), number(p.get("s")),
                                labels(p, extra), Exemplars.EMPTY, 0));
                    }
                    families.add(new HistogramSnapshot(metadata, list));
                }
                case "s" -> {
                    List<SummarySnapshot.SummaryDataPointSnapshot> list = new ArrayList<>();
                    for (JsonNode p : points) {
                        List<Quantile> quantiles = new ArrayList<>();
                        JsonNode q = p.path("q");
                        for (int i = 0; i + 1 < q.size(); i += 2) {
                            quantiles.add(new Quantile(q.get(i).asDouble(), q.get(i + 1).asDouble()));
                        }
                        list.add(new SummarySnapshot.SummaryDataPointSnapshot(p.path("n").asLong(),
                                number(p.get("s")), Quantiles.of(quantiles), labels(p, extra), Exemplars.EMPTY, 0));
                    }
                    families.add(new SummarySnapshot(metadata, list));
                }
                case "i" -> {
                    List<InfoSnapshot.InfoDataPointSnapshot> list = new ArrayList<>();
                    for (JsonNode p : points) {
                        list.add(new InfoSnapshot.InfoDataPointSnapshot(labels(p, extra)));
                    }
                    families.add(new InfoSnapshot(metadata, list));
                }
                default -> {
                    // a type this master does not know: left out
                }
            }
        }
        return families;
    }

    /**
     * The buckets of the histogram family {@code name} in a line written by {@link #encode}, summed over its data
     * points (all statuses, say); null when the line has no such family or its buckets are not the standard ones.
     */
    public static LatencyHistogram histogram(String line, String name) {
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.isArray()) {
            return null;
        }
        for (JsonNode family : root) {
            if (!name.equals(family.path("n").asText()) || !"h".equals(family.path("t").asText())) {
                continue;
            }
            LatencyHistogram sum = null;
            for (JsonNode p : family.path("p")) {
                ClassicHistogramBuckets buckets = buckets(p);
                double[] bounds = new double[buckets.size()];
                long[] counts = new long[buckets.size()];
                for (int i = 0; i < bounds.length; i++) {
                    bounds[i] = buckets.getUpperBound(i);
                    counts[i] = buckets.getCount(i);
                }
                LatencyHistogram one = new LatencyHistogram(bounds, counts);
                if (sum != null && !java.util.Arrays.equals(sum.bounds(), bounds)) {
                    return null;
                }
                sum = sum == null ? one : sum.plus(one);
            }
            return sum;
        }
        return null;
    }

    private static double number(JsonNode node) {
        return node == null || node.isNull() ? Double.NaN : node.asDouble();
    }

    private static ClassicHistogramBuckets buckets(JsonNode p) {
        JsonNode bounds = p.path("b");
        JsonNode counts = p.path("c");
        if (counts.size() != bounds.size() + 1) {
            throw new IllegalArgumentException("a histogram needs one count per bound, plus one for +Inf");
        }
        double[] upper = new double[counts.size()];
        long[] count = new long[counts.size()];
        for (int i = 0; i < counts.size(); i++) {
            upper[i] = i < bounds.size() ? bounds.get(i).asDouble() : Double.POSITIVE_INFINITY;
            count[i] = counts.get(i).asLong();
        }
        return ClassicHistogramBuckets.of(upper, count);
    }

    private static Labels labels(JsonNode p, Labels extra) {
        JsonNode l = p.path("l");
        List<String> names = new ArrayList<>(l.size() / 2 + extra.size());
        List<String> values = new ArrayList<>(l.size() / 2 + extra.size());
        for (int i = 0; i + 1 < l.size(); i += 2) {
            names.add(l.get(i).asText());
            values.add(l.get(i + 1).asText());
        }
        for (int i = 0; i < extra.size(); i++) {
            if (!names.contains(extra.getName(i))) {
                names.add(extra.getName(i));
                values.add(extra.getValue(i));
            }
        }
        return Labels.of(names, values);
    }
}
