"""``python -m tests.fuzz``: schemathesis over the whole API, once per role, on a live server.

``make fuzz`` runs this (issue 12, "proof in the project"). It makes a fresh database
beside the one ``DATABASE_URL`` names (``practice``), loads the demo practice, issues an
API token to one person of each role and to a portal client, serves the practice with
gunicorn as ``make serve`` does (DEBUG off) on a free loopback port, and runs schemathesis
over ``/api/v1/openapi.json`` with each token. Every check is on (5xx, status code,
content type, response headers and schema, negative data refused, schema-valid data
accepted, ...; ``schemathesis.toml`` beside this file holds the settings and the few
per-operation allowances with their reasons). Any failure fails the run.

Each role fuzzes every operation (random valid and invalid requests). The coverage phase
(every boundary and every kind of wrong value of every parameter, deterministically, some
7,000 requests over the document) runs once per operation, with the token of the role
that does that work (``COVERAGE_ROLE_BY_TAG``): its wrong values are refused before any
role matters, and six times the same walk would not fit the bound.

Three roles run at a time (``--jobs``), each a schemathesis process of one worker: threads
in one process hit a CPython 3.11 bug in ``ast.parse`` (hypothesis describes its filters
with it), and processes use both cores while each waits on the server. A staff role that
may end the portal client's access starts once the client's own run is over: the client,
the monitor and the privacy officer first, then the other three.

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
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fuzz.practice import ROLE_EMAILS, ROOT, environment, fresh_database, seed

CONFIG = Path(__file__).resolve().parent / "schemathesis.toml"

# Who walks each tag's operations in the coverage phase: the role whose work they are.
COVERAGE_ROLE_BY_TAG = {
    "portal": "client",
    "therapy": "therapist",
    "measures": "therapist",
    "pathway": "medical_provider",
    "medicine": "monitor",
    "reports": "monitor",
    "clients": "front_desk",
    "appointments": "front_desk",
    "staff schedules": "front_desk",
    "practice": "front_desk",
    "intensives": "medical_provider",  # plans and books; approves the dosing days
    "audit": "privacy_officer",
    "exports": "privacy_officer",
    "emergency access": "privacy_officer",
    "api tokens": "privacy_officer",
}
# Staff who may end the portal client's access (POST .../portal-access/end): they start
# after the client's run, which would otherwise turn into 401s half way.
AFTER_THE_CLIENT = frozenset({"therapist", "medical_provider", "front_desk"})
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
    seconds: float
    exit_code: int
    log: Path


@dataclass
class Job:
    """One role's passes, run one after the other: every operation, then its own revoke."""

    role: str
    thread: threading.Thread | None = None
    passes: list[Pass] = field(default_factory=list)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--max-examples", type=int, default=3, help="Per operation and phase.")
    parser.add_argument("--timeout", type=float, default=600, help="Seconds for the whole run.")
    parser.add_argument("--jobs", type=int, default=3, help="Roles run at the same time.")
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
) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """gunicorn on ``port``, answering; and the document it serves."""
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
    document: dict[str, Any] = {}
    for _ in range(int(server_env["WEB_CONCURRENCY"]) + 1):
        address = f"http://127.0.0.1:{port}/api/v1/openapi.json"
        with urllib.request.urlopen(address, timeout=120) as response:
            document = json.load(response)
    return server, document


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


def _tags(document: dict[str, Any]) -> set[str]:
    return {
        tag
        for item in document.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict)
        for tag in operation.get("tags", [])
    }


def _role_config(role: str, folder: Path) -> Path:
    """The settings file of one role: the shared one, with the coverage phase off for the
    operations other roles walk."""
    others = sorted(tag for tag, owner in COVERAGE_ROLE_BY_TAG.items() if owner != role)
    block = (
        f"\n# Added by tests/fuzz for {role}: other roles walk these tags in the coverage phase.\n"
        "[[operations]]\n"
        f"include-tag = {json.dumps(others)}\n"
        "phases.coverage.enabled = false\n"
    )
    path = folder / f"{role}.toml"
    path.write_text(CONFIG.read_text() + block)
    return path


def _schemathesis(
    *,
    role: str,
    label: str,
    token: str,
    port: int,
    options: argparse.Namespace,
    operation_filter: list[str],
    folder: Path,
    deadline: float,
) -> Pass:
    report = folder / f"{role}-{label}.json"
    log = folder / f"{role}-{label}.log"
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(_role_config(role, folder)),
        "run",
        f"http://127.0.0.1:{port}/api/v1/openapi.json",
        "--max-examples",
        str(options.max_examples),
        "--workers",
        "1",
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
    started = time.monotonic()
    print(f"{time.strftime('%H:%M:%S')} {role}: {label} started", flush=True)
    # The token goes by the environment, not the command line (``ps`` shows a command line).
    with log.open("wb") as output:
        runner = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env={**os.environ, "FUZZ_TOKEN": token},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
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
    done = Pass(
        role=role,
        label=label,
        operations=summary.get("operations", {}).get("tested", 0),
        test_cases=cases.get("generated", 0),
        failures=sum(f.get("count", 0) for f in summary.get("failures", [])),
        errors=sum(e.get("count", 1) for e in summary.get("errors", [])),
        seconds=seconds,
        exit_code=exit_code,
        log=log,
    )
    print(
        f"{time.strftime('%H:%M:%S')} {role}: {label} done in {seconds:.0f} s, "
        f"{done.test_cases} cases, {done.failures} failures, {done.errors} errors",
        flush=True,
    )
    return done


