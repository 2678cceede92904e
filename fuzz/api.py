#!/usr/bin/env python3
"""Fuzzes the API with schemathesis, as each role, against a real server.

Starts `duban demo` (the seed plan on 2021-06-15, a fresh SQLite database) on
loopback, signs in as the admin, a supervisor, a leader, a viewer and a unit's
liaison, and runs schemathesis against /api/v1/openapi.json as each of them
for a bounded time: every operation is called with the schema's examples, its
boundary values and random data. It fails on

- any 5xx answer (`not_a_server_error`),
- any answer that breaks the documented schema (`response_schema_conformance`),
- any write the role may not make: afterwards the audit chain must hold no
  event by the viewer but signing in and out, and every measure, report and
  difficulty the liaison's token wrote must be on its own unit's work.

    fuzz/api.py --binary target/debug/duban --seconds 30

schemathesis comes from PyPI and is installed when missing. Everything runs on
127.0.0.1; only the standard library is used here besides schemathesis.
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The server helpers of the load benchmark, not written twice.
sys.path.insert(0, str(ROOT / "bench"))
from load import sign_in, wait_until_up  # noqa: E402
ROLES = ["admin", "supervisor", "leader", "viewer", "区房管局"]
# Signing in is rate limited and signing out ends the token under test: both
# have their own tests (tests/sessions.rs, tests/api.rs).
EXCLUDED = r"/(login|logout)$"


def main():
    args = parse_args()
    ensure_schemathesis()
    workdir = Path(tempfile.mkdtemp(prefix="duban-api-fuzz-"))
    db = workdir / "fuzz.db"
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [args.binary, "demo", "--db", f"sqlite://{db}", "--as-of", "2021-06-15",
         "--listen", f"127.0.0.1:{args.port}"],
        stdout=subprocess.DEVNULL, stderr=open(workdir / "server.log", "w"),
        env={**os.environ, "RUST_LOG": "warn"})
    failed = []
    try:
        wait_until_up(base + "/healthz", server)
        tokens = {role: sign_in(base, role, "demo") for role in ROLES}
        schema = workdir / "openapi.json"
        schema.write_bytes(get(base + "/api/v1/openapi.json", tokens["admin"]))
        for role in ROLES:
            print(f"\n== schemathesis as {role}, {args.seconds} s", flush=True)
            run = subprocess.run(
                ["schemathesis", "run", str(schema), "--url", base,
                 "--header", f"Authorization: Bearer {tokens[role]}",
                 "--checks", "not_a_server_error,response_schema_conformance",
                 "--exclude-path-regex", EXCLUDED,
                 "--phases", "examples,coverage,fuzzing",
                 "--max-time", str(args.seconds),
                 "--suppress-health-check", "all",
                 "--warnings", "off",
                 "--seed", str(args.seed),
                 "--no-color"],
                # Its example database stays in the temporary directory.
                capture_output=True, text=True, cwd=workdir)
            summary = [l for l in run.stdout.splitlines() if "generated" in l or "passed" in l[-20:]]
            print("\n".join(summary[-3:]) or run.stdout[-2000:], flush=True)
            if run.returncode != 0:
                print(run.stdout[-12000:], run.stderr[-4000:], sep="\n")
                failed.append(f"schemathesis as {role} (exit {run.returncode})")
        if server.poll() is not None:
            failed.append(f"the server exited with {server.returncode}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    failed += unauthorised_writes(db)
    for problem in failed:
        print(f"FAILED: {problem}")
    if not failed:
        print("\nno 5xx, no answer outside the schema, no write a role may not make")
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"server log and database kept in {workdir}")
    sys.exit(1 if failed else 0)


def unauthorised_writes(db):
    """What the audit chain says the viewer and the liaison got through."""
    problems = []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        viewer = conn.execute(
            "SELECT action, entity, entity_id FROM audit_events WHERE actor = 'user:viewer' "
            "AND action NOT IN ('session.login', 'session.logout')").fetchall()
        if viewer:
            problems.append(f"the viewer wrote: {viewer[:10]}")
        liaison_unit = conn.execute(
            "SELECT unit_id FROM users WHERE username = '区房管局'").fetchone()[0]
        for entity, table in [("measure", "measures"), ("progress_report", "progress_reports"),
                              ("difficulty", "difficulties")]:
            foreign = conn.execute(
                f"SELECT e.action, e.entity_id FROM audit_events e JOIN {table} x ON x.id = e.entity_id "
                f"JOIN assignments a ON a.id = x.assignment_id "
                f"WHERE e.actor = 'user:区房管局' AND e.entity = ? AND a.unit_id <> ?",
                (entity, liaison_unit)).fetchall()
            if foreign:
                problems.append(f"the liaison wrote another unit's {table}: {foreign[:10]}")
        counts = conn.execute(
            "SELECT actor, COUNT(*) FROM audit_events WHERE actor LIKE 'user:%' GROUP BY actor").fetchall()
        print(f"audit events by role: {dict(counts)}")
    return problems


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    p.add_argument("--binary", default=f"{target}/debug/duban")
    p.add_argument("--seconds", type=int, default=30, help="schemathesis time per role")
    p.add_argument("--port", type=int, default=18390)
    p.add_argument("--seed", type=int, default=20261202, help="schemathesis's seed (fixed: a CI failure replays)")
    return p.parse_args()


def ensure_schemathesis():
    if shutil.which("schemathesis"):
        return
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "schemathesis"]
    if subprocess.run(pip).returncode != 0:
        subprocess.run(pip + ["--break-system-packages"], check=True)


def get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as r:
        return r.read()


if __name__ == "__main__":
    main()
