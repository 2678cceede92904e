#!/usr/bin/env python3
"""Load benchmark of a running `duban serve`, with wrk as the HTTP client.

Generates the data set (`duban bench gen`) unless it is there, starts the
release server on loopback, signs in as the manifest's users, and runs each
scenario with wrk for a fixed time and concurrency: a liaison's task list, the
ledger filtered by unit, the cockpit, a task page, the plan tasks API, a report
submission (write), and /healthz as the same run's ceiling. For each it prints
requests/s, p50, p99, errors and the server's peak memory, and writes them all
as JSON.

    bench/load.py                       # SQLite, city scale
    bench/load.py --backend postgres    # the same data on PostgreSQL
    bench/load.py --backend cluster     # two servers on PostgreSQL behind nginx
    bench/load.py --backend all         # the three, one table

Everything runs on 127.0.0.1. wrk and nginx come from Debian's packages and are
installed when missing. Only the standard library is used here.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORES = os.cpu_count() or 1


def main():
    args = parse_args()
    ensure_tools(args)
    binary = build(args)
    results = {"machine": machine(), "scale": args.scale, "duration_s": args.duration,
               "connections": args.connections, "runs": []}
    backends = ["sqlite", "postgres", "cluster"] if args.backend == "all" else [args.backend]
    for backend in backends:
        results["runs"].append(run_backend(args, binary, backend))
    if not args.soak:
        print_table(results)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nfigures written to {out}")
    if args.check:
        problems = check(results)
        for problem in problems:
            print(f"CHECK FAILED: {problem}")
        sys.exit(1 if problems else 0)


def check(results):
    problems = []
    for run in results["runs"]:
        if "soak" in run and (run["soak"]["requests"] == 0 or run["soak"]["errors"]):
            problems.append(f"soak: {run['soak']['requests']} requests, {run['soak']['errors']} errors "
                            f"{run['soak']['error_kinds']}")
        for row in run.get("scenarios", []):
            if row["requests"] == 0 or row["errors"]:
                problems.append(f"{run['backend']} {row['scenario']}: {row['requests']} requests, "
                                f"{row['errors']} errors {row['error_kinds']}")
        if run["backend"] == "cluster" and len(run.get("answered_by", {})) < 2:
            problems.append(f"cluster: answered by {run.get('answered_by')}, not by both servers")
    return problems


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backend", choices=["sqlite", "postgres", "cluster", "all"], default="sqlite")
    p.add_argument("--scale", default="city", help="city, district or small (duban bench gen --scale)")
    p.add_argument("--data", default="/var/tmp/duban-bench", help="where the SQLite file and manifests live")
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432",
                   help="PostgreSQL server; the database duban_bench_<scale> is created on it")
    p.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    p.add_argument("--warmup", type=int, default=2,
                   help="unmeasured seconds of each read scenario before it is measured")
    p.add_argument("--connections", type=int, default=16, help="concurrent clients")
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--regen", action="store_true", help="make the data set again even if it exists")
    p.add_argument("--binary", help="a built duban binary (default: cargo build --release)")
    p.add_argument("--only", help="comma-separated scenarios to run (default: all)")
    p.add_argument("--soak", type=int, metavar="SECONDS",
                   help="instead of the scenarios, one mixed load (reads, writes, exports) for this long, "
                        "with the server's memory sampled every 5 s")
    p.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.json"))
    p.add_argument("--check", action="store_true",
                   help="exit 1 unless every scenario ran without error and, for the cluster, "
                        "both servers answered (CI runs the small scale so)")
    return p.parse_args()


def ensure_tools(args):
    wanted = ["wrk"]
    if args.backend in ("cluster", "all"):
        wanted.append("nginx")
    missing = [tool for tool in wanted if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists()]
    if missing:
        packages = ["nginx-light" if t == "nginx" else t for t in missing]
        print(f"installing {', '.join(packages)} (Debian packages)", flush=True)
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(sudo + ["apt-get", "install", "-y", "--no-install-recommends", *packages],
                       check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def build(args):
    if args.binary:
        return Path(args.binary)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    print("building the release binary", flush=True)
    subprocess.run(["cargo", "build", "--release", "-p", "duban"], cwd=ROOT, check=True)
    return target / "release" / "duban"


def machine():
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024 // 1024
    except OSError:
        pass
    return {"cores": CORES, "cpu": model, "memory_gib": mem}


# ---------------------------------------------------------------- data sets

def dataset(args, binary, backend):
    """The database URL and manifest for a backend, generated when missing."""
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        path = data / f"{args.scale}.db"
        url = f"sqlite://{path}"
        manifest = data / f"{args.scale}-sqlite.json"
        exists = path.exists() and manifest.exists()
        if args.regen or not exists:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        name = f"duban_bench_{args.scale}"
        url = f"{args.pg}/{name}"
        manifest = data / f"{args.scale}-postgres.json"
        exists = manifest.exists() and pg_has(args.pg, name)
        if args.regen or not exists:
            psql(args.pg, f"DROP DATABASE IF EXISTS {name}")
            psql(args.pg, f"CREATE DATABASE {name}")
    if args.regen or not exists:
        print(f"generating the {args.scale} data set on {backend} ({url})", flush=True)
        # "Today" in the data is today in China, the server's own day: the
        # report windows the manifest offers for writing are open on it (a
        # closed period is locked).
        today = datetime.now(timezone(timedelta(hours=8))).date().isoformat()
        subprocess.run([str(binary), "bench", "gen", "--scale", args.scale, "--db", url,
                        "--as-of", today, "--manifest", str(manifest)], check=True)
    return url, json.loads(manifest.read_text())


def unreported(url, manifest):
    """The manifest's open report periods that no earlier run has filled:
    a write benchmark on a used data set must not measure refusals."""
    ids = sorted({o["assignment_id"] for o in manifest["open_reports"]})
    if not ids:
        return []
    sql = f"SELECT assignment_id, period FROM progress_reports WHERE assignment_id IN ({','.join(map(str, ids))})"
    if url.startswith("sqlite://"):
        import sqlite3
        with sqlite3.connect(f"file:{url[len('sqlite://'):]}?mode=ro", uri=True) as db:
            done = {(a, p) for a, p in db.execute(sql)}
    else:
        out = subprocess.run(["psql", url, "-tA", "-F", " ", "-f", "-"], input=sql, capture_output=True,
                             text=True, check=True)
        done = {(int(a), p) for a, p in (line.split() for line in out.stdout.splitlines() if line.strip())}
    return [o for o in manifest["open_reports"] if (o["assignment_id"], o["period"]) not in done]


def psql(server, sql):
    subprocess.run(["psql", f"{server}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def pg_has(server, name):
    out = subprocess.run(["psql", f"{server}/postgres", "-tAc",
                          f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                         capture_output=True, text=True)
    return out.stdout.strip() == "1"


# ---------------------------------------------------------------- servers

class Server:
    """One `duban serve` process on a loopback port."""

    def __init__(self, binary, url, port, log):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "RUST_LOG": "warn"}
        self.proc = subprocess.Popen([str(binary), "serve", "--db", url, "--listen", f"127.0.0.1:{port}"],
                                     stdout=log, stderr=log, env=env)
        wait_until_up(self.base + "/healthz", self.proc)

    def wait_idle(self, quiet_s=3.0, limit_s=1800):
        """Waits until the server has used no CPU for `quiet_s`: its scheduler
        has done the day's relighting and reminders. Returns the seconds waited."""
        started = time.time()
        last, quiet_since = self.cpu_seconds(), time.time()
        while time.time() - started < limit_s:
            time.sleep(0.5)
            now = self.cpu_seconds()
            if now - last > 0.02:
                last, quiet_since = now, time.time()
            elif time.time() - quiet_since >= quiet_s:
                return time.time() - started - quiet_s
        return time.time() - started

    def memory(self):
        """(peak, current) resident memory in MiB."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        kib = lambda key: int(fields.get(key, "0 kB").split()[0])
        return kib("VmHWM") / 1024, kib("VmRSS") / 1024

    def cpu_seconds(self):
        parts = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Nginx:
    """nginx in front of the servers, round robin with keep-alive upstreams."""

    def __init__(self, ports, port, workdir):
        self.base = f"http://127.0.0.1:{port}"
        self.log = workdir / "upstream.log"
        conf = workdir / "nginx.conf"
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
        conf.write_text(f"""
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    log_format upstream '$upstream_addr $status';
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    upstream duban {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 16m;
        location / {{
            access_log {self.log} upstream buffer=64k flush=1s;
            proxy_pass http://duban;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
""")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = subprocess.Popen([nginx, "-p", str(workdir), "-c", str(conf), "-g", "daemon off;"])
        wait_until_up(self.base + "/healthz", self.proc)

    def shares(self):
        """How many requests each upstream answered."""
        counts = {}
        if self.log.exists():
            for line in self.log.read_text().splitlines():
                addr = line.split()[0]
                counts[addr] = counts.get(addr, 0) + 1
        return counts

    def stop(self):
        self.proc.send_signal(signal.SIGQUIT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wait_until_up(url, proc, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{url}: the process exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    sys.exit(f"{url} did not answer within {seconds} s")


def sign_in(base, username, password):
    """The session token of a user (sent as cookie for pages, bearer for the API)."""
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(base + "/api/v1/login", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as r:
        return json.loads(r.read())["token"]


def fetch(base, path, token):
    request = urllib.request.Request(base + path, headers={"Cookie": f"duban_session={token}"})
    with urllib.request.urlopen(request, timeout=300) as r:
        return r.status, len(r.read())


# ---------------------------------------------------------------- scenarios

def scenarios(manifest, tokens):
    """(name, requests): each request (method, path, headers, body)."""
    cookie = lambda user: {"Cookie": f"duban_session={tokens[user]}"}
    bearer = lambda user: {"Authorization": f"Bearer {tokens[user]}", "Content-Type": "application/json"}
    liaisons = [l for l in manifest["liaisons"] if l["username"] in tokens]
    supervisors = [s for s in manifest["supervisors"] if s in tokens]
    last_year = max(p["year"] for p in manifest["plans"])
    plans = [p for p in manifest["plans"] if p["year"] == last_year]
    city_plan = max(plans, key=lambda p: p["tasks"])
    sup = lambda i: supervisors[i % len(supervisors)]
    tasks = manifest["tasks"]
    writes = [o for o in manifest["open_reports"] if o["username"] in tokens]
    narrative = "本期按计划推进，完成现场踏勘和方案论证，召开专题协调会研究解决难点问题，形成阶段性工作总结。"
    return [
        ("healthz", [("GET", "/healthz", {}, None)]),
        ("liaison task list", [("GET", "/workspace", cookie(l["username"]), None) for l in liaisons]),
        ("ledger by unit", [("GET", f"/ledger?plan={l['plan_id']}&unit={l['unit_id']}", cookie(sup(i)), None)
                            for i, l in enumerate(liaisons)]),
        ("cockpit", [("GET", f"/cockpit?plan={city_plan['id']}", cookie(sup(i)), None) for i in range(16)]),
        ("task page", [("GET", f"/tasks/{t}", cookie(sup(i)), None) for i, t in enumerate(tasks[::7][:2000])]),
        ("plan tasks API", [("GET", f"/api/v1/plans/{p['id']}/tasks", bearer(sup(i)), None)
                            for i, p in enumerate(plans)]),
        ("report write", [("POST", f"/api/v1/assignments/{o['assignment_id']}/reports", bearer(o["username"]),
                           json.dumps({"period": o["period"], "narrative": narrative}, ensure_ascii=False))
                          for o in writes]),
    ]


def lua_string(text):
    out = ['"']
    for byte in text.encode():
        ch = chr(byte)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= byte < 127:
            out.append(ch)
        else:
            out.append(f"\\{byte:03d}")
    out.append('"')
    return "".join(out)


def request_line(method, path, headers, body):
    """One request as a line of the file the wrk script reads: tab-separated
    method, path, body, then headers as name, value pairs."""
    fields = [method, path, body or ""]
    for name, value in headers.items():
        fields += [name, value]
    assert not any("\t" in f or "\n" in f for f in fields)
    return "\t".join(fields)


WRK_SCRIPT = r"""
local requests = {}
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(fields, field) end
  return fields
end

function init(args)
  -- Each thread walks its own share, so no write is sent twice.
  local mine = {}
  local i = 0
  for line in io.lines(REQUESTS) do
    i = i + 1
    if (i - id) % THREADS == 0 then
      local f = split(line)
      local headers = {}
      for k = 4, #f - 1, 2 do headers[f[k]] = f[k + 1] end
      local body = f[3] ~= "" and f[3] or nil
      table.insert(mine, wrk.format(f[1], f[2], headers, body))
    end
  end
  if #mine == 0 then mine = { wrk.format("GET", "/healthz") } end
  reqs = mine
  n = 0
end

function request()
  n = n + 1
  if ONCE and n > #reqs then
    -- Writes are never repeated: a thread that has sent its share stops.
    wrk.thread:stop()
  end
  return reqs[(n - 1) % #reqs + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,\"max_us\":%d,\"mean_us\":%.1f,\"errors\":{\"connect\":%d,\"read\":%d,\"write\":%d,\"status\":%d,\"timeout\":%d}}\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def run_wrk(args, base, requests, workdir, name, seconds=None, repeat_writes=False):
    data = workdir / f"{name.replace(' ', '_')}.requests.tsv"
    data.write_text("\n".join(request_line(*r) for r in requests) + "\n")
    script = workdir / "bench.lua"
    writes = any(method != "GET" for method, *_ in requests)
    once = "true" if writes and not repeat_writes else "false"
    threads, connections = args.threads, args.connections
    if once == "true":
        # A thread that has sent its share stops, cutting what its other
        # connections still wait for: with fewer writes than connections (a
        # small data set's few open report periods) no request would count.
        threads = max(1, min(threads, len(requests)))
        connections = max(threads, min(connections, len(requests) // 2))
    script.write_text(f"REQUESTS = {lua_string(str(data))}\nTHREADS = {threads}\nONCE = {once}\n"
                      + WRK_SCRIPT)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds or args.duration}s",
                          "--timeout", "10s", "-s", str(script), base], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    sys.exit(f"wrk gave no result for {name}:\n{out.stdout}\n{out.stderr}")


def run_backend(args, binary, backend):
    url, manifest = dataset(args, binary, "sqlite" if backend == "sqlite" else "postgres")
    workdir = Path(tempfile.mkdtemp(prefix=f"duban-load-{backend}-"))
    log = open(workdir / "server.log", "w")
    servers = [Server(binary, url, 18081, log)]
    nginx = None
    if backend == "cluster":
        servers.append(Server(binary, url, 18082, log))
        nginx = Nginx([18081, 18082], 18080, workdir)
    base = nginx.base if nginx else servers[0].base
    print(f"\n== {backend}: {url} via {base}", flush=True)
    try:
        # A new day's first tick relights everything and makes the day's
        # reminders (on a fresh city data set, tens of thousands): measured
        # apart, then the scenarios run on an idle server.
        warmup = max(s.wait_idle() for s in servers)
        print(f"scheduler's day work done after {warmup:.1f} s", flush=True)
        users = {l["username"] for l in manifest["liaisons"][:args.connections * 4]}
        users |= set(manifest["supervisors"][:args.connections])
        # The soak adds measures to work still open, reported or not.
        manifest["all_open_reports"] = manifest["open_reports"]
        users |= {o["username"] for o in manifest["open_reports"][:40]}
        manifest["open_reports"] = unreported(url, manifest)
        users |= {o["username"] for o in manifest["open_reports"]}
        started = time.time()
        tokens = {u: sign_in(base, u, manifest["password"]) for u in sorted(users)}
        print(f"signed in {len(tokens)} users in {time.time() - started:.1f} s", flush=True)
        # The day's first request brings every light up to date; time it apart.
        started = time.time()
        fetch(base, "/workspace", tokens[manifest["liaisons"][0]["username"]])
        first = time.time() - started
        if args.soak:
            return {"backend": backend, "database": url, "servers": len(servers),
                    "counts": manifest["counts"], "soak": soak(args, base, manifest, tokens, servers[0], workdir)}
        rows = []
        only = set(args.only.split(",")) if args.only else None
        for name, requests in scenarios(manifest, tokens):
            if only and name not in only:
                continue
            # One request of each kind first: its size, and that it works at all.
            method, path, headers, body = requests[0]
            if method == "GET":
                status, size = get_with(base, path, headers)
            else:
                status, size = 0, 0
            if method == "GET" and args.warmup > 0:
                # Unmeasured: each server connection's prepared statements and
                # the pages' first reads from disk are not the steady state.
                run_wrk(args, base, requests, workdir, name, args.warmup)
            cpu_before = sum(s.cpu_seconds() for s in servers)
            result = run_wrk(args, base, requests, workdir, name)
            cpu = sum(s.cpu_seconds() for s in servers) - cpu_before
            peak = max(s.memory()[0] for s in servers)
            seconds = result["duration_us"] / 1e6
            errors = sum(result["errors"].values())
            row = {
                "scenario": name, "requests": result["requests"],
                "rps": result["requests"] / seconds, "p50_ms": result["p50_us"] / 1000,
                "p99_ms": result["p99_us"] / 1000, "max_ms": result["max_us"] / 1000,
                "errors": errors, "error_kinds": result["errors"], "peak_mib": peak,
                "server_cpu_s": cpu, "cpu_ms_per_request": 1000 * cpu / max(result["requests"], 1),
                "page_bytes": size, "first_status": status,
                "distinct_requests": len(requests),
            }
            rows.append(row)
            print(f"  {name:<20} {row['rps']:>9.0f} req/s  p50 {row['p50_ms']:>7.2f} ms  p99 {row['p99_ms']:>7.2f} ms"
                  f"  cpu {row['cpu_ms_per_request']:>6.2f} ms/req  errors {errors:>5}  peak {peak:>6.1f} MiB", flush=True)
        run = {"backend": backend, "database": url, "servers": len(servers), "counts": manifest["counts"],
               "scheduler_warmup_s": warmup, "first_request_s": first, "scenarios": rows}
        if not only or "export" in only:
            run["export"] = measure_export(base, manifest, tokens, servers[0])
        if nginx:
            time.sleep(1.5)
            run["answered_by"] = nginx.shares()
        return run
    finally:
        if nginx:
            nginx.stop()
        for s in servers:
            s.stop()
        log.close()


def soak(args, base, manifest, tokens, server, workdir):
    """`--soak SECONDS`: one mixed load for the whole time (the read pages,
    measures added, the ledger as .xlsx and the plan's whole record as JSON)
    with the server's memory sampled every 5 s; a leak shows as a climb."""
    import threading
    reads = [r for name, requests in scenarios(manifest, tokens)
             if name not in ("report write", "healthz") for r in requests[:40]]
    bearer = lambda user: {"Authorization": f"Bearer {tokens[user]}", "Content-Type": "application/json"}
    cookie = lambda user: {"Cookie": f"duban_session={tokens[user]}"}
    writes = [("POST", f"/api/v1/assignments/{o['assignment_id']}/measures", bearer(o["username"]),
               json.dumps({"description": "压力测试：按序时进度推进，形成阶段成果", "responsible_person": "张三",
                           "deadline": "2026-12-31"}, ensure_ascii=False))
              for o in manifest["all_open_reports"][:40] if o["username"] in tokens]
    supervisor = manifest["supervisors"][0]
    plan = max(manifest["plans"], key=lambda p: (p["tasks"], -p["year"]))
    liaison = manifest["liaisons"][0]
    exports = [("GET", f"/api/v1/plans/{plan['id']}/data", bearer(supervisor), None),
               ("GET", f"/ledger.xlsx?plan={liaison['plan_id']}&unit={liaison['unit_id']}", cookie(supervisor), None)]
    # Per 100 requests: 88 page and API reads, 10 writes, 2 exports.
    mix = []
    for i in range(400):
        if i % 50 == 0:
            mix.append(exports[(i // 50) % 2])
        elif i % 10 == 0:
            mix.append(writes[(i // 10) % len(writes)])
        else:
            mix.append(reads[i % len(reads)])
    samples, done = [], threading.Event()

    def sample():
        started = time.time()
        while not done.is_set():
            samples.append((round(time.time() - started), round(server.memory()[1], 1)))
            done.wait(5)

    sampler = threading.Thread(target=sample)
    sampler.start()
    cpu_before = server.cpu_seconds()
    result = run_wrk(args, base, mix, workdir, "soak", seconds=args.soak, repeat_writes=True)
    done.set()
    sampler.join()
    seconds = result["duration_us"] / 1e6
    rss = [m for _, m in samples]
    tenth = max(1, len(rss) // 10)
    row = {"seconds": seconds, "requests": result["requests"], "rps": result["requests"] / seconds,
           "p50_ms": result["p50_us"] / 1000, "p99_ms": result["p99_us"] / 1000, "max_ms": result["max_us"] / 1000,
           "errors": sum(result["errors"].values()), "error_kinds": result["errors"],
           "cpu_ms_per_request": 1000 * (server.cpu_seconds() - cpu_before) / max(result["requests"], 1),
           "rss_first_tenth_mib": max(rss[:tenth]), "rss_last_tenth_mib": max(rss[-tenth:]),
           "rss_max_mib": max(rss), "peak_mib": server.memory()[0], "rss_samples": samples}
    print(f"  soak {seconds:.0f} s: {row['requests']} requests ({row['rps']:.0f}/s: 88 % reads, 10 % writes, 2 % exports), "
          f"p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms, errors {row['errors']} {row['error_kinds']}", flush=True)
    print(f"  resident memory: first tenth max {row['rss_first_tenth_mib']} MiB, last tenth max "
          f"{row['rss_last_tenth_mib']} MiB, max {row['rss_max_mib']} MiB (VmHWM {row['peak_mib']:.0f} MiB)", flush=True)
    print("  every minute: " + ", ".join(f"{t // 60}m {m}" for t, m in samples if t % 60 < 5), flush=True)
    return row


def measure_export(base, manifest, tokens, server):
    """One streamed download of the largest plan's whole record (GET
    /api/v1/plans/{id}/data) as a supervisor: its size, the time to the first
    byte and to the last, and the server's resident memory while it ran."""
    # The oldest of the largest plans: a whole year of reports.
    plan = max(manifest["plans"], key=lambda p: (p["tasks"], -p["year"]))
    token = tokens[manifest["supervisors"][0]]
    request = urllib.request.Request(f"{base}/api/v1/plans/{plan['id']}/data",
                                     headers={"Authorization": f"Bearer {token}"})
    rss_before = server.memory()[1]
    rss_max, size, first_byte = rss_before, 0, None
    started = time.time()
    with urllib.request.urlopen(request, timeout=600) as r:
        while True:
            piece = r.read(256 * 1024)
            if first_byte is None:
                first_byte = time.time() - started
            if not piece:
                break
            size += len(piece)
            rss_max = max(rss_max, server.memory()[1])
    seconds = time.time() - started
    row = {"plan_id": plan["id"], "tasks": plan["tasks"], "bytes": size, "seconds": seconds,
           "first_byte_ms": 1000 * first_byte, "mib_per_s": size / 2**20 / seconds,
           "rss_before_mib": rss_before, "rss_max_mib": rss_max}
    print(f"  plan data export     plan {plan['id']} ({plan['tasks']} tasks): {size / 2**20:.1f} MiB in {seconds:.2f} s "
          f"({row['mib_per_s']:.1f} MiB/s), first byte {row['first_byte_ms']:.0f} ms, "
          f"server RSS {rss_before:.0f} -> max {rss_max:.0f} MiB", flush=True)
    return row


def get_with(base, path, headers):
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=300) as r:
            return r.status, len(r.read())
    except urllib.error.HTTPError as e:
        return e.code, 0


def print_table(results):
    m = results["machine"]
    print(f"\n{m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB; scale {results['scale']}; "
          f"{results['connections']} connections, {results['duration_s']} s per scenario")
    header = (f"| {'backend':<8} | {'scenario':<20} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | "
              f"{'CPU ms/req':>10} | {'errors':>6} | {'peak MiB':>8} |")
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for run in results["runs"]:
        for row in run["scenarios"]:
            print(f"| {run['backend']:<8} | {row['scenario']:<20} | {row['rps']:>8.0f} | {row['p50_ms']:>7.2f} | "
                  f"{row['p99_ms']:>7.2f} | {row['cpu_ms_per_request']:>10.2f} | {row['errors']:>6} | "
                  f"{row['peak_mib']:>8.1f} |")
        if "answered_by" in run:
            print(f"  answered by: {run['answered_by']}")
        if "export" in run:
            e = run["export"]
            print(f"  {run['backend']}: plan data export of plan {e['plan_id']}: {e['bytes'] / 2**20:.1f} MiB in "
                  f"{e['seconds']:.2f} s, first byte {e['first_byte_ms']:.0f} ms, "
                  f"server RSS {e['rss_before_mib']:.0f} -> max {e['rss_max_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
