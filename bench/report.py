#!/usr/bin/env python3
"""The tables of bench/run, from the files it leaves in bench/results/<time>/.

    python3 bench/report.py bench/results/<time> [--docs docs/benchmarks.md]

Prints a Markdown section (medians over rounds, ratios, memory, spawn and reload, the goals of issue #10)
and, with --docs, inserts it into that file above the line MARKER (at the end when there is none).
Reads meta.tsv, machine.txt, runs.tsv, memory.tsv, spawn.tsv and reloads.tsv; a file or a setup that a
run left out is left out of the tables.
"""
import csv
import statistics
import sys
from pathlib import Path

MARKER = "<!-- bench/run inserts new results above this line -->"

SETUP_NAMES = {
    "malt-unix": "Malt, unix",
    "malt-tcp": "Malt, TCP",
    "uwsgi-unix": "uWSGI, unix",
    "uwsgi-tcp": "uWSGI, TCP",
    "tomcat": "Tomcat (HTTP keep-alive)",
    "nginx": "nginx return 200",
}
# Malt's setup, and what it is compared with: same transport for uWSGI; Tomcat has one.
PAIRS = [("malt-unix", "uwsgi-unix"), ("malt-unix", "tomcat"), ("malt-tcp", "uwsgi-tcp"), ("malt-tcp", "tomcat")]


def rows(path):
    if not path.exists():
        return []
    with path.open() as f:
        return list(csv.DictReader(f, delimiter="\t"))


def number(value):
    return None if value in (None, "", "-") else float(value)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, spec="{:.0f}", none="—"):
    return none if value is None else spec.format(value)


def describe_case(case, body):
    kind, conns = case.split("-c")
    if kind == "echo":
        return f"POST {body // 1024} KiB echo c{conns}" if body % 1024 == 0 else f"POST {body} B echo c{conns}"
    return f"GET hello c{conns}"


