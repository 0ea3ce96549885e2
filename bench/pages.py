"""The dashboards under load (issue 7): the district overview, the indicator explorer and a school's
profile, each hammered by 20 concurrent users for a while, on the demo district, served as `make demo`
serves it (waitress, SQLite). Writes bench/results/pages.json.

The load tool is wrk (Debian's package ``wrk``): 20 connections, closed loop, no think time — each
simulated user asks again as soon as its page arrives, which is harsher than 20 people reading pages.
wrk runs on the same 2-core machine as the server, so the two share the cores. Percentiles are wrk's,
over every request of the run (after a warm-up run that is not counted).

    .venv/bin/python bench/pages.py               # the demo district is generated once per code version
    .venv/bin/python bench/pages.py --duration 30 --connections 20

Goal (issue 7): p95 ≤ 200 ms for each page.
"""

from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
CACHE = HERE / ".cache"
TISHENG = ROOT / ".venv" / "bin" / "tisheng"
PASSWORD = "Xixia-Demo-2025"
GOAL_P95_MS = 200.0
EXPLORED = "yzjh.resource.l1"  # 每百名学生拥有高于规定学历教师数: a bar per school, the map, the CV

LUA = r"""
done = function(summary, latency, requests)
  local out = string.format(
    '{"requests": %d, "seconds": %.3f, "errors_status": %d, "errors_connect": %d, "errors_read": %d, '
    .. '"errors_timeout": %d, "p50_ms": %.2f, "p90_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, '
    .. '"mean_ms": %.2f}',
    summary.requests, summary.duration / 1e6, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.timeout, latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3, latency.mean / 1e3)
  io.stderr:write("WRK-JSON " .. out .. "\n")
end
"""


def code_version() -> str:
    """A digest of what the demo district depends on: the package's files. A change regenerates it."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "tisheng").rglob("*")):
        if path.is_file() and path.suffix in {".py", ".yaml", ".yml", ".json", ".csv"}:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def demo_data_dir(regenerate: bool) -> tuple[Path, float | None]:
    folder = CACHE / f"pages-demo-{code_version()}"
    if (folder / "done").exists() and not regenerate:
        return folder, None
    for old in CACHE.glob("pages-demo-*"):
        shutil.rmtree(old, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"生成演示区县到 {folder}（约 4 分钟）…", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [str(TISHENG), "demo", "--reset", "--no-serve"],
        env=os.environ | {"TISHENG_DATA_DIR": str(folder)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (folder / "done").write_text("ok\n")
    return folder, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"服务器在 {seconds:.0f} 秒内没有启动（端口 {port}）")


def login(base: str, username: str) -> tuple[str, urllib.request.OpenerDirector]:
    """A signed-in session: its cookie header and an opener that carries it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "登录页没有 CSRF 令牌"
    data = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/"})
    opener.open(request).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"无法以 {username} 登录")
    return "; ".join(f"{k}={v}" for k, v in cookies.items()), opener


def first_link(opener: urllib.request.OpenerDirector, url: str, pattern: str) -> str:
    html = opener.open(url).read().decode()
    match = re.search(pattern, html)
    if not match:
        raise SystemExit(f"{url} 上找不到链接 {pattern}")
    return match.group(0).strip('"')


def wrk(url: str, cookie: str, connections: int, seconds: int, script: Path) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        "-H",
        f"Cookie: {cookie}",
        "-H",
        "Accept-Language: zh-hans",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(x for x in done.stderr.splitlines() if x.startswith("WRK-JSON "))
    result = json.loads(line.removeprefix("WRK-JSON "))
    result["requests_per_second"] = round(result["requests"] / result["seconds"], 1)
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--duration", type=int, default=20, help="seconds of measured load per page")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before measuring")
    parser.add_argument("--threads", type=int, help="server threads (default: as `make demo` serves)")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--data-dir", type=Path, help="an existing demo district (e.g. var) instead of the cache"
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("需要负载工具 wrk：apt-get install wrk", file=sys.stderr)
        return 2
    load_before = os.getloadavg()
    data_dir, generated = (args.data_dir.resolve(), None) if args.data_dir else demo_data_dir(args.regenerate)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {"TISHENG_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    if args.threads is None:
        from tisheng.cli import default_threads

        args.threads = default_threads()
    server = subprocess.Popen(
        [str(TISHENG), "serve", "--port", str(port), "--threads", str(args.threads)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        leader_cookie, _leader = login(base, "lingdao")
        principal_cookie, principal = login(base, "xiaozhang")
        # the explorer of a resource indicator of 优质均衡: every school section of the district is listed
        indicator = f"/indicators/{EXPLORED}/"
        school = first_link(principal, f"{base}/home/", r"/schools/\d+/profile/")
        leader_school = school  # the same school, seen by the district
        pages = [
            ("overview", "领导 · 区域总览", f"{base}/home/", leader_cookie),
            ("explorer", "领导 · 指标浏览", f"{base}{indicator}", leader_cookie),
            ("school_profile_district", "领导 · 学校画像", f"{base}{leader_school}", leader_cookie),
            ("school_profile_principal", "校长 · 本校画像", f"{base}{school}", principal_cookie),
        ]
        results = []
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "report.lua"
            script.write_text(LUA)
            for key, label, url, cookie in pages:
                status = urllib.request.urlopen(
                    urllib.request.Request(url, headers={"Cookie": cookie})
                ).status
                assert status == 200, f"{url}: {status}"
                wrk(url, cookie, args.connections, args.warmup, script)
                measured = wrk(url, cookie, args.connections, args.duration, script)
                measured |= {
                    "page": key,
                    "label": label,
                    "path": urllib.parse.urlsplit(url).path,
                    "goal_p95_met": measured["p95_ms"] <= GOAL_P95_MS,
                }
                results.append(measured)
                print(
                    f"{label:<16} p50 {measured['p50_ms']:7.1f} ms  p95 {measured['p95_ms']:7.1f} ms  "
                    f"{measured['requests_per_second']:6.1f} 次/秒  错误 {measured['errors_status']}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    result = {
        "benchmark": "pages",
        "what": "district overview, indicator explorer and school profile under concurrent users (wrk)",
        "commit": commit,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": [round(x, 2) for x in load_before],
        },
        "server": {"kind": "waitress", "threads": args.threads, "database": "SQLite (demo)"},
        "load": {
            "tool": "wrk",
            "connections": args.connections,
            "seconds": args.duration,
            "warmup_seconds": args.warmup,
            "think_time": 0,
        },
        "demo_generated_seconds": generated,
        "goal_p95_ms": GOAL_P95_MS,
        "pages": results,
        "all_goals_met": all(r["goal_p95_met"] for r in results),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"结果写在 {RESULTS / 'pages.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
