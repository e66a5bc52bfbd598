package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The order in which web fragments are processed (spec 8.2.2), and which of them take part at all.
 *
 * <p>Absolute ordering (web.xml's {@code <absolute-ordering>}) lists names; {@code <others/>} stands for
 * every fragment not named, in jar name order; without it, unnamed and unlisted fragments are excluded:
 * no descriptor, no annotations, no initializers, no resources (their classes still load).
 *
 * <p>Relative ordering ({@code <ordering>} in the fragments) is a topological sort of the before/after
 * names. {@code <before><others/>} and {@code <after><others/>} put a fragment in a front or back group;
 * the sort takes, among the fragments whose predecessors are placed, the one from the earliest group,
 * then the earliest jar name. So a named constraint can pull a fragment out of its group (the spec's
 * second example), and the result is the same on every machine. A cycle is an error naming its members;
 * two fragments with the same name are an error naming both jars (absolute ordering is the cure the spec
 * suggests: under it, the first jar keeps the name and the second counts as unnamed).
 */
final class FragmentOrdering {

    /**
     * @param fragments    the fragments taking part, in processing order
     * @param ordered      whether any ordering was declared: then {@code orderedLibs} is published
     */
    record Result(List<Fragment> fragments, boolean ordered) {
    }

    private FragmentOrdering() {
    }

    /**
     * @param fragments every WEB-INF/lib jar in jar name order, named as their descriptors say
     * @param absolute  web.xml's absolute ordering, or {@code null}
     */
    static Result order(List<Fragment> fragments, Descriptor.AbsoluteOrdering absolute) throws AppLoadException {
        if (absolute != null) {
            return new Result(absolute(dropDuplicateNames(fragments), absolute), true);
        }
        checkDuplicateNames(fragments);
        boolean relative = fragments.stream().anyMatch(f -> f.descriptor() != null && f.descriptor().ordering != null);
        return new Result(relative ? relative(fragments) : List.copyOf(fragments), relative);
    }

    private static List<Fragment> absolute(List<Fragment> fragments, Descriptor.AbsoluteOrdering absolute) {
        Map<String, Fragment> byName = new HashMap<>();
        for (Fragment fragment : fragments) {
            if (fragment.name() != null) {
                byName.put(fragment.name(), fragment);
            }
        }
        List<Fragment> named = new ArrayList<>();
        for (String name : absolute.names()) {
            Fragment fragment = byName.get(name);
            if (fragment != null) {
                named.add(fragment); // a name without a fragment is allowed: "which may or may not be present"
            }
        }
        List<Fragment> result = new ArrayList<>(named);
        if (absolute.othersIndex() >= 0) {
            List<Fragment> others = new ArrayList<>();
            for (Fragment fragment : fragments) {
                if (!named.contains(fragment)) {
                    others.add(fragment);
                }
            }
            int insertAt = 0;
            for (int i = 0; i < absolute.othersIndex(); i++) {
                if (byName.containsKey(absolute.names().get(i))) {
                    insertAt++;
                }
            }
            result.addAll(insertAt, others);
        }
        return result;
    }

    private static List<Fragment> relative(List<Fragment> fragments) throws AppLoadException {
        int count = fragments.size();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < count; i++) {
            if (fragments.get(i).name() != null) {
                index.put(fragments.get(i).name(), i);
            }
        }
        List<Set<Integer>> successors = new ArrayList<>();
        int[] group = new int[count];
        for (int i = 0; i < count; i++) {
            successors.add(new LinkedHashSet<>());
        }
        for (int i = 0; i < count; i++) {
            Descriptor descriptor = fragments.get(i).descriptor();
            Descriptor.RelativeOrdering ordering = descriptor == null ? null : descriptor.ordering;
            group[i] = 1;
            if (ordering == null) {
                continue;
            }
            group[i] = ordering.beforeOthers() ? 0 : ordering.afterOthers() ? 2 : 1;
            for (String name : ordering.before()) {
                Integer other = index.get(name);
                if (other != null && other != i) {
                    successors.get(i).add(other);
                }
            }
            for (String name : ordering.after()) {
                Integer other = index.get(name);
                if (other != null && other != i) {
                    successors.get(other).add(i);
                }
            }
        }
        int[] waitingFor = new int[count];
        for (Set<Integer> next : successors) {
            for (int successor : next) {
                waitingFor[successor]++;
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>(
                Comparator.<Integer>comparingInt(i -> group[i]).thenComparingInt(i -> i));
        for (int i = 0; i < count; i++) {
            if (waitingFor[i] == 0) {
                ready.add(i);
            }
        }
        List<Fragment> result = new ArrayList<>();
        while (!ready.isEmpty()) {
            int next = ready.poll();
            result.add(fragments.get(next));
            for (int successor : successors.get(next)) {
                if (--waitingFor[successor] == 0) {
                    ready.add(successor);
                }
            }
        }
        if (result.size() < count) {
            throw new AppLoadException(DeployMessages.orderingCycle(cycle(fragments, successors, waitingFor)));
        }
        return result;
    }

    /**
     * One cycle among the fragments the sort could not place, in "must come before" order. Every one of
     * them waits for another unplaced one, so walking back from any of them must come round.
     */
    private static List<String> cycle(List<Fragment> fragments, List<Set<Integer>> successors, int[] waitingFor) {
        int start = 0;
        while (waitingFor[start] == 0) {
            start++;
        }
        List<Integer> path = new ArrayList<>();
        int current = start;
        while (!path.contains(current)) {
            path.add(current);
            int node = current;
            for (int candidate = 0; candidate < fragments.size(); candidate++) {
                if (waitingFor[candidate] > 0 && successors.get(candidate).contains(node)) {
                    current = candidate;
                    break;
                }
            }
        }
        List<Integer> loop = new ArrayList<>(path.subList(path.indexOf(current), path.size()));
        java.util.Collections.reverse(loop);
        List<String> names = new ArrayList<>();
        for (int member : loop) {
            names.add(fragments.get(member).describe());
        }
        return names;
    }

    private static void checkDuplicateNames(List<Fragment> fragments) throws AppLoadException {
        Map<String, Fragment> seen = new HashMap<>();
        for (Fragment fragment : fragments) {
            if (fragment.name() == null) {
                continue;
            }
            Fragment previous = seen.putIfAbsent(fragment.name(), fragment);
            if (previous != null) {
                throw new AppLoadException(DeployMessages.duplicateFragmentName(fragment.name(), previous.jarName(),
                        fragment.jarName()));
            }
        }
    }

    private static List<Fragment> dropDuplicateNames(List<Fragment> fragments) {
        Set<String> seen = new java.util.HashSet<>();
        List<Fragment> result = new ArrayList<>();
        for (Fragment fragment : fragments) {
            if (fragment.name() != null && !seen.add(fragment.name())) {
                result.add(new Fragment(fragment.jarName(), fragment.jar(), fragment.descriptor(), null));
            } else {
                result.add(fragment);
            }
        }
        return result;
    }
}
