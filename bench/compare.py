#!/usr/bin/python3
"""Side-by-side latency of libseg and ONNX Runtime, one model at a time.

Both runtimes are started as servers (`seg bench --serve`, `node bench/ort_run.js
--serve`), load the model, warm up, and are then asked for single timed runs in
alternation (A B B A A B ...), so that both see the same machine state. Reports median
and min latency, the ratio libseg / ORT, load time, peak RSS, the max-abs difference
of their outputs and whether libseg's output is within the project's parity tolerance
(max-abs <= 1e-4 x the reference output's range, as tests/parity checks) of ORT's and,
when the models folder has NAME.expected.npy, of PyTorch's.

    /usr/bin/python3 bench/compare.py --seg build-bench/tools/seg/seg \
        --models bench/.cache/models --threads 1,2 --runs 10 [--names a,b] \
        [--avx512] [--markdown FILE]
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


class Server:
    def __init__(self, argv, env):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, env=env)
        line = self.p.stdout.readline().strip()
        if not line.startswith("ready load_ms="):
            raise RuntimeError(f"{argv[0]}: {line or 'exited'}")
        self.load_ms = float(line.split("=")[1])

    def ask(self, cmd, until=None):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        while True:
            line = self.p.stdout.readline().strip()
            if not line:
                raise RuntimeError(f"no answer to '{cmd}'")
            if until is None or line == until or line.startswith(until):
                return line

    def run(self):
        return float(self.ask("run", "ms=").split("=")[1])

    def close(self):
        rss = int(self.ask("rss", "rss_kb=").split("=")[1])
        self.p.stdin.write("quit\n")
        self.p.stdin.close()
        self.p.wait(timeout=60)
        return rss


# Parity tolerance: max-abs error per unit of the reference output's range (tests/parity).
TOL = 1e-4


def load_outputs(folder):
    return [np.load(os.path.join(folder, f)) for f in sorted(os.listdir(folder))]


def parity(got, want):
    """(max-abs difference, its share of the tolerance): the worst over the outputs of
    max-abs and of max-abs / (TOL x the reference output's range)."""
    if len(got) != len(want):
        return float("inf"), float("inf")
    worst, share = 0.0, 0.0
    for x, y in zip(got, want):
        if x.shape != y.shape:
            return float("inf"), float("inf")
        if not x.size:
            continue
        diff = float(np.max(np.abs(x.astype(np.float64) - y)))
        span = TOL * (float(np.max(y)) - float(np.min(y)))
        worst = max(worst, diff)
        share = max(share, diff / span if span > 0 else (0.0 if diff == 0 else float("inf")))
    return worst, share


def tolerance_cell(share):
    return f"{share:.2g} {'pass' if share <= 1 else 'FAIL'}"


def compare(seg, model, inp, threads, runs, avx512):
    seg_env = dict(os.environ)
    if avx512:  # let OpenBLAS pick its AVX-512 kernels (libseg's process only)
        seg_env.pop("OPENBLAS_CORETYPE", None)
        seg_env.pop("OPENBLAS_L2_SIZE", None)
    a = Server([seg, "bench", model, "--input", "input=" + inp, "--threads", str(threads),
                "--serve"], seg_env)
    b = Server(["node", os.path.join(HERE, "ort_run.js"), model, "--input", "input=" + inp,
                "--threads", str(threads), "--serve"], dict(os.environ))
    ta, tb = [], []
    for i in range(runs):
        first, second = (a, b) if i % 2 == 0 else (b, a)
        t1, t2 = first.run(), second.run()
        (ta if first is a else tb).append(t1)
        (tb if first is a else ta).append(t2)
    with tempfile.TemporaryDirectory() as tmp:
        da, db = os.path.join(tmp, "seg"), os.path.join(tmp, "ort")
        a.ask("write " + da, "ok")
        b.ask("write " + db, "ok")
        got = load_outputs(da)
        diff, share = parity(got, load_outputs(db))
    expected = model[:-len(".onnx")] + ".expected.npy"
    torch = parity(got[:1], [np.load(expected)]) if os.path.exists(expected) else None
    row = {"seg_med": statistics.median(ta), "seg_min": min(ta),
           "ort_med": statistics.median(tb), "ort_min": min(tb),
           "seg_load": a.load_ms, "ort_load": b.load_ms, "diff": diff, "share": share,
           "torch": torch}
    row["seg_rss"], row["ort_rss"] = a.close(), b.close()
    row["ratio"] = row["seg_med"] / row["ort_med"]
    return row


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, {platform.platform()}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seg", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--names", default="")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--avx512", action="store_true")
    ap.add_argument("--markdown")
    args = ap.parse_args()
    names = [n for n in args.names.split(",") if n] or sorted(
        f[:-5] for f in os.listdir(args.models) if f.endswith(".onnx"))
    env = ("OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for libseg (AVX-512 kernels)"
           if args.avx512 else
           f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    head = ("| model | threads | libseg median ms | libseg min ms | ORT median ms | ORT min ms "
            "| libseg / ORT | load ms (libseg / ORT) | peak RSS MB (libseg / ORT) "
            "| max-abs diff | / tolerance | max-abs vs PyTorch | / tolerance |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    lines = [f"OpenBLAS: {env}", "", head]
    print("\n".join(lines), flush=True)
    for name in names:
        model = os.path.join(args.models, name + ".onnx")
        inp = os.path.join(args.models, name + ".input.npy")
        for t in [int(x) for x in args.threads.split(",")]:
            try:
                r = compare(args.seg, model, inp, t, args.runs, args.avx512)
                line = (f"| {name} | {t} | {r['seg_med']:.1f} | {r['seg_min']:.1f} | "
                        f"{r['ort_med']:.1f} | {r['ort_min']:.1f} | {r['ratio']:.2f} | "
                        f"{r['seg_load']:.0f} / {r['ort_load']:.0f} | "
                        f"{r['seg_rss'] / 1024:.0f} / {r['ort_rss'] / 1024:.0f} | "
                        f"{r['diff']:.2g} | {tolerance_cell(r['share'])} | " +
                        (f"{r['torch'][0]:.2g} | {tolerance_cell(r['torch'][1])} |"
                         if r["torch"] else "- | - |"))
            except Exception as e:  # one failing model must not hide the others
                line = f"| {name} | {t} | failed: {e} |" + " |" * 10
            print(line, flush=True)
            lines.append(line)
    if args.markdown:
        new = not os.path.exists(args.markdown)
        with open(args.markdown, "a") as f:
            if new:
                f.write(f"# libseg vs ONNX Runtime\n\nMachine: {machine()}\n\n"
                        f"Command: `{os.environ.get('BENCH_COMMAND', ' '.join(sys.argv))}`"
                        f"\n\n{args.runs} timed runs each, alternating, after warm-up.\n\n")
            f.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    sys.exit(main())
