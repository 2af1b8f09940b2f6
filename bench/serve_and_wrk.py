#!/usr/bin/env python
"""Throughput of the storefront under gunicorn (2 sync workers) measured with wrk, ceiling included.

    bench/gen_catalogue.py                # once: fk_bench_n2000
    bench/serve_and_wrk.py                # N=2000, both cache modes, 1 run each
    bench/serve_and_wrk.py --modes cached --runs 2 --duration 15s

Serves the project like production (marketplace.settings.production, DEBUG off,
PostgreSQL, Redis cache, CONN_MAX_AGE=60, WhiteNoise) with
`gunicorn --workers 2`, then per page `wrk -t2 -c16 -d15s --timeout 30s --latency`
(the stock-Oscar anchor's command). The ceiling is /bench/ceiling/, a bare
20 KB view through the same middleware stack (BENCH_CEILING_VIEW). Prints
req/s, p50 and p99 latency and each page's ratio to the ceiling of the same run.

Modes: `cached` = as deployed (anonymous pages from the Redis page cache, wrk
sends no cookies); `render` = STOREFRONT_PAGE_CACHE off, every request renders
the page (menus and filter choices still come from Redis), as for a visitor
with a basket; `signed-in` = as deployed, wrk sends the session cookie of the
demo customer, signed in with 3 products and a gift basket in the cart (never
page-cached: the layout shows the cart and the account menu).
Raw wrk output goes to /tmp/fk_bench/results/<timestamp>/.
"""

import argparse
import json
import re
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import PYTHON, ROOT, django_env, run  # noqa: E402

TARGETS = {
    "cached": {"catalogue": 0.10, "category": 0.10, "product": 0.15, "composer": 0.05},
    "signed-in": {"catalogue": 0.04, "category": 0.04, "product": 0.06, "composer": 0.04},
}


def get(url: str, timeout: float = 30, cookie: str = "") -> tuple[int, int, float]:
    start = time.perf_counter()
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, len(response.read()), time.perf_counter() - start
    except urllib.error.HTTPError as error:
        return error.code, 0, time.perf_counter() - start


def wait_until_up(base: str) -> None:
    for _ in range(300):
        try:
            if get(f"{base}/bench/ceiling/", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def drain(base: str) -> None:
    """Wait until the workers have served what wrk left queued, so no page starts behind another."""
    for _ in range(600):
        if get(f"{base}/bench/ceiling/")[2] < 0.05:
            return
        time.sleep(0.1)


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def parse_wrk(text: str) -> dict:
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", text).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", text).group(1)),
        "requests": int(re.search(r"(\d+) requests in", text).group(1)),
        "bad": (int(non_2xx.group(1)) if non_2xx else 0),
        "errors": errors.group(1).strip() if errors else "",
    }


