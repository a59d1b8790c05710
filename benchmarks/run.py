# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Benchmark of utoronto.vss against vss-emulator on loopback: `make bench` (see benchmarks/README.md).

Each scenario starts its own emulator(s), runs every contender several times in alternating
order, and reports medians and the ratios between contenders measured in this one run. Results
go to benchmarks/results/ as Markdown, JSON and a PNG chart of the ratios.
"""

import argparse
import json
import math
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vss_emulator.testing import TOKEN, Emulator

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PLAYBOOKS = HERE / "playbooks"
PYTHON = sys.executable
BIN = Path(PYTHON).parent

LISTING_IMAGES = 10000
LOOKUP_IMAGES = 200
PAGE_CAP = 100
NAME = "ubuntu"
LOOKUP_HOSTS = 20
LOOKUP_CALLS = 50
VM_COUNTS = (1, 5, 20)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each contender (default 3)")
    parser.add_argument("--quick", action="store_true", help="one run of each contender")
    parser.add_argument(
        "--scenarios",
        default="listing,lookups,vms",
        help="comma-separated subset of listing, lookups, vms (default: all three)",
    )
    parser.add_argument(
        "--slow-runs",
        type=int,
        default=1,
        help="runs of the slow contenders (uri loop, lookups without cache, 20 VMs, serial VM loops), "
        "at most --repeat (default 1)",
    )
    parser.add_argument("--request-delay", type=float, default=3.0, help="emulator --request-delay for vms")
    parser.add_argument(
        "--poll-interval", type=float, default=1.0, help="poll interval of both VM contenders"
    )
    parser.add_argument(
        "--vm-counts",
        default=",".join(map(str, VM_COUNTS)),
        help="numbers of VMs to deploy, the first being the baseline (default 1,5,20)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results", help="results folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 1
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    try:
        args.vm_counts = tuple(int(count) for count in args.vm_counts.split(","))
    except ValueError:
        parser.error("--vm-counts: must be whole numbers separated by commas, such as 1,5,20")
    if len(args.vm_counts) < 2 or min(args.vm_counts) < 1:
        parser.error("--vm-counts: give at least two numbers of VMs, each at least 1")
    args.scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = set(args.scenarios) - {"listing", "lookups", "vms"}
    if unknown:
        parser.error(f"--scenarios: unknown {', '.join(sorted(unknown))}")
    return args


class Bench:
    """Runs commands, measures them and keeps every observation."""

    def __init__(self, out):
        self.out = out
        self.work = out / "work"
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        collection = self.work / "collections" / "ansible_collections" / "utoronto"
        collection.mkdir(parents=True)
        (collection / "vss").symlink_to(REPO)
        self.interpreter = self.work / "python"
        source = (HERE / "rss_python.py").read_text(encoding="utf-8")
        self.interpreter.write_text(f"#!{PYTHON} -S\n{source}", encoding="utf-8")
        self.interpreter.chmod(0o755)
        self.rss_log = self.work / "module-rss.log"
        self.task_log = self.work / "tasks.json"
        self.inventory = self.work / "inventory.ini"
        hosts = "\n".join(f"h{index:02d} ansible_connection=local" for index in range(1, LOOKUP_HOSTS + 1))
        self.inventory.write_text(
            f"localhost ansible_connection=local\n\n[bench_hosts]\n{hosts}\n\n[all:vars]\n"
            f"ansible_python_interpreter={self.interpreter}\n",
            encoding="utf-8",
        )
        self.rows = {}

    def ansible_env(self, emulator, **extra):
        env = dict(os.environ)
        for name in list(env):
            if name.startswith(("ANSIBLE_", "VSS_")):
                del env[name]
        env.update(
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            ANSIBLE_COLLECTIONS_PATH=str(self.work / "collections"),
            ANSIBLE_HOME=str(self.work / "ansible-home"),
            ANSIBLE_LOCAL_TEMP=str(self.work / "ansible-tmp"),
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_RETRY_FILES_ENABLED="false",
            VSS_API_URL=emulator.url,
            VSS_API_TOKEN=TOKEN,
            ANSIBLE_CALLBACK_PLUGINS=str(HERE / "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="bench_tasks",
            BENCH_TASK_LOG=str(self.task_log),
            BENCH_RSS_LOG=str(self.rss_log),
            BENCH_REAL_PYTHON=PYTHON,
        )
        env.update(extra)
        return env

    def measure(self, command, env=None, cwd=HERE):
        """Run a command to its end: wall seconds, the peak RSS of its process tree, its output."""
        self.rss_log.write_text("", encoding="utf-8")
        self.task_log.unlink(missing_ok=True)
        with tempfile.TemporaryFile(mode="w+") as output:
            started = time.perf_counter()
            process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env, cwd=cwd)
            _pid, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            output.seek(0)
            text = output.read()
        if process.returncode != 0:
            tail = "\n".join(text.splitlines()[-25:])
            raise SystemExit(f"benchmark command failed ({process.returncode}): {' '.join(command)}\n{tail}")
        module_rss = [int(line) for line in self.rss_log.read_text(encoding="utf-8").split() if line]
        tasks = json.loads(self.task_log.read_text(encoding="utf-8")) if self.task_log.exists() else None
        return {
            "tasks": tasks,
            "seconds": seconds,
            "tree_rss_kib": usage.ru_maxrss,
            "module_rss_kib": max(module_rss) if module_rss else None,
            "module_processes": len(module_rss),
            "output": text,
        }

    def playbook(self, emulator, playbook, extra_vars=None, limit=None, env=None):
        command = [str(BIN / "ansible-playbook"), "-i", str(self.inventory), str(PLAYBOOKS / playbook)]
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        if limit:
            command += ["--limit", limit]
        return self.measure(command, env=self.ansible_env(emulator, **(env or {})), cwd=PLAYBOOKS)

    def record(self, scenario, contender, label, observation, requests=None, **extra):
        row = self.rows.setdefault(
            (scenario, contender),
            {"scenario": scenario, "contender": contender, "label": label, "runs": []},
        )
        run = {key: value for key, value in observation.items() if key != "output"}
        run.update(requests=requests, **extra)
        row["runs"].append(run)
        shown = f"{observation['seconds']:.2f}s" + (f", {requests} requests" if requests is not None else "")
        print(f"  {scenario:8} {label:55} {shown}", flush=True)

    def summary(self, scenario, contender):
        row = self.rows[(scenario, contender)]
        runs = row["runs"]

        def median(key):
            values = [run[key] for run in runs if run.get(key) is not None]
            return statistics.median(values) if values else None

        row.update(
            median_seconds=median("seconds"),
            min_seconds=min(run["seconds"] for run in runs),
            max_seconds=max(run["seconds"] for run in runs),
            requests=median("requests"),
            module_rss_kib=median("module_rss_kib"),
            tree_rss_kib=median("tree_rss_kib"),
        )
        return row


def shown_path(path):
    """A results path as the README names it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def slow_runs(args):
    return max(1, min(args.slow_runs, args.repeat))


