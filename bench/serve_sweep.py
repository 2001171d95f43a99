#!/usr/bin/env python3
"""The sweep of bench/bench_serve.sh: `nmt serve` under closed-loop load at each point, as
inference servers are measured (Triton's perf_analyzer), against `nmt translate` on the same
sentences with the same search, precision and workers.

Each point starts a fresh server (its peak RSS is that point's), warms it up, reads /metrics,
runs wrk for DURATION seconds under GNU time (the client's CPU), reads /metrics again and stops
the server. From the two readings: sentences and target tokens per second, the mean queue wait,
the batch sizes (sentences per search); from wrk: p50/p90/p99 latency and errors.

  serve_sweep.py MODEL OUT   (environment: see bench/bench_serve.sh)
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

model, out = sys.argv[1:3]
env = os.environ
NMT = env.get("NMT", "build/nmt")
DURATION = int(env.get("DURATION", "20"))
WARMUP = int(env.get("WARMUP", "3"))
THREADS = env.get("THREADS", "2")
PORT = int(env.get("PORT", "18080"))
BEAMS = [int(b) for b in env.get("BEAMS", "1 5").split()]
CONCURRENCY = [int(c) for c in env.get("CONCURRENCY", "1 4 16 64 256").split()]
WAITS = [int(w) for w in env.get("WAITS", "0 2 5 10 20").split()]
DEFAULT_WAIT = int(env.get("DEFAULT_WAIT", "20"))  # nmt serve's --batch-wait-ms default
REPEATS = int(env.get("REPEATS", "3"))
ALONE = int(env.get("ALONE", "200"))  # sentences translated one by one for the 1-client bound
SERVE_ARGS = env.get("SERVE_ARGS", "").split()
TRANSLATE_ARGS = env.get("TRANSLATE_ARGS", "").split()

sentences = open(f"{out}/test.en", encoding="utf-8").read().splitlines()


def bodies(beam, per_request):
    path = f"{out}/bodies.beam{beam}.n{per_request}"
    with open(path, "w", encoding="utf-8") as f:
        for i in range(0, len(sentences), per_request):
            chunk = (sentences[i:i + per_request] * per_request)[:per_request]
            f.write(json.dumps({"text": chunk, "beam": beam}, ensure_ascii=False) + "\n")
    return path


def metrics():
    text = urllib.request.urlopen(f"http://127.0.0.1:{PORT}/metrics", timeout=30).read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def start_server(wait_ms):
    log = open(f"{out}/serve.log", "w")
    server = subprocess.Popen([NMT, "serve", "--model", model, "--port", str(PORT), "--threads",
                               THREADS, "--batch-wait-ms", str(wait_ms)] + SERVE_ARGS,
                              stderr=log, stdout=subprocess.DEVNULL)
    for _ in range(600):
        if "listening on" in open(f"{out}/serve.log").read():
            return server
        if server.poll() is not None:
            break
        time.sleep(0.1)
    sys.exit("bench_serve: the server did not start:\n" + open(f"{out}/serve.log").read())


def peak_rss_mib(pid):
    status = open(f"/proc/{pid}/status").read()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def wrk(body_file, clients, seconds, timed=False):
    command = ["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{seconds}s", "--timeout", "60s",
               "-s", "bench/serve_load.lua", f"http://127.0.0.1:{PORT}"]
    if timed:
        command = ["/usr/bin/time", "-f", "TIME %U %S"] + command
    result = subprocess.run(command, capture_output=True, text=True,
                            env=dict(env, BODIES=body_file))
    text = result.stdout + result.stderr
    line = re.search(r"^RESULT (.*)$", text, re.M)
    if not line:
        sys.exit("bench_serve: wrk said:\n" + text)
    figures = {k: float(v) for k, v in (kv.split("=") for kv in line.group(1).split())}
    cpu = re.search(r"^TIME ([\d.]+) ([\d.]+)$", text, re.M)
    if cpu:
        figures["client_cores"] = (float(cpu.group(1)) + float(cpu.group(2))) / figures["seconds"]
    return figures


def point(beam, clients, per_request, wait_ms):
    server = start_server(wait_ms)
    try:
        body_file = bodies(beam, per_request)
        wrk(body_file, clients, WARMUP)
        before = metrics()
        load = wrk(body_file, clients, DURATION, timed=True)
        after = metrics()
        rss = peak_rss_mib(server.pid)
        log = open(f"{out}/serve.log").read()
        chosen = {"precision": re.search(r"precision: (\S+)", log).group(1),
                  "server_log": re.findall(r"\] (precision: .*|\d+ workers? x .*)", log)}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
    delta = lambda name: after.get(name, 0) - before.get(name, 0)
    waits = delta("nmt_queue_wait_seconds_count")
    searches = delta("nmt_search_sentences_count")
    bounds = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
    cumulative = [delta(f'nmt_search_sentences_bucket{{le="{b}"}}') for b in bounds]
    histogram = {}
    for i, b in enumerate(bounds):
        n = cumulative[i] - (cumulative[i - 1] if i else 0)
        if n:
            histogram[f"{bounds[i - 1] + 1 if i else 1}-{b}"] = int(n)
    return {
        "beam": beam, "clients": clients, "sentences_per_request": per_request,
        "batch_wait_ms": wait_ms, "seconds": load["seconds"],
        "sentences_per_s": delta("nmt_sentences_total") / load["seconds"],
        "target_tokens_per_s": delta("nmt_target_tokens_total") / load["seconds"],
        "p50_ms": load["p50_ms"], "p90_ms": load["p90_ms"], "p99_ms": load["p99_ms"],
        "mean_ms": load["mean_ms"], "errors": int(load["errors"]),
        "mean_queue_wait_ms": 1000 * delta("nmt_queue_wait_seconds_sum") / waits if waits else 0,
        "mean_sentences_per_search": delta("nmt_search_sentences_sum") / searches if searches else 0,
        "sentences_per_search": histogram, "peak_rss_mib": rss,
        "client_cores": load.get("client_cores", 0), **chosen,
    }


def translate(beam, lines_file, extra, threads=THREADS):
    log = f"{out}/translate.log"
    start = time.time()
    subprocess.run([NMT, "translate", "--model", model, "--input", lines_file, "--output",
                    f"{out}/translate.hyp", "--beam", str(beam), "--threads", threads] + extra,
                   stderr=open(log, "w"), check=True)
    whole = time.time() - start
    text = open(log).read()
    # one line per chunk of input that translate reads
    search_s = sum(float(s) for s in re.findall(r"([\d.]+) s of search", text))
    return search_s, whole


def translate_figures(beam, precision):
    """translate on the whole file (sentences/s, median of REPEATS) and one sentence at a time
    on one search thread, as each server worker searches for a lone client (ms per sentence),
    in the server's precision."""
    extra = TRANSLATE_ARGS + ["--precision", precision]
    runs = [translate(beam, f"{out}/test.en", extra) for _ in range(REPEATS)]
    with open(f"{out}/alone.en", "w", encoding="utf-8") as f:
        f.write("\n".join(sentences[:ALONE]) + "\n")
    alone = [translate(beam, f"{out}/alone.en", extra + ["--batch-size", "1", "--workers", "1"], "1")
             for _ in range(REPEATS)]
    return {
        "sentences_per_s": statistics.median(len(sentences) / s for s, _ in runs),
        "sentences_per_s_whole_command": statistics.median(len(sentences) / w for _, w in runs),
        "ms_per_sentence_alone": statistics.median(1000 * s / ALONE for s, _ in alone),
        "precision": precision,
    }


