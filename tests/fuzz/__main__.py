"""``python -m tests.fuzz``: schemathesis over the whole API, once per role, on a live server.

``make fuzz`` runs this (issue 12, "proof in the project"). It makes a fresh database
beside the one ``DATABASE_URL`` names (``practice``), loads the demo practice, issues an
API token to one person of each role and to a portal client, serves the practice with
gunicorn as ``make serve`` does (DEBUG off) on a free loopback port, and runs schemathesis
over ``/api/v1/openapi.json`` with each token in turn. Every check is on (5xx, status
code, content type, response headers and schema, negative data refused, schema-valid data
accepted, ...; ``schemathesis.toml`` beside this file holds the settings and the few
per-operation allowances with their reasons). Any failure fails the run.

Bounded: ``--max-examples`` per operation and phase, and ``--timeout`` for the whole run
(default 600 s), past which the run stops and fails.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.fuzz.practice import ROLE_EMAILS, ROOT, environment, fresh_database, seed

CONFIG = Path(__file__).resolve().parent / "schemathesis.toml"
# Revoking its own token would turn the rest of a role's run into 401s: the operation
# runs last for each role, on its own (it is fuzzed all the same).
REVOKE_OWN_TOKEN = "kapcare_accounts_api_revoke_my_api_token"


@dataclass
class Pass:
    role: str
    label: str
    operations: int
    test_cases: int
    failures: int
    errors: int
    requests: int
    seconds: float
    exit_code: int


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--max-examples", type=int, default=10, help="Per operation and phase.")
    parser.add_argument("--timeout", type=float, default=600, help="Seconds for the whole run.")
    parser.add_argument("--workers", type=int, default=2, help="schemathesis workers.")
    parser.add_argument("--roles", default=",".join(ROLE_EMAILS), help="Comma separated.")
    parser.add_argument("--seed", type=int, default=None, help="Repeat a run's generation.")
    parser.add_argument("--keep", action="store_true", help="Keep the run's folder (reports).")
    return parser.parse_args()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(
    env: dict[str, str], port: int, access_log: Path, server_log: Path
) -> subprocess.Popen[bytes]:
    workers = "3" if env["DATABASE_URL"].startswith("postgres") else "1"
    server_env = {
        **env,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": env.get("WEB_CONCURRENCY", workers),
        "DATABASE_CONN_MAX_AGE": "60",
        "GUNICORN_ACCESS_LOG": str(access_log),
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [gunicorn, "--config", "gunicorn.conf.py", "kapcare.wsgi:application"],
        cwd=ROOT,
        env=server_env,
        # Thousands of 4xx warnings: kept in the run's folder, shown when the server fails.
        stdout=server_log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # stopped as a group, workers included
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.stderr.write(server_log.read_text()[-5000:])
            raise SystemExit("gunicorn stopped before it served: its log is above.")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2):
                break
        except OSError:
            time.sleep(0.5)
    else:
        _stop(server)
        raise SystemExit("gunicorn did not answer /livez within 90 s.")
    # The first answer of each worker imports every router and builds the document: on a
    # loaded machine longer than schemathesis waits for a schema (10 s).
    for _ in range(int(server_env["WEB_CONCURRENCY"]) + 1):
        document = f"http://127.0.0.1:{port}/api/v1/openapi.json"
        with urllib.request.urlopen(document, timeout=120):
            pass
    return server


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as log:
        return sum(1 for _ in log)


def _schemathesis(
    *,
    role: str,
    label: str,
    token: str,
    port: int,
    options: argparse.Namespace,
    operation_filter: list[str],
    folder: Path,
    access_log: Path,
    deadline: float,
) -> Pass:
    report = folder / f"{role}-{label}.json"
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(CONFIG),
        "run",
        f"http://127.0.0.1:{port}/api/v1/openapi.json",
        "--max-examples",
        str(options.max_examples),
        "--workers",
        str(options.workers),
        "--wait-for-schema",
        "60",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        *operation_filter,
    ]
    if options.seed is not None:
        command += ["--seed", str(options.seed)]
    before, started = _lines(access_log), time.monotonic()
    print(f"\n== {role}: {label} ==", flush=True)
    # The token goes by the environment, not the command line (``ps`` shows a command line).
    runner = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env={**os.environ, "FUZZ_TOKEN": token}, start_new_session=True
    )
    try:
        exit_code = runner.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        _stop(runner)
        exit_code = -1
    seconds = time.monotonic() - started
    try:
        summary = json.loads(report.read_text())
    except (OSError, ValueError):  # stopped at the bound before it wrote its report
        summary = {}
    cases = summary.get("test_cases", {})
    return Pass(
        role=role,
        label=label,
        operations=summary.get("operations", {}).get("tested", 0),
        test_cases=cases.get("generated", 0),
        failures=sum(f.get("count", 0) for f in summary.get("failures", [])),
        errors=len(summary.get("errors", [])),
        requests=_lines(access_log) - before,
        seconds=seconds,
        exit_code=exit_code,
    )


def _table(passes: list[Pass]) -> list[str]:
    rows = [
        f"{'role':<17} {'pass':<8} {'operations':>10} {'cases':>7} {'requests':>9} "
        f"{'failures':>8} {'errors':>6} {'seconds':>7}"
    ]
    for p in passes:
        rows.append(
            f"{p.role:<17} {p.label:<8} {p.operations:>10} {p.test_cases:>7} {p.requests:>9} "
            f"{p.failures:>8} {p.errors:>6} {p.seconds:>7.0f}"
        )
    return rows


def main() -> None:
    options = _arguments()
    started = time.monotonic()
    deadline = started + options.timeout
    roles = [role.strip() for role in options.roles.split(",") if role.strip()]
    unknown = sorted(set(roles) - set(ROLE_EMAILS))
    if unknown:
        raise SystemExit(f"Unknown role(s): {', '.join(unknown)}; known: {', '.join(ROLE_EMAILS)}.")
    folder = Path(tempfile.mkdtemp(prefix="kapcare-fuzz-"))
    database = fresh_database(os.environ.get("DATABASE_URL", ""), folder)
    env = environment(database, folder / "var")
    server = None
    passes: list[Pass] = []
    try:
        tokens = seed(env)
        print(
            f"Practice ready in {time.monotonic() - started:.0f} s on {database.url.split('@')[-1]}"
        )
        port = _free_port()
        access_log = folder / "access.log"
        server = _serve(env, port, access_log, folder / "server.log")
        for role in roles:
            if time.monotonic() >= deadline:
                break
            for label, operation_filter in (
                ("all", ["--exclude-operation-id", REVOKE_OWN_TOKEN]),
                ("revoke", ["--include-operation-id", REVOKE_OWN_TOKEN]),
            ):
                passes.append(
                    _schemathesis(
                        role=role,
                        label=label,
                        token=tokens[role],
                        port=port,
                        options=options,
                        operation_filter=operation_filter,
                        folder=folder,
                        access_log=access_log,
                        deadline=deadline,
                    )
                )
    finally:
        if server is not None:
            _stop(server)
        database.drop()
    wall = time.monotonic() - started
    print("\n" + "\n".join(_table(passes)))
    total_operations = max((p.operations for p in passes if p.label == "all"), default=0) + 1
    print(
        f"\n{len(roles)} roles, {total_operations} operations, "
        f"{sum(p.requests for p in passes)} requests, "
        f"{sum(p.failures for p in passes)} failures, {sum(p.errors for p in passes)} errors, "
        f"{wall:.0f} s wall time (python -m tests.fuzz {' '.join(sys.argv[1:])})"
    )
    bad = [p for p in passes if p.exit_code != 0]
    server_log = folder / "server.log"
    if bad and server_log.exists():  # the server's own account of any 5xx
        errors = [line for line in server_log.read_text().splitlines() if " ERROR " in line]
        print("\n".join(errors[-50:]))
    if options.keep:
        print(f"Reports and the server's log in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    if any(p.exit_code == -1 for p in passes):
        print(f"The run went over its bound of {options.timeout:.0f} s.", file=sys.stderr)
    if bad or len(passes) != 2 * len(roles):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