def rotated(items, turn):
    """The contenders in a different order on each turn, so none always runs first or last."""
    turn %= len(items)
    return items[turn:] + items[:turn]


def emulator_total(emulator):
    """The number of records GET /v2/image holds, from the emulator's own paging metadata."""
    body = emulator.get("/v2/image", params={"per_page": 1, "page": 1}).json()
    return body["meta"]["pages"]["total"]


def listing(bench, repeat, slow, notes):
    print(f"listing: {LISTING_IMAGES} generated images, page cap {PAGE_CAP}, name {NAME!r}", flush=True)
    emulator = Emulator(["--images", str(LISTING_IMAGES), "--page-cap", str(PAGE_CAP)])
    try:
        total = emulator_total(emulator)
        expected = None

        def client(kind):
            command = [PYTHON, str(HERE / "clients.py"), kind, emulator.url, TOKEN, NAME, str(PAGE_CAP)]
            observation = bench.measure(command)
            report = json.loads(observation["output"].strip().splitlines()[-1])
            observation["module_rss_kib"] = observation["tree_rss_kib"]
            return observation, report

        def run(contender):
            nonlocal expected
            emulator.stats(reset=True)
            if contender in ("floor", "pyvss"):
                observation, report = client(contender)
                label = {
                    "floor": "floor: one requests.Session, same pages",
                    "pyvss": "pyvss VssManager.get_images(show_all=True)",
                }[contender]
                if contender == "floor":
                    expected = report["matches"]
                extra = {key: report[key] for key in ("list_seconds", "records", "image_records", "matches")}
                if report["first_non_record"] is not None:
                    extra["first_non_record"] = report["first_non_record"]
            else:
                playbook, label = {
                    "empty": ("empty.yml", "empty one-task playbook (debug, no module)"),
                    "ping": ("ping.yml", "one-task playbook running ansible.builtin.ping"),
                    "image_info": ("image_info.yml", "utoronto.vss.image_info, one task"),
                    "uri": ("uri_loop.yml", "ansible.builtin.uri tasks looping over pages"),
                }[contender]
                variables = {"bench_name": NAME, "bench_expected": expected, "bench_page_size": PAGE_CAP}
                observation = bench.playbook(emulator, playbook, variables)
                extra = {}
            requests = emulator.stats(reset=True)["total"]
            bench.record("listing", contender, label, observation, requests, **extra)

        run("floor")  # first of all, so the playbooks know how many images to expect; it is turn 0's floor
        contenders = ["floor", "pyvss", "empty", "ping", "image_info", "uri"]
        for turn in range(repeat):
            for contender in rotated(contenders, turn):
                if turn == 0 and contender == "floor":
                    continue
                if contender == "uri" and turn >= slow:
                    continue
                run(contender)

        profile = profile_modules(
            bench,
            emulator,
            "image_info.yml",
            {"bench_name": NAME, "bench_expected": expected, "bench_page_size": PAGE_CAP},
            "profile-image_info.txt",
            "utoronto.vss.image_info listing 10,012 images",
        )
    finally:
        emulator.stop()

    rows = {
        name: bench.summary("listing", name)
        for name in ("floor", "pyvss", "empty", "ping", "image_info", "uri")
    }
    pyvss = rows["pyvss"]["runs"][-1]
    if pyvss["image_records"] < pyvss["records"]:
        notes.append(
            f"pyvss pages through the emulator but returns {pyvss['image_records']} image records out of "
            f"{pyvss['records']} items: get_images(show_all=True) follows meta.pages.next_url, and the "
            "emulator's page URLs carry only page and per_page (its README, decision 3), so from page 2 on "
            "the listing is not expanded and 'data' holds item URLs such as "
            f"{pyvss.get('first_non_record')} instead of records. It also lists /v2/user/image/vm. Its "
            f"{pyvss['matches']} matches (of {rows['floor']['runs'][-1]['matches']}) are therefore not a "
            "complete listing; getting the rest would take one GET per item URL. Its time is shown, not "
            "compared."
        )
    beyond = rows["image_info"]["median_seconds"] - rows["empty"]["median_seconds"]
    floor = rows["floor"]["median_seconds"]
    module_requests = rows["image_info"]["requests"]
    limit = math.ceil(total / PAGE_CAP)
    derived = {
        "total_images": total,
        "request_limit": limit,
        "module_beyond_startup_seconds": beyond,
        "module_beyond_ping_seconds": rows["image_info"]["median_seconds"] - rows["ping"]["median_seconds"],
        "ratio_module_beyond_startup_to_floor": beyond / floor,
        "ratio_uri_to_module": rows["uri"]["median_seconds"] / rows["image_info"]["median_seconds"],
        "profile": profile,
    }
    targets = [
        target(
            "listing: requests sent by image_info",
            module_requests,
            f"<= ceil({total} / {PAGE_CAP}) = {limit}",
            module_requests <= limit,
        ),
        target(
            "listing: image_info time beyond Ansible's start-up / floor",
            derived["ratio_module_beyond_startup_to_floor"],
            "<= 1.5",
            derived["ratio_module_beyond_startup_to_floor"] <= 1.5,
        ),
        target(
            "listing: uri loop / image_info",
            derived["ratio_uri_to_module"],
            "> 1 (the uri loop is slower)",
            derived["ratio_uri_to_module"] > 1,
        ),
    ]
    return derived, targets


