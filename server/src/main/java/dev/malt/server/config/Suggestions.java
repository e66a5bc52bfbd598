package dev.malt.server.config;

/** "Did you mean" for unknown option names, over every name and alias in the catalogue. */
final class Suggestions {

    private Suggestions() {
    }

    /** The closest known name, or null when nothing is close enough to be a likely typo. */
    static String closestOption(String unknown) {
        String dashed = unknown.replace('_', '-').toLowerCase(java.util.Locale.ROOT);
        if (Option.find(dashed).isPresent()) {
            return dashed; // http_socket, Workers
        }
        int allowed = unknown.length() <= 4 ? 1 : unknown.length() <= 8 ? 2 : 3;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Option option : Option.all()) {
            for (String name : option.names()) {
                if (Math.abs(name.length() - dashed.length()) > allowed) {
                    continue; // the distance is at least the difference in length: too far, and costly for long keys
                }
                int d = distance(dashed, name);
                if (d < bestDistance) {
                    best = name;
                    bestDistance = d;
                }
            }
        }
        return bestDistance <= allowed ? best : null;
    }

    /** Edit distance counting a swap of two neighbours as one edit ("wokrers"), as typos usually are. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
