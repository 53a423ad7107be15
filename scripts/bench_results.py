"""The benchmark results file and the performance table generated from it.

  bench_results.py assemble OUT.json LINES.jsonl
      OUT.json := the records of LINES.jsonl (one JSON object per line, as the bench scripts
      print them), with the commit, the machine, the date and each record's target; a record
      of a benchmark already in OUT.json and not in LINES stays (with its own commit), so a
      partial run (scripts/bench.sh --only ...) updates its rows only.
  bench_results.py tag COMMAND < LINES > LINES
      passes through the JSON lines of a bench script, adding "command": COMMAND to each that
      does not say how it was run; every other line goes to stderr (scripts/bench.sh uses it).
  bench_results.py table RESULTS.json DOC.md [--check]
      rewrites the table between `<!-- bench-table -->` and `<!-- /bench-table -->` in DOC.md
      from RESULTS.json; with --check, changes nothing and exits 1 (showing the difference)
      when the table in DOC.md is not the one RESULTS.json gives (tests/readme.rs runs it).

The targets live here, once: each record gets its target when it is assembled, and the table
says whether the measured value meets it.
"""

import difflib
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

START = "<!-- bench-table -->"
END = "<!-- /bench-table -->"


def key(r):
    """What makes two records the same benchmark (a later run replaces an earlier one)."""
    b = r["bench"]
    if b == "evaluate":
        return (b, r.get("resources"), r.get("formats"))
    if b == "iam_graph":
        return (b, r.get("roles"))
    if b == "attest":
        return (b, r.get("bundles"), r.get("accounts"))
    if b == "scan_resources":
        return (b, r.get("per_kind"))
    if b == "org":
        return (b, r.get("accounts"))
    return (b,)


# Targets by benchmark (issue 24): (metric, comparison, value, text).
def target(r):
    b = r["bench"]
    if b == "evaluate" and r.get("resources", 0) >= 300_000:
        return [("peak_rss_mb", "<=", 2048, "≤ 2 GB peak")]
    if b == "evaluate" and r.get("formats") == "json":
        return [("wall_s", "<=", 1.5, "≤ 1.5 s"), ("peak_rss_mb", "<=", 600, "≤ 600 MB")]
    if b == "evaluate":
        return [("wall_s", "<=", 3.0, "≤ 3 s"), ("peak_rss_mb", "<=", 1024, "≤ 1 GB")]
    if b == "waivers":
        return [("wall_s", "<=", 1.0, "≤ 1 s")]
    if b == "scan_prod":
        return [("prowler_ratio", ">=", 50, "≥ 50× Prowler")]
    if b == "scan_resources":
        return [("prowler_ratio", ">=", 10, "≥ 10× Prowler")]
    if b == "org":
        return [("ratio", "<=", 3.0, "≤ 3× one account")]
    if b == "guard":
        return [("instructions", "<=", r.get("limit", 0), "≤ the limit in benches/guard.json")]
    return []


def meets(r):
    checks = r.get("target") or []
    if r.get("status", "ok") != "ok" or not checks:
        return None
    ok = True
    for metric, op, value, _ in checks:
        got = r.get(metric)
        if got is None:
            return None
        ok &= got <= value if op == "<=" else got >= value
    return ok


def git(*args):
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine():
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gib": round(mem, 1),
            "os": f"{platform.system()} {platform.release()}"}


