package dev.malt.protocol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.Arrays;
import java.util.List;

/**
 * Fuzz inputs for jqwik: real inputs (captured packets, sample files) changed by a few byte-level
 * mutations, the way coverage-less fuzzers mutate a corpus, plus now and then plain random bytes.
 * Everything is a jqwik arbitrary, so a failing input is shrunk (fewer mutations, smaller values)
 * and replayed from its seed.
 */
public final class FuzzInputs {

    /** Values that sit at the edges of lengths and counts: u16 length fields meet them. */
    private static final int[] INTERESTING = {0, 1, 2, 3, 4, 5, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF};

    private FuzzInputs() {
    }

    /** One change to an input. Positions are taken modulo the input's length, so any int will do. */
    public sealed interface Mutation {
        byte[] apply(byte[] input, List<byte[]> seeds);
    }

    record FlipBit(int position, int bit) implements Mutation {
        public byte[] apply(byte[] in, List<byte[]> seeds) {
            if (in.length == 0) {
                return in;
            }
            byte[] out = in.clone();
            out[Math.floorMod(position, in.length)] ^= (byte) (1 << bit);
            return out;
        }
    }

    record SetByte(int position, byte value) implements Mutation {
        public byte[] apply(byte[] in, List<byte[]> seeds) {
            if (in.length == 0) {
                return in;
            }
            byte[] out = in.clone();
            out[Math.floorMod(position, in.length)] = value;
            return out;
        }
    }

    /** A little-endian u16 at the position: uwsgi's datasize and pair lengths. */
    record SetU16(int position, int value) implements Mutation {
        public byte[] apply(byte[] in, List<byte[]> seeds) {
            if (in.length < 2) {
                return in;
            }
            byte[] out = in.clone();
            int at = Math.floorMod(position, in.length - 1);
            out[at] = (byte) value;
            out[at + 1] = (byte) (value >>> 8);
            return out;
        }
    }

    record Insert(int position, byte[] bytes) implements Mutation {
        public byte[] apply(byte[] in, List<byte[]> seeds) {
            int at = Math.floorMod(position, in.length + 1);
            byte[] out = new byte[in.length + bytes.length];
            System.arraycopy(in, 0, out, 0, at);
            System.arraycopy(bytes, 0, out, at, bytes.length);
            System.arraycopy(in, at, out, at + bytes.length, in.length - at);
            return out;
        }

        @Override
        public String toString() {
            return "Insert[position=" + position + ", bytes=" + Arrays.toString(bytes) + "]";
        }
    }

    record Delete(int position, int length) implements Mutation {
        public byte[] apply(byte[] in, List<byte[]> seeds) {
            if (in.length == 0) {
                return in;
            }
            int at = Math.floorMod(position, in.length);
            int n = Math.min(length, in.length - at);
            byte[] out = new byte[in.length - n];
            System.arraycopy(in, 0, out, 0, at);
            System.arraycopy(in, at + n, out, at, in.length - at - n);
            return out;
        }
    }

    record Truncate(int length) implements Mutation {
        public byte[] apply(byte[] in, List<byte[]> seeds) {
            return Arrays.copyOf(in, Math.floorMod(length, in.length + 1));
        }
    }

    /** A run of the input copied elsewhere in it: repeated headers, doubled pairs. */
    record Duplicate(int from, int length, int to) implements Mutation {
        public byte[] apply(byte[] in, List<byte[]> seeds) {
            if (in.length == 0) {
                return in;
            }
            int start = Math.floorMod(from, in.length);
            byte[] run = Arrays.copyOfRange(in, start, Math.min(in.length, start + length));
            return new Insert(to, run).apply(in, seeds);
        }
    }

    /** The input up to a point, then another seed from a point: two real inputs crossed. */
    record Splice(int seed, int cut, int from) implements Mutation {
        public byte[] apply(byte[] in, List<byte[]> seeds) {
            byte[] other = seeds.get(Math.floorMod(seed, seeds.size()));
            int a = Math.floorMod(cut, in.length + 1);
            int b = Math.floorMod(from, other.length + 1);
            byte[] out = Arrays.copyOf(in, a + other.length - b);
            System.arraycopy(other, b, out, a, other.length - b);
            return out;
        }
    }

    /** Up to {@code maxMutations} mutations of one of {@code seeds}; one input in 20 is random bytes. */
    public static Arbitrary<byte[]> mutated(List<byte[]> seeds, int maxMutations) {
        Arbitrary<byte[]> mutatedSeeds = Combinators.combine(Arbitraries.integers().between(0, seeds.size() - 1),
                mutation(seeds.size()).list().ofMaxSize(maxMutations)).as((seed, mutations) -> {
            byte[] input = seeds.get(seed);
            for (Mutation mutation : mutations) {
                input = mutation.apply(input, seeds);
            }
            return input;
        });
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(512);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(19, mutatedSeeds),
                net.jqwik.api.Tuple.of(1, random));
    }

    /** Where an input is cut into separate reads: offsets, taken modulo its length. */
    public static Arbitrary<int[]> splits() {
        return Arbitraries.integers().greaterOrEqual(0).array(int[].class).ofMaxSize(6);
    }

    private static Arbitrary<Mutation> mutation(int seedCount) {
        Arbitrary<Integer> position = Arbitraries.integers().greaterOrEqual(0);
        Arbitrary<Integer> smallLength = Arbitraries.integers().between(1, 64);
        return Arbitraries.oneOf(
                Combinators.combine(position, Arbitraries.integers().between(0, 7)).as(FlipBit::new),
                Combinators.combine(position, Arbitraries.bytes()).as(SetByte::new),
                Combinators.combine(position, Arbitraries.of(Arrays.stream(INTERESTING).boxed().toList()))
                        .as(SetU16::new),
                Combinators.combine(position, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16))
                        .as(Insert::new),
                Combinators.combine(position, smallLength).as(Delete::new),
                position.map(Truncate::new),
                Combinators.combine(position, smallLength, position).as(Duplicate::new),
                Combinators.combine(Arbitraries.integers().between(0, seedCount - 1), position, position)
                        .as(Splice::new));
    }

    /** CPU time this JVM used so far, in seconds: on a shared machine a truer measure than the wall clock. */
    public static double cpuSecondsSinceStart() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    /** Offsets within {@code length}, sorted and distinct, from {@link #splits()}. */
    public static int[] cuts(int[] splits, int length) {
        if (length < 2) {
            return new int[0];
        }
        return Arrays.stream(splits).map(s -> 1 + Math.floorMod(s, length - 1)).sorted().distinct().toArray();
    }
}
