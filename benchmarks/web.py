"""Web app latency under a bounded load on loopback, with video analyses running in the worker.

A real ``backstride serve`` (one worker process) on a throwaway data folder and database, seeded
with one clinic and ``--runners`` runners (each with check-ins, video results, a program with
logged sessions). ``--users`` simulated users (asyncio + httpx), each with its own session,
browse for ``--seconds``: the runner list, runner pages (charts), program pages, stored results and
the job-progress JSON, with a think time of 0.5-1.5 s between pages. Sessions are made directly in
the database (a login costs an argon2 hash on purpose; it is not what this measures).

Two phases in the same run: a baseline with the worker idle, then the same load while the worker
analyses synthetic side videos back to back (queued before the phase starts). Prints p50 / p95 /
p99 latency, requests, errors for each phase, and the ratio of the loaded p95 to the idle one.
The target is a loaded p95 under 200 ms on two cores.

Run: .venv/bin/python benchmarks/web.py [--users 50] [--seconds 60] [--baseline-seconds 20]
     [--runners 20] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx

THINK_S = (0.5, 1.5)
WARM_UP_S = 8.0


@dataclass
class Phase:
    """Latencies (seconds) by kind of page, and errors, of one phase."""

    name: str
    latencies: list[float] = field(default_factory=list)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    server: list[float] = field(default_factory=list)
    errors: int = 0

    def add(self, page: str, seconds: float) -> None:
        self.latencies.append(seconds)
        self.by_page.setdefault(page, []).append(seconds)

    def pages(self) -> str:
        return "; ".join(
            f"{page} p95 {1000 * statistics.quantiles(xs, n=20)[18]:.0f} ms"
            for page, xs in sorted(self.by_page.items())
            if len(xs) > 1
        )

    def report(self, seconds: float) -> float:
        ms = sorted(1000 * x for x in self.latencies)
        q = statistics.quantiles(ms, n=100) if len(ms) > 1 else ms * 99
        print(
            f"{self.name:<34} requests {len(ms):6d} ({len(ms) / seconds:5.1f}/s)  "
            f"p50 {q[49]:6.1f} ms  p95 {q[94]:6.1f} ms  p99 {q[98]:6.1f} ms  errors {self.errors}"
        )
        return q[94]


def seed(
    db_url: str, runners: int, home: Path
) -> tuple[list[str], list[int], dict[int, list[int]]]:
    """A clinic, its clinician and runners with stored results; returns session tokens for the
    users, the runner ids and each runner's result ids."""
    import os

    os.environ["BACKSTRIDE_HOME"] = str(home)
    from sqlalchemy import select

    from backstride.program.models import Preferences, ProgramInput
    from backstride.program.plan import generate
    from backstride.store import Database
    from backstride.store.program import load_inputs, save_program
    from backstride.store.runners import RunnerProfile
    from backstride.store.symptoms import record_decision
    from backstride.store.tables import Assessment, Runner
    from backstride.store.web_accounts import add_clinic_runner, create_clinic, create_user
    from backstride.store.web_sessions import create_session
    from backstride.symptoms.checkin import CheckIn
    from backstride.symptoms.ruleset import load_ruleset
    from backstride.symptoms.triage import triage
    from backstride.synth.checkins import SUBACUTE_FLEXION, sample_answers

    db = Database.open(db_url)
    with db.session() as s:
        clinic = create_clinic(s, "Bench Physio")
        user = create_user(
            s,
            email="bench@example.org",
            display_name="Bench",
            password_hash="x",
            role="clinician",
            clinic_id=clinic.id,
            is_admin=True,
        )
        ids = [
            add_clinic_runner(s, clinic, RunnerProfile(name=f"Runner {n:03d}")).id
            for n in range(runners)
        ]
        tokens = [create_session(s, user.id, ttl=timedelta(hours=2))[0] for _ in range(100)]
    results: dict[int, list[int]] = {}
    rng = random.Random(1)
    checkin = CheckIn.model_validate(sample_answers(SUBACUTE_FLEXION, date.today()))
    decided = triage(checkin, load_ruleset(), date.today())
    for runner_id in ids:
        with db.session() as s:
            record_decision(s, runner_id, checkin, decided, source="benchmark")
            for week in range(6):
                metrics = {
                    "cadence_spm": 160 + week + rng.random(),
                    "contact_ms": 270 - 3 * week,
                    "overstride_pct_leg": 27 - week,
                }
                s.add(
                    Assessment(
                        runner_id=runner_id,
                        kind="gait",
                        summary={"metrics": metrics, "findings": []},
                    )
                )
            person = s.get_one(Runner, runner_id)
            inputs = load_inputs(s, person)
            program = generate(
                ProgramInput(
                    runner=person.name,
                    triage=inputs.triage,
                    preferences=Preferences(start=date.today()),
                )
            )
            save_program(s, person, program)
        with db.session() as s:
            query = select(Assessment.id).where(Assessment.runner_id == runner_id)
            results[runner_id] = list(s.scalars(query))
    db.dispose()
    return tokens, ids, results