def profile_modules(bench, emulator, playbook, variables, name, title):
    """One more run of a playbook with every module process under cProfile, outside the timings.

    The last module process's profile is written as text to results/NAME, with each process's
    total, and the path returned.
    """
    folder = bench.work / "profile"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    observation = bench.playbook(emulator, playbook, variables, env={"BENCH_PROFILE": str(folder)})
    emulator.stats(reset=True)
    files = sorted(folder.glob("module-*.prof"), key=lambda path: path.stat().st_mtime)
    if not files:
        return None
    text_path = bench.out / name
    with open(text_path, "w", encoding="utf-8") as stream:
        totals = ", ".join(f"{pstats.Stats(str(path)).total_tt:.2f}" for path in files)
        stream.write(
            f"{title}: {observation['seconds']:.2f}s wall (under cProfile), {len(files)} module process(es) "
            f"of {totals}s each. The last of them, by cumulative time:\n\n"
        )
        stats = pstats.Stats(str(files[-1]), stream=stream)
        stats.sort_stats("cumulative").print_stats(40)
        stream.write("\nThe same, by own time:\n\n")
        stats.sort_stats("tottime").print_stats(20)
    return shown_path(text_path)


def lookups(bench, repeat, slow, notes):
    print(
        f"lookups: {LOOKUP_IMAGES} generated images, a template with {LOOKUP_CALLS} lookups on {LOOKUP_HOSTS} hosts",
        flush=True,
    )
    emulator = Emulator(["--images", str(LOOKUP_IMAGES), "--page-cap", str(PAGE_CAP)])
    try:
        total = emulator_total(emulator)
        body = emulator.get("/v2/image").json()
        expected = sum(1 for image in body["data"] if NAME in image["name"].casefold())
        emulator.stats(reset=True)
        variants = {
            "cache_on": ("cache on, 20 hosts x 50 calls", None, LOOKUP_CALLS, True),
            "cache_off": ("cache off, 20 hosts x 50 calls", None, LOOKUP_CALLS, False),
            "cache_on_1x1": ("cache on, 1 host x 1 call", "h01", 1, True),
        }
        for turn in range(repeat):
            for contender in rotated(list(variants), turn):
                if contender == "cache_off" and turn >= slow:
                    continue
                label, limit, calls, cache = variants[contender]
                variables = {
                    "bench_name": NAME,
                    "bench_expected": expected,
                    "bench_calls": calls,
                    "utoronto_vss_image_lookup_cache": cache,
                }
                observation = bench.playbook(emulator, "lookups.yml", variables, limit=limit)
                requests = emulator.stats(reset=True)["total"]
                bench.record("lookups", contender, label, observation, requests)
    finally:
        emulator.stop()
    rows = {name: bench.summary("lookups", name) for name in variants}
    pages = math.ceil(total / PAGE_CAP)
    derived = {
        "total_images": total,
        "pages_of_one_listing": pages,
        "ratio_cache_off_to_on_seconds": rows["cache_off"]["median_seconds"]
        / rows["cache_on"]["median_seconds"],
        "ratio_cache_off_to_on_requests": rows["cache_off"]["requests"] / rows["cache_on"]["requests"],
    }
    worst = max(max(run["requests"] for run in rows[name]["runs"]) for name in ("cache_on", "cache_on_1x1"))
    targets = [
        target(
            "lookups: requests with the cache on, any hosts and calls (worst run)",
            worst,
            f"== one listing's pages = ceil({total} / {PAGE_CAP}) = {pages}",
            worst == pages and min(run["requests"] for run in rows["cache_on"]["runs"]) == pages,
        )
    ]
    return derived, targets


