#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: turn the boot logs into the results.

    scripts/bench_report.py build/bench

Reads <dir>/{gunyah,kvm}-{icount,wall}.log (the BENCH lines of gunyah-bench
and kvm-bench) and writes
  results.json         [{"row", "unit", "gunyah", "kvm", "ratio", "clock"}]
                       (medians in ns; null where a side has no figure)
  results-detail.json  the same with the spread (p10, p90), sample counts and
                       the extras (pages_per_s, rm_messages)
  results.txt          the side-by-side table (also printed)
  results.png          log-scale bars, one panel per clock (gnuplot)
"""
import json
import os
import shutil
import subprocess
import sys

ROWS = [
    "mmio read exit", "ioeventfd write exit", "guest hypercall",
    "host hypercall", "rm rpc round trip", "rm rpc max message",
    "vm lifecycle", "vm create", "vm memory 16 MiB",
    "vm start to first instruction", "vm exit", "vm teardown",
    "share 256 MiB", "lend 256 MiB", "reclaim 256 MiB",
    "irqfd to guest handler", "guest timer latency",
]
SIDES = ["gunyah", "kvm"]
CLOCKS = ["icount", "wall"]


def parse(path):
    rows = {}
    if not os.path.exists(path):
        return rows
    with open(path, errors="replace") as f:
        for line in f:
            i = line.find("BENCH {")
            if i < 0:
                continue
            try:
                r = json.loads(line[i + 6:])
            except ValueError:
                continue
            if isinstance(r, dict) and "row" in r:
                rows[r["row"]] = r
    return rows


def fmt_ns(v):
    if v is None:
        return "-"
    v = float(v)
    if v >= 1e9:
        return "%.2f s" % (v / 1e9)
    if v >= 1e6:
        return "%.2f ms" % (v / 1e6)
    if v >= 1e3:
        return "%.2f us" % (v / 1e3)
    return "%.0f ns" % v


def cell(r):
    if not r:
        return "-"
    return "%s (%s..%s)" % (fmt_ns(r.get("median")), fmt_ns(r.get("p10")),
                            fmt_ns(r.get("p90")))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "build/bench"
    data = {(s, c): parse(os.path.join(out, "%s-%s.log" % (s, c)))
            for s in SIDES for c in CLOCKS}
    results, detail = [], []
    names = list(ROWS)
    for d in data.values():
        names += [n for n in d if n not in names]
    for clock in CLOCKS:
        for row in names:
            g = data[("gunyah", clock)].get(row)
            k = data[("kvm", clock)].get(row)
            if not g and not k:
                continue
            gm = g.get("median") if g else None
            km = k.get("median") if k else None
            ratio = round(gm / km, 3) if gm is not None and km else None
            results.append({"row": row, "unit": "ns", "gunyah": gm, "kvm": km,
                            "ratio": ratio, "clock": clock})
            detail.append({"row": row, "unit": "ns", "clock": clock,
                           "ratio": ratio, "gunyah": g, "kvm": k})
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    with open(os.path.join(out, "results-detail.json"), "w") as f:
        json.dump(detail, f, indent=1)
        f.write("\n")

    lines = []
    for clock in CLOCKS:
        rows = [d for d in detail if d["clock"] == clock]
        if not rows:
            continue
        lines.append("")
        lines.append("%s clock (median, p10..p90)%s" % (
            clock, ": 1 ns = 1 instruction (QEMU -icount shift=0)"
            if clock == "icount" else ": QEMU TCG wall time, not repeatable"))
        hdr = "%-30s %-34s %-34s %7s  %s" % ("row", "gunyah", "kvm", "ratio", "notes")
        lines.append(hdr)
        lines.append("-" * len(hdr))
        for d in rows:
            notes = []
            ex = (d["gunyah"] or {}).get("extra") or {}
            if ex.get("pages_per_s") is not None:
                notes.append("%.0f pages/s (%.2f GiB/s)" % (
                    ex["pages_per_s"], ex["pages_per_s"] * 4096 / 2**30))
            if "rm_messages" in ex:
                notes.append("%s RM msgs" % ex["rm_messages"])
            if "to_vmm" in ex:
                notes.append("gunyah: guest->VMM %s, VMM->guest %s" % (
                    fmt_ns(ex["to_vmm"]), fmt_ns(ex["from_vmm"])))
            if "start_ioctl" in ex:
                notes.append("gunyah: %s in GH_VM_START" % fmt_ns(ex["start_ioctl"]))
            lines.append("%-30s %-34s %-34s %7s  %s" % (
                d["row"], cell(d["gunyah"]), cell(d["kvm"]),
                "%.3f" % d["ratio"] if d["ratio"] is not None else "-",
                ", ".join(notes)))
    text = "\n".join(lines).lstrip("\n") + "\n"
    with open(os.path.join(out, "results.txt"), "w") as f:
        f.write(text)
    print(text, end="")
    chart(out, results)


def chart(out, results):
    if not shutil.which("gnuplot"):
        print("bench_report: gnuplot missing (scripts/bootstrap.sh installs "
              "gnuplot-nox): no results.png", file=sys.stderr)
        return
    panels = []
    for clock in CLOCKS:
        rows = [r for r in results if r["clock"] == clock]
        if not rows:
            continue
        dat = os.path.join(out, "chart-%s.dat" % clock)
        with open(dat, "w") as f:
            for r in rows:
                f.write('"%s" %s %s\n' % (
                    r["row"], r["gunyah"] if r["gunyah"] else "NaN",
                    r["kvm"] if r["kvm"] else "NaN"))
        panels.append((clock, dat))
    if not panels:
        return
    gp = ['set terminal pngcairo size 1400,%d font ",9"' % (520 * len(panels))
          if pngcairo() else 'set terminal png size 1400,%d' % (520 * len(panels)),
          'set output "%s"' % os.path.join(out, "results.png"),
          'set multiplot layout %d,1' % len(panels),
          'set style data histograms', 'set style histogram clustered gap 1',
          'set style fill solid 0.8 border -1', 'set logscale y',
          'set ylabel "ns (log scale)"', 'set grid ytics',
          'set xtics rotate by -30 scale 0 font ",8"', 'set key top left',
          'set bmargin 7', 'set datafile missing "NaN"']
    for clock, dat in panels:
        gp.append('set title "Gunyah vs KVM, %s clock (median)"' % clock)
        gp.append('plot "%s" using 2:xtic(1) title "gunyah" lc rgb "#c0504d", '
                  '"" using 3 title "kvm" lc rgb "#4f81bd"' % dat)
    gp.append('unset multiplot')
    subprocess.run(["gnuplot"], input="\n".join(gp) + "\n", text=True,
                   check=False)


def pngcairo():
    try:
        r = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True,
                           text=True, timeout=20)
        return "pngcairo" in (r.stdout + r.stderr)
    except (OSError, subprocess.SubprocessError):
        return False


if __name__ == "__main__":
    main()