def bench_mode(*, mode: str, args, pages: dict, out: Path, cookie: str = "") -> list[dict]:
    port = args.port
    base = f"http://127.0.0.1:{port}"
    env = django_env(args.products, STOREFRONT_PAGE_CACHE=mode != "render")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "marketplace.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--error-logfile",
            str(out / f"gunicorn-{mode}.log"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(base)
        for name, path in pages.items():
            statuses = {get(base + path, cookie=cookie if name != "ceiling" else "")[0] for _ in range(20)}
            if statuses != {200}:
                raise SystemExit(f"{name} {path}: HTTP {statuses} (see {out})")
        rows = []
        for run_no in range(1, args.runs + 1):
            for name, path in pages.items():
                command = [
                    "wrk",
                    f"-t{args.threads}",
                    f"-c{args.connections}",
                    f"-d{args.duration}",
                    "--timeout",
                    "30s",
                    "--latency",
                    base + path,
                ]
                if cookie and name != "ceiling":
                    command[1:1] = ["-H", f"Cookie: {cookie}"]
                print(f"  [{mode} run {run_no}] {' '.join(command)}", flush=True)
                result = subprocess.run(command, capture_output=True, text=True, check=True).stdout
                (out / f"{mode}-run{run_no}-{name}.txt").write_text(result)
                rows.append({"mode": mode, "run": run_no, "page": name, "path": path, **parse_wrk(result)})
                drain(base)
        return rows
    finally:
        server.terminate()
        server.wait(timeout=30)


def print_table(rows: list[dict]) -> None:
    for mode, run_no in sorted({(r["mode"], r["run"]) for r in rows}):
        subset = [r for r in rows if r["mode"] == mode and r["run"] == run_no]
        ceiling = next(r["rps"] for r in subset if r["page"] == "ceiling")
        print(f"\n### mode={mode}, run {run_no}\n")
        print("| page | req/s | p50 ms | p99 ms | ratio to ceiling | target | non-2xx | errors |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        for r in subset:
            ratio = r["rps"] / ceiling
            target = TARGETS.get(mode, {}).get(r["page"])
            verdict = "" if target is None else f">= {target} " + ("ok" if ratio >= target else "MISSED")
            print(
                f"| {r['page']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | {ratio:.3f} "
                f"| {verdict} | {r['bad']} | {r['errors']} |"
            )


def print_summary(rows: list[dict]) -> None:
    """One table: each page's req/s, ratio to its run's ceiling, and p99, per mode (first run)."""
    modes = [m for m in ("cached", "render", "signed-in") if any(r["mode"] == m for r in rows)]
    first = {m: [r for r in rows if r["mode"] == m and r["run"] == 1] for m in modes}
    ceilings = {m: next(r["rps"] for r in first[m] if r["page"] == "ceiling") for m in modes}
    print("\n### summary (run 1): req/s — ratio to the ceiling of the same server — p99 ms\n")
    print("| page | " + " | ".join(modes) + " |")
    print("|---|" + "---:|" * len(modes))
    for page in [r["page"] for r in first[modes[0]]]:
        cells = []
        for m in modes:
            r = next((x for x in first[m] if x["page"] == page), None)
            if r is None:
                cells.append("–")
                continue
            target = TARGETS.get(m, {}).get(page)
            ratio = r["rps"] / ceilings[m]
            mark = "" if target is None else (" ✓" if ratio >= target else f" (target {target})")
            cells.append(f"{r['rps']:.1f} — {ratio:.3f}{mark} — {r['p99']:.0f}")
        print(f"| {page} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description="gunicorn + wrk storefront benchmark")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--duration", default="15s")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--modes",
        nargs="+",
        default=["cached", "render", "signed-in"],
        choices=["cached", "render", "signed-in"],
    )
    parser.add_argument("--pages", nargs="*", help="only these pages (the ceiling is always included)")
    args = parser.parse_args()

    out = Path("/tmp/fk_bench/results") / datetime.now().strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    env = django_env(args.products)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    env["PYTHONPATH"] = f"{ROOT}:{ROOT / 'bench'}"
    pages = json.loads(
        subprocess.run(
            [PYTHON, str(ROOT / "bench/_pages.py")],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    if args.pages:
        pages = {k: v for k, v in pages.items() if k == "ceiling" or k in args.pages}
    else:
        pages.pop("search")  # not one of the pages; `--pages search` measures it
    print(f"N={args.products}, gunicorn --workers 2 on :{args.port}, results in {out}")
    print("pages: " + ", ".join(f"{k}={v}" for k, v in pages.items()), flush=True)
    cookie = ""
    if "signed-in" in args.modes:
        cookie = json.loads(
            subprocess.run(
                [PYTHON, str(ROOT / "bench/_pages.py"), "--signed-in-cookie"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
    rows = []
    for mode in args.modes:
        rows += bench_mode(
            mode=mode, args=args, pages=pages, out=out, cookie=cookie if mode == "signed-in" else ""
        )
    (out / "results.json").write_text(json.dumps(rows, indent=1))
    print_table(rows)
    print_summary(rows)
    print(
        "\nShared, noisy 2-vCPU machine: wrk, gunicorn, PostgreSQL and Redis share the cores "
        "with other work; compare ratios from the same run."
    )


if __name__ == "__main__":
    main()