def vm_names(count, prefix):
    return [{"name": f"{prefix}{index:02d}"} for index in range(1, count + 1)]


def vms(bench, counts, repeat, slow, delay, poll_interval, notes):
    print(
        f"vms: deploys with emulator --request-delay {delay:g}, poll interval {poll_interval:g}s", flush=True
    )
    contenders = [(kind, count) for count in counts for kind in ("role", "loop")]
    first, most = counts[0], max(counts)
    for turn in range(repeat):
        for kind, count in rotated(contenders, turn):
            if (kind == "loop" or count == most) and turn >= slow:
                continue
            emulator = Emulator(["--request-delay", str(delay), "--page-cap", str(PAGE_CAP)])
            try:
                playbook = "role.yml" if kind == "role" else "vm_loop.yml"
                variables = {"bench_vms": vm_names(count, "bench"), "bench_poll_interval": poll_interval}
                emulator.stats(reset=True)
                observation = bench.playbook(emulator, playbook, variables)
                requests = emulator.stats(reset=True)["total"]
            finally:
                emulator.stop()
            label = (
                f"deploy_from_image role, {count} VM(s)"
                if kind == "role"
                else f"serial loop of utoronto.vss.vm wait=true, {count} VM(s)"
            )
            bench.record("vms", f"{kind}_{count}", label, observation, requests)
    rows = {f"{kind}_{count}": bench.summary("vms", f"{kind}_{count}") for kind, count in contenders}
    for row in rows.values():
        row["delays"] = row["median_seconds"] / delay
    ratio = rows[f"role_{most}"]["median_seconds"] / rows[f"role_{first}"]["median_seconds"]
    derived = {
        "request_delay": delay,
        "poll_interval": poll_interval,
        f"ratio_role_{most}_to_role_{first}": ratio,
        f"ratio_loop_{most}_to_role_{most}": rows[f"loop_{most}"]["median_seconds"]
        / rows[f"role_{most}"]["median_seconds"],
    }
    for kind, count in contenders:
        derived[f"{kind}_{count}_in_delays"] = rows[f"{kind}_{count}"]["delays"]
    derived["profile"] = task_profile(
        bench, rows, [f"role_{first}", f"role_{most}", f"loop_{most}"], "profile-vms.txt"
    )
    if ratio >= 2:
        emulator = Emulator(["--request-delay", str(delay), "--page-cap", str(PAGE_CAP)])
        try:
            derived["profile_vm_module"] = profile_modules(
                bench,
                emulator,
                "role.yml",
                {"bench_vms": vm_names(2, "profiled"), "bench_poll_interval": poll_interval},
                "profile-vm-module.txt",
                "deploy_from_image role deploying 2 VMs",
            )
        finally:
            emulator.stop()
    targets = [target(f"vms: role with {most} VMs / role with {first} VM(s)", ratio, "< 2", ratio < 2)]
    return derived, targets