results = {"points": [], "translate": {}}
for beam in BEAMS:
    plan = [(c, 1, DEFAULT_WAIT) for c in CONCURRENCY] + [(16, 16, DEFAULT_WAIT)]
    plan += [(64, 1, w) for w in WAITS if w != DEFAULT_WAIT]
    for clients, per_request, wait_ms in plan:
        figures = point(beam, clients, per_request, wait_ms)
        results["points"].append(figures)
        print(json.dumps(figures), file=sys.stderr, flush=True)
    results["translate"][beam] = translate_figures(beam, results["points"][-1]["precision"])
json.dump(results, open(f"{out}/sweep.json", "w"), indent=1)

for beam in BEAMS:
    t = results["translate"][beam]
    print(f"\n{'greedy' if beam == 1 else f'beam {beam}'}, {t['precision']} on both sides: "
          f"translate {t['sentences_per_s']:.1f} "
          f"sentences/s (model time; {t['sentences_per_s_whole_command']:.1f} whole command), "
          f"{t['ms_per_sentence_alone']:.1f} ms per sentence alone (one search, one thread)\n")
    print("| clients x sentences | batch wait ms | sentences/s | / translate | target tokens/s "
          "| p50 ms | p90 ms | p99 ms | mean ms | mean queue wait ms | sentences per search "
          "(mean; histogram) | errors | server peak RSS MiB | client cores |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: "
          "| ---: |")
    for p in results["points"]:
        if p["beam"] != beam:
            continue
        histogram = ", ".join(f"{k}: {v}" for k, v in p["sentences_per_search"].items())
        print(f"| {p['clients']} x {p['sentences_per_request']} | {p['batch_wait_ms']} "
              f"| {p['sentences_per_s']:.1f} | {p['sentences_per_s'] / t['sentences_per_s']:.2f} "
              f"| {p['target_tokens_per_s']:.0f} | {p['p50_ms']:.1f} | {p['p90_ms']:.1f} "
              f"| {p['p99_ms']:.1f} | {p['mean_ms']:.1f} | {p['mean_queue_wait_ms']:.1f} "
              f"| {p['mean_sentences_per_search']:.1f}; {histogram} | {p['errors']} "
              f"| {p['peak_rss_mib']:.0f} | {p['client_cores']:.2f} |")