def queue_videos(db_url: str, runner_id: int, count: int, home: Path) -> None:
    """``count`` video analyses of a rendered synthetic side clip for one runner."""
    from backstride.store import BlobStore, Database, add_artifact
    from backstride.store import jobs as queue
    from backstride.synth.render import ClipSpec, render_clip

    clip = render_clip(ClipSpec(width=960, height=540, duration_s=3.0), home / "side.mp4")
    db = Database.open(db_url)
    with db.session() as s:
        artifact = add_artifact(
            s,
            BlobStore(),
            runner_id=runner_id,
            source=clip.path,
            kind="side_video",
            media_type="video/mp4",
        )
        for _ in range(count):
            queue.enqueue(
                s,
                "video_analysis",
                {"side": {"artifact_id": artifact.id, "format": "mp4"}},
                runner_id=runner_id,
            )
    db.dispose()


def jobs_done(db_url: str) -> tuple[int, int]:
    """(done, still queued or running) video analyses."""
    import sqlalchemy as sa

    from backstride.store import Database
    from backstride.store.web_tables import Job

    db = Database.open(db_url)
    with db.session() as s:
        done = s.scalar(sa.select(sa.func.count()).where(Job.status == "done")) or 0
        left = s.scalar(sa.select(sa.func.count()).where(Job.status.in_(["queued", "running"])))
    db.dispose()
    return int(done), int(left or 0)


async def user(
    base: str,
    token: str,
    ids: list[int],
    results: dict[int, list[int]],
    phase: Phase,
    until: float,
    seed_: int,
) -> None:
    """One simulated person browsing until ``until``."""
    rng = random.Random(seed_)
    headers = {"Cookie": f"__Host-backstride={token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        await asyncio.sleep(rng.uniform(0, THINK_S[1]))  # people do not all click at once
        while time.monotonic() < until:
            runner = rng.choice(ids)
            result = rng.choice(results[runner])
            page, path = rng.choice(
                [
                    ("runner list", "/runners"),
                    ("runner page", f"/runners/{runner}"),
                    ("runner page", f"/runners/{runner}"),
                    ("program", f"/runners/{runner}/program"),
                    ("result", f"/runners/{runner}/results/{result}"),
                    ("result json", f"/runners/{runner}/results/{result}.json"),
                ]
            )
            start = time.perf_counter()
            try:
                response = await client.get(path)
                if response.status_code != 200:
                    phase.errors += 1
                timing = response.headers.get("server-timing", "app;dur=0")
                phase.server.append(float(timing.split("dur=")[1]) / 1000)
            except httpx.HTTPError:
                phase.errors += 1
            phase.add(page, time.perf_counter() - start)
            await asyncio.sleep(rng.uniform(*THINK_S))


async def load(
    base: str,
    tokens: list[str],
    ids: list[int],
    results: dict[int, list[int]],
    users: int,
    seconds: float,
    phase: Phase,
) -> None:
    until = time.monotonic() + seconds
    await asyncio.gather(
        *(user(base, tokens[n % len(tokens)], ids, results, phase, until, n) for n in range(users))
    )


def main() -> None:
    from backstride.web.live import live_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=20)
    parser.add_argument("--runners", type=int, default=20)
    parser.add_argument("--db", default=None, help="database URL (default: SQLite in a temp dir)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="backstride-bench-web-"))
    db_url = args.db or f"sqlite:///{home / 'bench.db'}"
    tokens, ids, results = seed(db_url, args.runners, home)
    print(
        f"seeded {len(ids)} runners on {db_url.split('?')[0]}; {args.users} users, think "
        f"{THINK_S[0]}-{THINK_S[1]} s"
    )
    with live_server(home, db_url, "--workers", "1") as base:
        warm = Phase("warm-up (not counted)")  # the server's first seconds: worker start-up
        asyncio.run(load(base, tokens, ids, results, args.users, WARM_UP_S, warm))
        idle = Phase("baseline (worker idle)")
        asyncio.run(load(base, tokens, ids, results, args.users, args.baseline_seconds, idle))
        # enough clips that the worker is still busy when the phase ends (about 8 s per clip)
        queue_videos(db_url, ids[0], int(args.seconds / 4) + 2, home)
        busy = Phase("while video analyses run")
        asyncio.run(load(base, tokens, ids, results, args.users, args.seconds, busy))
        done, left = jobs_done(db_url)
    p95_idle = idle.report(args.baseline_seconds)
    p95_busy = busy.report(args.seconds)
    print(f"  by page, loaded: {busy.pages()}")
    for phase in (idle, busy):
        inside = statistics.quantiles([1000 * x for x in phase.server], n=20)
        print(
            f"  {phase.name}: time inside the app p50 {inside[9]:.1f} ms, p95 {inside[18]:.1f} ms"
        )
    print(
        f"video analyses finished during the loaded phase: {done}; still queued or running at "
        f"its end: {left} (the worker was busy throughout when this is above 0)"
    )
    print(
        f"ratio p95 loaded / idle: {p95_busy / p95_idle:.2f}x; target p95 < 200 ms: "
        f"{'met' if p95_busy < 200 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