def task_profile(bench, rows, contenders, name):
    """Seconds per task of the last run of each contender, from the bench_tasks callback."""
    lines = []
    for contender in contenders:
        row = rows[contender]
        run = row["runs"][-1]
        lines += [
            f"{row['label']}: {run['seconds']:.2f}s wall, {run['requests']} requests, "
            f"{run['module_processes']} module processes",
            f"{'seconds':>8}  {'items':>5}  task",
        ]
        for task in run.get("tasks") or []:
            lines.append(f"{task['seconds']:8.2f}  {task['items']:5}  {task['task']}")
        lines.append("")
    path = bench.out / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return shown_path(path)


def target(name, value, goal, met):
    return {"target": name, "measured": value, "goal": goal, "met": bool(met)}


def fmt(value, digits=2):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def mib(kib):
    return "-" if kib is None else f"{kib / 1024:.0f}"


def machine():
    import ansible

    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "python": platform.python_version(),
        "ansible_core": ansible.__version__,
        "platform": platform.platform(),
        "cores": os.cpu_count(),
    }


def markdown(report):
    info = report["machine"]
    lines = [
        "# utoronto.vss benchmark",
        "",
        f"{info['date']}; {info['cores']} cores, {info['platform']}, Python {info['python']}, "
        f"ansible-core {info['ansible_core']}; {report['repeat']} run(s) of each contender, alternating. "
        "Absolute times depend on the machine; the ratios were measured in this one run.",
        "",
        "| scenario | contender | median s | min-max s | requests | module peak RSS MiB | playbook tree peak RSS MiB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in report["rows"]:
        lines.append(
            f"| {row['scenario']} | {row['label']} | {fmt(row['median_seconds'])} | "
            f"{fmt(row['min_seconds'])}-{fmt(row['max_seconds'])} | {fmt(row['requests'])} | "
            f"{mib(row['module_rss_kib'])} | {mib(row['tree_rss_kib']) if row['contender'] not in ('floor', 'pyvss') else '-'} |"
        )
    lines += ["", "## Derived", "", "| scenario | quantity | value |", "| --- | --- | --- |"]
    for scenario, values in report["derived"].items():
        for key, value in values.items():
            lines.append(f"| {scenario} | {key} | {fmt(value)} |")
    lines += ["", "## Targets", "", "| target | measured | goal | met |", "| --- | --- | --- | --- |"]
    for item in report["targets"]:
        lines.append(
            f"| {item['target']} | {fmt(item['measured'])} | {item['goal']} | {'yes' if item['met'] else 'NO'} |"
        )
    if report["notes"]:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in report["notes"]]
    lines += ["", "What is measured: benchmarks/README.md.", ""]
    return "\n".join(lines)