def assemble(out, lines):
    old = json.load(open(out)) if os.path.exists(out) else {"benchmarks": []}
    commit = git("rev-parse", "HEAD")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    new = []
    for line in open(lines):
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        r.setdefault("status", "ok")
        r["commit"], r["dirty"], r["date"] = commit, dirty, now
        r["target"] = [list(t) for t in target(r)]
        new.append(r)
    keys = {key(r) for r in new}
    kinds = {r["bench"] for r in new if r["status"] == "ok"}
    # An earlier "not run" of a benchmark that has now run is replaced whatever its parameters.
    kept = [r for r in old.get("benchmarks", [])
            if key(r) not in keys and not (r.get("status") != "ok" and r["bench"] in kinds)]
    doc = {
        "commit": commit, "dirty": dirty, "date": now, "machine": machine(),
        "benchmarks": sorted(kept + new, key=lambda r: json.dumps(key(r), default=str)),
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")


def n(x, digits=2):
    return f"{x:,.{digits}f}"


def result(r):
    """The result column of one record."""
    b = r["bench"]
    if r.get("status", "ok") != "ok":
        return f"not run: {r.get('reason', '')}"
    walls = r.get("walls_s") or []
    spread = f" ({n(min(walls))}–{n(max(walls))} s over {len(walls)} runs)" if len(walls) > 1 else ""
    if b == "evaluate":
        return f"median {n(r['wall_s'])} s wall{spread}, {n(r['peak_rss_mb'], 0)} MB peak RSS"
    if b == "waivers":
        return (f"{n(r['wall_s'], 3)} s to read {r['waivers']:,} waivers and apply them to {r['results']:,} results"
                f" (read {n(r['parse_s'], 3)} s, apply {n(r['apply_s'], 3)} s)")
    if b == "diff":
        return f"median {n(r['median_s'] * 1000, 0)} ms (in memory: {n(r['in_memory_s'] * 1000, 0)} ms)"
    if b == "scan_prod":
        s = f"median {n(r['wall_s'])} s wall{spread}"
        if r.get("prowler_wall_s"):
            s += f"; Prowler {n(r['prowler_wall_s'], 1)} s in the same run: **{n(r['prowler_ratio'], 1)}×**"
        return s
    if b == "scan_resources":
        s = (f"{n(r['wall_s'])} s wall, {n(r['cpu_s'], 1)} s CPU, {n(r['peak_rss_mb'], 0)} MB peak RSS; "
             f"{r['resources']:,} resources, {r['calls']:,} calls ({n(r['calls_per_resource'])} per resource, "
             f"minimum {n(r['minimum_per_resource'])})")
        if r.get("prowler_wall_s"):
            s += f"; Prowler {n(r['prowler_wall_s'], 1)} s in the same run: **{n(r['prowler_ratio'], 1)}×**"
        return s
    if b == "org":
        return (f"1 account {n(r['one_wall_s'])} s, {r['accounts']} accounts {n(r['all_wall_s'])} s "
                f"(+{r['delay_ms']} ms per answer, medians of {r['repeat']}): **{n(r['ratio'])}×**")
    if b == "iam_graph":
        return f"{n(r['wall_s'])} s wall, {n(r['peak_rss_mb'], 0)} MB peak RSS"
    if b == "attest":
        return f"{n(r['wall_s'])} s wall, {n(r['peak_rss_mb'], 0)} MB peak RSS"
    if b == "guard":
        return f"{r['instructions']:,} instructions (limit {r['limit']:,})"
    skip = {"bench", "status", "commit", "dirty", "date", "target", "command", "name"}
    return ", ".join(f"{k} {v}" for k, v in r.items() if k not in skip)


def name(r):
    b = r["bench"]
    if r.get("name"):
        return r["name"]
    if b == "evaluate" and "resources" not in r:
        return "evaluate (no result recorded)"
    if b == "evaluate":
        what = "JSON report" if r.get("formats") == "json" else "every report format"
        size = f" ({n(r['snapshot_mb'], 0)} MB)" if r.get("snapshot_mb") else ""
        return f"evaluate a {r['resources']:,}-resource snapshot{size}, {what}"
    if b == "iam_graph":
        return f"IAM graph: {r['roles']:,} roles, {r.get('users', 0):,} users, {r.get('groups', 0):,} groups"
    if b == "attest":
        return f"attest: {r['bundles']:,} bundles, {r['accounts']:,} account{'' if r['accounts'] == 1 else 's'}"
    return b


def table(results):
    doc = json.load(open(results))
    rows = ["| benchmark | command | result | target | met |", "| --- | --- | --- | --- | :---: |"]
    for r in doc["benchmarks"]:
        goal = "; ".join(t[3] for t in r.get("target") or []) or "—"
        met = {True: "yes", False: "**no**", None: "—"}[meets(r)]
        cmd = r.get("command", "")
        rows.append(f"| {name(r)} | `{cmd}` | {result(r)} | {goal} | {met} |")
    m = doc["machine"]
    dirty = " (with uncommitted changes)" if doc.get("dirty") else ""
    head = (f"Measured by `scripts/bench.sh` on {doc['date'][:10]} at commit {doc['commit'][:12]}{dirty}, "
            f"{m['cpus']} cores ({m['cpu_model']}), {m['memory_gib']} GiB, release build; "
            f"generated from `benches/results.json` by `scripts/bench_results.py` (a row's own commit "
            f"is in the file when it was measured apart).")
    return "\n".join([head, "", *rows])


def render(results, path, check):
    text = open(path).read()
    if START not in text or END not in text:
        sys.exit(f"{path}: no {START} ... {END} block to fill")
    before, rest = text.split(START, 1)
    current, after = rest.split(END, 1)
    want = f"{before}{START}\n{table(results)}\n{END}{after}"
    if want == text:
        return 0
    if check:
        diff = difflib.unified_diff(text.splitlines(), want.splitlines(), path, f"{path} from {results}", lineterm="")
        print("\n".join(diff))
        print(f"{path}: the performance table differs from {results}; run scripts/bench_results.py table {results} {path}",
              file=sys.stderr)
        return 1
    open(path, "w").write(want)
    return 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "assemble":
        assemble(argv[1], argv[2])
        return 0
    if len(argv) == 2 and argv[0] == "tag":
        for line in sys.stdin:
            line = line.strip()
            if line.startswith("{"):
                r = json.loads(line)
                r.setdefault("command", argv[1])
                print(json.dumps(r, ensure_ascii=False), flush=True)
            else:
                print(line, file=sys.stderr, flush=True)
        return 0
    if len(argv) >= 3 and argv[0] == "table":
        return render(argv[1], argv[2], "--check" in argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