class Run:
    def __init__(self, results):
        self.dir = results
        self.meta = {k: v for k, v in (line.split("\t", 1) for line in
                                       (results / "meta.tsv").read_text().splitlines() if "\t" in line)}
        self.hz = float(self.meta["clk_tck"])
        self.setups = self.meta["setups"].split()
        self.cases = self.meta["cases"].split()
        self.body = int(self.meta["body"])
        self.machine = (results / "machine.txt").read_text().rstrip("\n")
        self.runs = rows(results / "runs.tsv")
        self.memory = rows(results / "memory.tsv")
        self.spawn = rows(results / "spawn.tsv")
        self.reloads = rows(results / "reloads.tsv")
        self.stats = {}
        for case in self.cases:
            for setup in self.setups:
                mine = [r for r in self.runs if r["case"] == case and r["setup"] == setup]
                if not mine:
                    continue

                def per_request(r, field):
                    ticks, requests = number(r[field]), number(r["requests"])
                    return None if ticks is None or not requests else ticks * 1e6 / self.hz / requests

                self.stats[case, setup] = {
                    "rps": median(number(r["rps"]) for r in mine),
                    "p50": median(number(r["p50_ms"]) for r in mine),
                    "p99": median(number(r["p99_ms"]) for r in mine),
                    "errors": sum(int(r["errors"]) for r in mine),
                    "cpu": median(per_request(r, "backend_ticks") for r in mine),
                    "master": median(per_request(r, "master_ticks") for r in mine if "master_ticks" in r),
                    "nginx": median(per_request(r, "nginx_ticks") for r in mine),
                }

    def stat(self, case, setup, key):
        return self.stats.get((case, setup), {}).get(key)

    # ---- tables ----------------------------------------------------------------------------------

    def main_table(self):
        shown = [s for s in self.setups]
        out = ["| case | | " + " | ".join(SETUP_NAMES[s] for s in shown) + " |",
               "|---|---|" + "---:|" * len(shown)]
        lines = [("req/s", "rps", "{:,.0f}"), ("p50 (ms)", "p50", "{:.2f}"), ("p99 (ms)", "p99", "{:.2f}"),
                 ("errors", "errors", "{:d}"), ("backend CPU per request (µs)", "cpu", "{:.1f}"),
                 ("of which the master (µs)", "master", "{:.1f}"),
                 ("nginx CPU per request (µs)", "nginx", "{:.1f}")]
        for case in self.cases:
            for i, (label, key, spec) in enumerate(lines):
                cells = [fmt(self.stat(case, s, key), spec) for s in shown]
                out.append(f"| {describe_case(case, self.body) if i == 0 else ''} | {label} | " + " | ".join(cells) + " |")
        return "\n".join(out)

    def ratio(self, case, mine, other, key):
        a, b = self.stat(case, mine, key), self.stat(case, other, key)
        return None if a is None or not b else a / b

    def ratio_table(self):
        pairs = [(m, o) for m, o in PAIRS if m in self.setups and o in self.setups]
        if not pairs:
            return ""
        out = ["| case | Malt | against | req/s ratio | p99 ratio | backend CPU per request ratio |",
               "|---|---|---|---:|---:|---:|"]
        for case in self.cases:
            for m, o in pairs:
                out.append(f"| {describe_case(case, self.body)} | {SETUP_NAMES[m]} | {SETUP_NAMES[o]} | "
                           f"{fmt(self.ratio(case, m, o, 'rps'), '{:.2f}')} | {fmt(self.ratio(case, m, o, 'p99'), '{:.2f}')} | "
                           f"{fmt(self.ratio(case, m, o, 'cpu'), '{:.2f}')} |")
        return "\n".join(out)

    def memory_table(self):
        if not self.memory:
            return ""
        order = {"malt": 0, "uwsgi": 1, "tomcat": 2, "nginx": 3}
        seen = {}
        for r in self.memory:
            key = (r["server"], r["role"], r["pid"])
            seen.setdefault(key, {})[r["phase"]] = r
        out = ["| server | process | PSS idle (MiB) | PSS after load (MiB) | RSS after load (MiB) |",
               "|---|---|---:|---:|---:|"]
        names = {"malt": "Malt", "uwsgi": "uWSGI", "tomcat": "Tomcat", "nginx": "nginx"}
        for (server, role, pid), phases in sorted(seen.items(), key=lambda kv: (order[kv[0][0]], kv[0][1] != "master", int(kv[0][2]))):
            def mib(phase, field):
                r = phases.get(phase)
                return None if r is None else int(r[field]) / 1024
            out.append(f"| {names[server]} | {role} (pid {pid}) | {fmt(mib('idle', 'pss_kib'), '{:.1f}')} | "
                       f"{fmt(mib('load', 'pss_kib'), '{:.1f}')} | {fmt(mib('load', 'rss_kib'), '{:.1f}')} |")
        return "\n".join(out)

    def pss(self, server, role, phase):
        """The largest PSS (MiB) of the processes of that server and role in that phase."""
        values = [int(r["pss_kib"]) / 1024 for r in self.memory
                  if r["server"] == server and r["role"] == role and r["phase"] == phase]
        return max(values) if values else None

    def spawn_values(self, phase):
        return [int(r["ready_ms"]) for r in self.spawn if r["server"] == "malt" and r["phase"] == phase]

    def reload_rows(self, server, phase):
        return [r for r in self.reloads if r["server"] == server and r["phase"] == phase]

    def spawn_table(self):
        if not self.spawn and not self.reloads:
            return ""
        out = ["| | measured | values (ms) |", "|---|---:|---|"]
        for phase, label in [("first", "Malt spawn to ready, first start (nothing else starting)"),
                             ("idle", "Malt spawn to ready, in an idle reload"),
                             ("load", f"Malt spawn to ready, in a reload under c{self.meta['reload_connections']}")]:
            values = self.spawn_values(phase)
            if values:
                out.append(f"| {label} | {fmt(median(values))} ms | {', '.join(map(str, values))} |")
        for server, name in [("malt", "Malt"), ("uwsgi", "uWSGI")]:
            for phase, how in [("idle", "idle"), ("load", f"under c{self.meta['reload_connections']}")]:
                rs = self.reload_rows(server, phase)
                if not rs:
                    continue
                ready = [int(r["ready_ms"]) for r in rs]
                out.append(f"| {name} graceful reload {how}: touch to all workers ready | {fmt(median(ready))} ms | "
                           f"{', '.join(map(str, ready))} |")
                seen = [int(r["detect_ms"]) for r in rs]
                out.append(f"| {name} graceful reload {how}: touch seen by the master | {fmt(median(seen))} ms | "
                           f"{', '.join(map(str, seen))} |")
                drained = [number(r["drained_ms"]) for r in rs]
                if any(d is not None for d in drained):
                    out.append(f"| {name} graceful reload {how}: touch to old workers gone | {fmt(median(drained))} ms | "
                               f"{', '.join(fmt(d) for d in drained)} |")
                if phase == "load":
                    failed = [f"{r['errors']} of {r['requests']}" for r in rs]
                    out.append(f"| {name} graceful reload {how}: failed requests (wrk run around the reload) | "
                               f"{sum(int(r['errors']) for r in rs)} | {', '.join(failed)} |")
        return "\n".join(out)

    def goals_table(self):
        out = ["| goal (issue #10) | measured | target | |", "|---|---:|---:|---|"]

        def add(label, value, spec, target_text, ok):
            if value is None:
                return
            out.append(f"| {label} | {spec.format(value)} | {target_text} | {'met' if ok(value) else 'missed'} |")

        for case in self.cases:
            name = describe_case(case, self.body)
            if case.startswith("hello-"):
                add(f"{name}, unix: Malt/uWSGI req/s", self.ratio(case, "malt-unix", "uwsgi-unix", "rps"), "{:.2f}",
                    "≥ 1.35", lambda v: v >= 1.35)
                add(f"{name}, unix: Malt/Tomcat req/s", self.ratio(case, "malt-unix", "tomcat", "rps"), "{:.2f}",
                    "≥ 1.0", lambda v: v >= 1.0)
                uwsgi_p99 = self.stat(case, "uwsgi-unix", "p99")
                if uwsgi_p99 is not None:
                    add(f"{name}, unix: Malt p99", self.stat(case, "malt-unix", "p99"), "{:.2f} ms",
                        f"≤ {uwsgi_p99:.2f} ms (uWSGI's)", lambda v: v <= uwsgi_p99)
                if case == "hello-c32":
                    add(f"{name}, unix: Malt backend CPU per request", self.stat(case, "malt-unix", "cpu"), "{:.1f} µs",
                        "≤ 9 µs", lambda v: v <= 9)
            elif case.startswith("echo-"):
                add(f"{name}, unix: Malt/uWSGI req/s", self.ratio(case, "malt-unix", "uwsgi-unix", "rps"), "{:.2f}",
                    "≥ 1.0", lambda v: v >= 1.0)
                add(f"{name}, unix: Malt backend CPU per request", self.stat(case, "malt-unix", "cpu"), "{:.1f} µs",
                    "≤ 40 µs", lambda v: v <= 40)
        add("Malt worker PSS, idle (largest worker)", self.pss("malt", "worker", "idle"), "{:.1f} MiB", "≤ 40 MiB",
            lambda v: v <= 40)
        add("Malt worker PSS, after load (largest worker)", self.pss("malt", "worker", "load"), "{:.1f} MiB", "≤ 64 MiB",
            lambda v: v <= 64)
        add("Malt master PSS, after load", self.pss("malt", "master", "load"), "{:.1f} MiB", "≤ 40 MiB",
            lambda v: v <= 40)
        add("Malt spawn to ready, idle reload (median)", median(self.spawn_values("idle")), "{:.0f} ms", "≤ 400 ms",
            lambda v: v <= 400)
        add("Malt spawn to ready, reload under load (median)", median(self.spawn_values("load")), "{:.0f} ms",
            "≤ 400 ms", lambda v: v <= 400)
        loaded = self.reload_rows("malt", "load")
        if loaded:
            add(f"Malt graceful reload of {self.meta['workers']} workers under c{self.meta['reload_connections']} "
                "(median, touch to all ready)", median(int(r["ready_ms"]) for r in loaded), "{:.0f} ms", "≤ 2000 ms",
                lambda v: v <= 2000)
            add("Malt failed requests during those reloads", sum(int(r["errors"]) for r in loaded), "{:d}", "0",
                lambda v: v == 0)
        return "\n".join(out) if len(out) > 2 else ""

    def section(self):
        date = next((line.split(":", 1)[1].strip() for line in self.machine.splitlines() if line.startswith("date:")), "")
        m = self.meta
        parts = [
            f"### {date[:10]}, issue #10: Malt, uWSGI, Tomcat and nginx side by side",
            "",
            f"`bench/run` (`bench/results/{self.dir.name}/`): medians of {m['rounds']} interleaved "
            f"round{'' if m['rounds'] == '1' else 's'} of "
            f"`wrk -t{m['threads']} -d{m['duration']}s --latency`, {m['warmup']} s of warm-up per setup and case, "
            f"{m['workers']} workers for Malt and uWSGI, listen backlog {m['listen']}. Errors are summed over rounds. "
            "Backend CPU is utime + stime of the server's whole process tree (Malt: master and workers; uWSGI: "
            "master and workers; Tomcat: its JVM) over the requests wrk counted; nginx's own CPU beside it. "
            "The nginx ceiling answers the echo case with its hello after reading and discarding the body.",
            "",
            "```",
            self.machine,
            "```",
            "",
            self.main_table(),
        ]
        for title, table in [("Ratios, Malt / the other (req/s: higher is better for Malt; p99 and CPU: lower is):",
                               self.ratio_table()),
                              ("Memory (`/proc/PID/smaps_rollup`), idle after start and after all the rounds above:",
                               self.memory_table()),
                              (f"Spawn and reload ({m['reloads']} of each; a reload is done when every slot has a "
                               "successor that logged `ready in`; uWSGI's when its workers are spawned again):",
                               self.spawn_table()),
                              ("Against the goals of issue #10:", self.goals_table())]:
            if table:
                parts += ["", title, "", table]
        return "\n".join(parts) + "\n"


def insert(docs, section):
    text = docs.read_text()
    if MARKER in text:
        text = text.replace(MARKER, section + "\n" + MARKER, 1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    docs.write_text(text)


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    results = Path(argv[0])
    if not (results / "meta.tsv").exists():
        sys.exit(f"report: {results} has no meta.tsv; give a directory that bench/run wrote")
    section = Run(results).section()
    print(section)
    if len(argv) >= 3 and argv[1] == "--docs":
        insert(Path(argv[2]), section)
        print(f"report: added to {argv[2]}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
