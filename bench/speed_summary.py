#!/usr/bin/env python3
"""The tables of bench/bench_speed.sh: every run's figure per round, BLEU beside each decoding
setting, and the ratios nmt / reference at fp32 and each at its best; writes OUT/summary.json.

  speed_summary.py OUT ROUNDS STEPS MODEL FINGERPRINT NMT TUNED_ENV
"""
import glob
import json
import os
import re
import subprocess
import sys

out, rounds, steps, model, fingerprint, nmt, tuned_env = sys.argv[1:8]
rounds = int(rounds)


def events(path, kind):
    with open(path) as f:
        return [e for e in map(json.loads, f) if e.get("event") == kind]


def bleu(hyp):
    result = subprocess.run([nmt, "evaluate", "--ref", f"{out}/test.de", "--hyp", hyp,
                             "--metrics", "bleu", "--json"], capture_output=True, text=True,
                            check=True)
    return round(json.loads(result.stdout)["metrics"]["bleu"]["score"], 2)


def nmt_search(log):
    text = open(log).read()
    speed = float(re.search(r"s of search \(([\d.]+) sentences/s\)", text).group(1))
    chose = re.search(r"precision: (.*)", text)
    workers = re.search(r"\[translate\] (\d+ (?:search )?workers?[^\n]*)", text)
    return speed, (chose.group(1) if chose else ""), (workers.group(1) if workers else "")


figures = {}  # name -> [per round]
bleus, notes = {}, {}
for r in range(1, rounds + 1):
    for path in glob.glob(f"{out}/r{r}_nmt_train_*/metrics.jsonl"):
        name = "train nmt " + path.split("_nmt_train_")[1].split("/")[0]
        stop = events(path, "stop")[0]
        figures.setdefault(name, []).append(stop["train_tok_per_s"])
        rss = os.path.dirname(path) + ".rss"
        if os.path.exists(rss):
            figures.setdefault("memory " + name[6:], []).append(
                int(open(rss).read().split()[-1]) / 1024)
    for path in glob.glob(f"{out}/r{r}_ref_train_*.jsonl"):
        name = "train reference " + path.split("_ref_train_")[1][:-len(".jsonl")]
        figures.setdefault(name, []).append(events(path, "train_done")[0]["tok_per_s"])
        rss = path[:-len(".jsonl")] + ".rss"
        if os.path.exists(rss):
            figures.setdefault("memory " + name[6:], []).append(
                int(open(rss).read().split()[-1]) / 1024)
    for path in glob.glob(f"{out}/r{r}_ref_decode_*.jsonl"):
        precision = path.split("_ref_decode_")[1][:-len(".jsonl")]
        for e in events(path, "test"):
            name = f"{e['search']} reference {precision}"
            figures.setdefault(name, []).append(e["sent_per_s"])
            if r == 1:
                bleus[name] = bleu(f"{out}/r1_ref_decode_{precision}/test2016.{e['search']}.de")
    for path in glob.glob(f"{out}/r{r}_nmt_*.log"):
        base = os.path.basename(path)[len(f"r{r}_nmt_"):-len(".log")]
        if base.startswith("train_"):
            continue
        search, setting = base.split("_", 1)
        name = f"{search} nmt {setting}"
        speed, chose, workers = nmt_search(path)
        figures.setdefault(name, []).append(speed)
        if r == 1:
            bleus[name] = bleu(path[:-len(".log")] + ".de")
            notes[name] = "; ".join(x for x in (chose, workers) if x)


def best(prefix):
    """Per round, the fastest setting whose name starts with prefix, and its name."""
    names = [n for n in figures if n.startswith(prefix)]
    return [max((figures[n][r], n) for n in names) for r in range(rounds)]


ratios = {}
for kind in ("train", "greedy", "beam5"):
    ref_best, nmt_best = best(f"{kind} reference"), best(f"{kind} nmt")
    ratios[f"{kind}: nmt best / reference best"] = [
        {"ratio": round(n[0] / f[0], 2), "nmt": n[1], "reference": f[1]}
        for n, f in zip(nmt_best, ref_best)]
    fp32 = f"{kind} nmt fp32" if kind != "train" else "train nmt fp32"
    if fp32 in figures and f"{kind} reference fp32" in figures:
        ratios[f"{kind}: nmt fp32 / reference fp32"] = [
            round(a / b, 2) for a, b in zip(figures[fp32], figures[f"{kind} reference fp32"])]

summary = {"model": model, "model_fingerprint": fingerprint, "steps": int(steps),
           "reference_environment": tuned_env, "figures": figures, "bleu": bleus,
           "notes": notes, "ratios": ratios}
json.dump(summary, open(f"{out}/summary.json", "w"), indent=1)

print(f"decoding model: {model} (fingerprint {fingerprint})\n")
print("| run | " + " | ".join(f"round {r}" for r in range(1, rounds + 1)) +
      " | test2016 BLEU | nmt's choice |")
print("| --- |" + " ---: |" * rounds + " ---: | --- |")
for name in sorted(figures, key=lambda n: (n.split()[0], n)):
    unit = {"train": "tokens/s", "memory": "peak MiB"}.get(name.split()[0], "sentences/s")
    cells = " | ".join(f"{v:.1f}" for v in figures[name])
    print(f"| {name} ({unit}) | {cells} | {bleus.get(name, '')} | {notes.get(name, '')} |")
print()
for name, values in ratios.items():
    cells = ", ".join(f"{v['ratio']:.2f}x ({v['nmt'].split(' ', 2)[2]} against "
                      f"{v['reference'].split(' ', 2)[2]})" if isinstance(v, dict)
                      else f"{v:.2f}x" for v in values)
    print(f"- {name}: {cells}")