def _run_role(job: Job, **arguments: Any) -> None:
    for label, operation_filter in (
        ("all", ["--exclude-operation-id", REVOKE_OWN_TOKEN]),
        ("revoke", ["--include-operation-id", REVOKE_OWN_TOKEN]),
    ):
        done = _schemathesis(
            role=job.role, label=label, operation_filter=operation_filter, **arguments
        )
        job.passes.append(done)


def _run_roles(
    roles: list[str], tokens: dict[str, str], jobs: int, deadline: float, **arguments: Any
) -> list[Job]:
    """Every role's passes, ``jobs`` roles at a time, the client's before those who may
    end its portal access."""
    waiting = [Job(role) for role in roles]
    started: list[Job] = []

    def running() -> list[Job]:
        return [job for job in started if job.thread is not None and job.thread.is_alive()]

    def may_start(job: Job) -> bool:
        client = next((j for j in waiting + started if j.role == "client"), None)
        client_done = client is None or (client in started and client not in running())
        return job.role not in AFTER_THE_CLIENT or client_done

    while (waiting or running()) and time.monotonic() < deadline:
        ready = [job for job in waiting if may_start(job)]
        if ready and len(running()) < jobs:
            job = ready[0]
            waiting.remove(job)
            job.thread = threading.Thread(
                target=_run_role,
                args=(job,),
                kwargs={**arguments, "token": tokens[job.role], "deadline": deadline},
            )
            job.thread.start()
            started.append(job)
            continue
        time.sleep(0.5)
    for job in started:
        assert job.thread is not None
        job.thread.join()
    return started + waiting


def _table(passes: list[Pass]) -> list[str]:
    rows = [
        f"{'role':<17} {'pass':<8} {'operations':>10} {'cases':>7} "
        f"{'failures':>8} {'errors':>6} {'seconds':>7}"
    ]
    for p in passes:
        rows.append(
            f"{p.role:<17} {p.label:<8} {p.operations:>10} {p.test_cases:>7} "
            f"{p.failures:>8} {p.errors:>6} {p.seconds:>7.0f}"
        )
    return rows


def _what_failed(log: Path) -> str:
    """A failed pass's own account: schemathesis's ERRORS and FAILURES sections."""
    text = log.read_text(errors="replace") if log.exists() else ""
    for heading in ("= ERRORS =", "= FAILURES ="):
        if heading in text:
            return text[text.index(heading) - 40 :]
    return text[-5000:]


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
    jobs: list[Job] = []
    access_log = folder / "access.log"
    try:
        tokens = seed(env)
        print(
            f"Practice ready in {time.monotonic() - started:.0f} s on {database.url.split('@')[-1]}"
        )
        port = _free_port()
        server, document = _serve(env, port, access_log, folder / "server.log")
        unwalked = sorted(_tags(document) - set(COVERAGE_ROLE_BY_TAG))
        if unwalked:
            raise SystemExit(
                f"No role walks the operations tagged {', '.join(unwalked)} in the coverage "
                "phase: add them to COVERAGE_ROLE_BY_TAG in tests/fuzz/__main__.py."
            )
        jobs = _run_roles(
            roles, tokens, options.jobs, deadline, port=port, options=options, folder=folder
        )
    finally:
        if server is not None:
            _stop(server)
        database.drop()
    wall = time.monotonic() - started
    passes = [p for job in jobs for p in job.passes]
    bad = [p for p in passes if p.exit_code != 0]
    for p in bad:
        print(f"\n===== {p.role}: {p.label} (exit {p.exit_code}) =====\n{_what_failed(p.log)}")
    print("\n" + "\n".join(_table(passes)))
    operations = max((p.operations for p in passes if p.label == "all"), default=0) + 1
    print(
        f"\n{len(roles)} roles, {operations} operations, "
        f"{sum(p.test_cases for p in passes)} test cases, {_lines(access_log)} requests, "
        f"{sum(p.failures for p in passes)} failures, {sum(p.errors for p in passes)} errors, "
        f"{wall:.0f} s wall time (python -m tests.fuzz {' '.join(sys.argv[1:])})"
    )
    server_log = folder / "server.log"
    if bad and server_log.exists():  # the server's own account of any 5xx
        errors = [line for line in server_log.read_text().splitlines() if " ERROR " in line]
        print("\n".join(errors[-50:]))
    if options.keep:
        print(f"Reports, logs and the server's log in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    if any(p.exit_code == -1 for p in passes) or wall > options.timeout:
        print(f"The run went over its bound of {options.timeout:.0f} s.", file=sys.stderr)
    if bad or len(passes) != 2 * len(roles):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