def chart(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    items = [
        (
            "image_info beyond start-up / floor",
            report["derived"].get("listing", {}).get("ratio_module_beyond_startup_to_floor"),
            1.5,
            "max",
        ),
        (
            "uri loop / image_info",
            report["derived"].get("listing", {}).get("ratio_uri_to_module"),
            1.0,
            "min",
        ),
        (
            "lookups: cache off / on (time)",
            report["derived"].get("lookups", {}).get("ratio_cache_off_to_on_seconds"),
            None,
            None,
        ),
    ]
    for key, value in report["derived"].get("vms", {}).items():
        words = key.split("_")
        if key.startswith("ratio_role_"):
            items.append((f"role {words[2]} VMs / role {words[5]}", value, 2.0, "max"))
        elif key.startswith("ratio_loop_"):
            items.append((f"serial vm loop {words[2]} VMs / role {words[5]}", value, None, None))
    items = [item for item in items if item[1] is not None]
    if not items:
        return None
    figure, axes = plt.subplots(figsize=(8, 0.7 * len(items) + 1.5))
    labels = [item[0] for item in items]
    values = [item[1] for item in items]
    colours = []
    for _label, value, goal, kind in items:
        if goal is None:
            colours.append("tab:blue")
        elif (kind == "max" and value <= goal) or (kind == "min" and value > goal):
            colours.append("tab:green")
        else:
            colours.append("tab:red")
    positions = range(len(items))
    axes.barh(positions, values, color=colours)
    for position, (_label, value, goal, _kind) in zip(positions, items):
        axes.text(value, position, f" {value:.2f}", va="center")
        if goal is not None:
            axes.plot([goal, goal], [position - 0.4, position + 0.4], color="black", linewidth=2)
    axes.set_yticks(list(positions), labels)
    axes.invert_yaxis()
    axes.set_xscale("log")
    axes.set_xlabel("ratio (log scale); black mark: target; green met, red missed, blue context")
    axes.set_title(f"utoronto.vss benchmark ratios, {report['machine']['date']}")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    args.out.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.out)
    started = time.monotonic()
    derived, targets, notes = {}, [], []
    if "listing" in args.scenarios:
        derived["listing"], found = listing(bench, args.repeat, slow_runs(args), notes)
        targets += found
    if "lookups" in args.scenarios:
        derived["lookups"], found = lookups(bench, args.repeat, slow_runs(args), notes)
        targets += found
    if "vms" in args.scenarios:
        derived["vms"], found = vms(
            bench, args.vm_counts, args.repeat, slow_runs(args), args.request_delay, args.poll_interval, notes
        )
        targets += found
    for item in targets:
        if not item["met"]:
            notes.append(f"target missed: {item['target']} ({fmt(item['measured'])}, goal {item['goal']})")
    report = {
        "machine": machine(),
        "repeat": args.repeat,
        "seconds": time.monotonic() - started,
        "rows": list(bench.rows.values()),
        "derived": derived,
        "targets": targets,
        "notes": notes,
    }
    (args.out / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    text = markdown(report)
    (args.out / "bench.md").write_text(text, encoding="utf-8")
    chart(report, args.out / "bench.png")
    shutil.rmtree(bench.work, ignore_errors=True)
    print()
    print(text)
    print(f"written: {args.out}/bench.md, bench.json, bench.png ({report['seconds']:.0f}s in all)")
    for item in targets:
        print(
            f"{'MET   ' if item['met'] else 'MISSED'} {item['target']}: {fmt(item['measured'])} (goal {item['goal']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
