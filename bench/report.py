"""Targets and the Markdown table: turns the results dict of `bench/run.py` into bench/results.md.

Every target is checked against a ratio measured in the same run where it is a comparison, and against
the median where it is an absolute time. A target whose measurement is missing is "not measured", never met.
"""
from bench.digits import COURSE, TARGET_ACCURACY

MISSING = "–"


# ------------------------------------------------------------------------------------------------ formatting

def _number(value, unit):
    if value is None:
        return MISSING
    if unit == "samples/s":
        return f"{value / 1e3:,.0f}k"
    if unit == "s":
        return f"{value * 1e3:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "x":
        return f"{value:.2f}×"
    if unit == "%":
        return f"{value * 100:.0f}%"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "GFLOP/s":
        return f"{value:.0f}"
    return f"{value:.3g}"


def spread(summary, unit):
    """'median [min–max]' of a summary, e.g. '812k [640k–901k]'."""
    if not summary:
        return MISSING
    if summary["n"] == 1:
        return _number(summary["median"], unit)
    return f"{_number(summary['median'], unit)} [{_number(summary['min'], unit)}–{_number(summary['max'], unit)}]"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------- targets

def _target(name, goal, value, unit, met, note=""):
    return {"name": name, "target": goal, "value": value, "unit": unit,
            "met": None if value is None else bool(met), "note": note}


def _median(summary):
    return summary["median"] if summary else None


def targets(results):
    found = []
    digits = results["sections"].get("digits", {})
    for config_name, label in (("batch_64", "batch 64"), ("full_batch", "full batch")):
        config = digits.get("configs", {}).get(config_name)
        if not config:
            continue
        impls, best = config["implementations"], config["best_of_family"]
        best_jax = best.get("JAX")
        for family, factor in (("JAX", 1.0), ("PyTorch", 3.0), ("NumPy", 2.0)):
            member = best.get(family)
            speedup = _median(impls.get(member, {}).get("course_speedup", {}).get("samples_per_s")) if member else None
            note = f"best {family} in this run: {member}" if member else "not measured"
            if member and best_jax and family != "JAX":
                # What the best hand-written JAX itself reaches against this peer: the bar's own height here.
                jax_over_peer = _median(impls[best_jax]["samples_per_s"]) / _median(impls[member]["samples_per_s"])
                note += f"; {best_jax} itself: {jax_over_peer:.2f}×"
            found.append(_target(f"digits {label}: course_lib.fit samples/s vs best {family} reference",
                                 f">= {factor:g}×", speedup, "x", speedup is not None and speedup >= factor, note))
    batch_64 = digits.get("configs", {}).get("batch_64", {}).get("implementations", {}).get(COURSE, {})
    cold = _median(batch_64.get("time_to_target_cold_s"))
    cached = _median(batch_64.get("time_to_target_cold_cached_s"))
    warm = _median(batch_64.get("time_to_target_warm_s"))
    label = f"digits batch 64: time to {TARGET_ACCURACY:.0%} test accuracy"
    # Two readings of "cold": a fresh process that compiles everything (the first run on a machine), and a
    # fresh process that finds fit's programs in course_lib's persistent compilation cache (a restarted kernel).
    found.append(_target(f"{label}, cold, empty compilation cache (compile included)", "< 0.6 s", cold, "s",
                         cold is not None and cold < 0.6))
    found.append(_target(f"{label}, cold, compilation cache filled by an earlier process", "< 0.6 s", cached, "s",
                         cached is not None and cached < 0.6,
                         "" if cached is not None else "course_lib's cache not measured"))
    found.append(_target(f"{label}, warm", "< 0.05 s", warm, "s", warm is not None and warm < 0.05))

    wide = results["sections"].get("wide_mlp", {}).get("implementations", {}).get(COURSE, {})
    share = _median(wide.get("share_of_matmul_ceiling"))
    found.append(_target("wide MLP: course_lib.fit GFLOP/s / jitted matmul ceiling", ">= 90%", share, "%",
                         share is not None and share >= 0.9))

    cold_start = results["sections"].get("cold_start", {})
    imported = _median(cold_start.get("import_course_lib"))
    found.append(_target("import course_lib", "< 1 s", imported, "s", imported is not None and imported < 1.0))

    widgets = results["sections"].get("widgets", {})
    update = widgets.get("widget_update", {})
    latency = update.get("median_ms") if update.get("status") == "measured" else None
    found.append(_target("widget update (new weights -> diagram + boundary), median", "< 30 ms", latency, "ms",
                         latency is not None and latency < 30, "" if latency is not None else update.get("status", "")))
    playground = widgets.get("playground", {})
    rate = playground.get("updates_per_s") if playground.get("status") == "measured" else None
    found.append(_target("Playground visual updates/s while training 2-8-8-1", ">= 20/s", rate, "/s",
                         rate is not None and rate >= 20,
                         "kernel side: train a 2-epoch chunk, redraw and serialise every view" if rate is not None
                         else playground.get("status", "")))

    for pause in ("0", "1"):
        first = widgets.get(f"first_step_pause_{pause}", {})
        value = first.get("median_s") if first.get("status") == "measured" else None
        found.append(_target(f"Playground: first step after + or − (a new network), "
                             f"{'at once' if pause == '0' else 'pressed 1 s after the click'}, median",
                             "< 0.3 s", value, "s", value is not None and value < 0.3,
                             "" if value is not None else first.get("status", "not measured")))

    cold_start_init = _median(cold_start.get("first_use_init_mlp"))
    found.append(_target("first init_mlp of the digits network in a fresh interpreter", "< 20 ms", cold_start_init,
                         "s", cold_start_init is not None and cold_start_init < 0.02))
    wait = results["sections"].get("student_wait", {}).get("notebooks", {})
    measured = [entry for entry in wait.values() if "first_output_s" in entry]
    if measured:
        worst_first = max(entry["first_output_s"] or float("inf") for entry in measured)
        worst_cell = max(entry["slowest_cell_s"] for entry in measured)
        found.append(_target("student's first run: first output of every notebook (worst)", "< 2 s", worst_first,
                             "s", worst_first < 2.0, f"{len(measured)} of {len(wait)} notebooks ran"))
        found.append(_target("student's first run: slowest cell of any notebook", "< 2 s", worst_cell, "s",
                             worst_cell < 2.0))

    notebooks = results["sections"].get("notebooks", {})
    course = notebooks.get("whole_course_s") if notebooks.get("status") == "measured" else None
    found.append(_target("whole course under nbval", "< 4 min", course, "s", course is not None and course < 240,
                         "" if course is not None else notebooks.get("status", "")))
    return found


# ------------------------------------------------------------------------------------------------- markdown

def _digits_tables(section):
    parts = []
    for config_name, config in section.get("configs", {}).items():
        title = "batch 64" if config["batch_size"] != "all" else "full batch"
        rows = []
        for name, entry in config["implementations"].items():
            speedup = entry.get("course_speedup", {})
            reached = entry.get("epochs_to_target")
            epochs = (str(reached) if reached else f"not in {entry['max_epochs']} (best {entry['best_test_accuracy']:.1%})"
                      ) if "best_test_accuracy" in entry else MISSING
            rows.append([f"`{name}`", entry.get("description", ""), spread(entry.get("samples_per_s"), "samples/s"),
                         spread(speedup.get("samples_per_s"), "x") if name != COURSE else "1×", epochs,
                         spread(entry.get("time_to_target_warm_s"), "s"),
                         spread(speedup.get("time_to_target_warm"), "x") if name != COURSE else "1×",
                         spread(entry.get("time_to_target_cold_s"), "s"),
                         spread(speedup.get("time_to_target_cold"), "x") if name != COURSE else "1×",
                         spread(entry.get("time_to_target_cold_cached_s"), "s")])
            if entry.get("error"):
                rows[-1][1] += f" (error: {entry['error']})"
        skipped = f"; not run at full batch: {', '.join(config['skipped'])}" if config.get("skipped") else ""
        parts.append(f"### Digits, {title} (SGD, lr {config['lr']}{skipped})\n\n"
                     "\"course ×\" = how many times faster `course_lib.fit` is than that implementation, "
                     "taken round by round in this run (> 1: the course is faster). Cold = a fresh process whose "
                     "first call compiles everything (course_lib's compilation cache empty; the references use "
                     "none); \"cache filled\" = a fresh process that finds `fit`'s programs in course_lib's "
                     "persistent compilation cache, as a restarted kernel does.\n\n" + _table(
                         ["implementation", "what", "samples/s", "course ×", f"epochs to {TARGET_ACCURACY:.0%}",
                          f"time to {TARGET_ACCURACY:.0%}, warm", "course ×", "cold (fresh process)", "course ×",
                          "cold, cache filled"], rows))
        unavailable = section.get("unavailable", {})
        if unavailable and config_name == "batch_64":
            parts.append("Not measured: " + "; ".join(f"`{n}` ({why})" for n, why in unavailable.items()))
    return "\n\n".join(parts)


def _wide_table(section):
    ceiling = section.get("matmul_ceiling", {})
    rows = [[f"`{name}`", entry.get("description", "") + (f" (error: {entry['error']})" if entry.get("error") else ""),
             spread(entry.get("gflops"), "GFLOP/s"), spread(entry.get("share_of_matmul_ceiling"), "%")]
            for name, entry in section.get("implementations", {}).items()]
    rows.insert(0, ["matmul ceiling", f"jitted float32 {ceiling.get('size')}×{ceiling.get('size')} @ "
                    f"{ceiling.get('size')}×{ceiling.get('size')}", spread(ceiling.get("gflops"), "GFLOP/s"), "100%"])
    return (f"{section.get('model')}, batch {section.get('batch_size')}, {section.get('examples_per_epoch')} examples "
            f"per timed epoch, {section.get('training_flops_per_example', 0) / 1e6:.2f} MFLOP of matmuls per example "
            "(forward, weight gradients, input gradients of layers 2 and 3).\n\n"
            + _table(["implementation", "what", "GFLOP/s", "share of ceiling (same round)"], rows))


def _widgets_text(section):
    lines = []
    update = section.get("widget_update", {})
    if update.get("status") == "measured":
        lines.append(f"- Widget update ({update.get('config')}): median {update['median_ms']:.1f} ms "
                     f"[{update['min_ms']:.1f}–{update['max_ms']:.1f}] over {update['n']} updates, "
                     f"{update.get('bytes_per_update', 0) / 1e3:.0f} kB sent per update. Kernel side only "
                     "(compute + serialise); the browser paints in parallel.")
    else:
        lines.append(f"- Widget update: {update.get('status', 'not measured')} ({update.get('why', '')})")
    for pause in ("0", "1"):
        first = section.get(f"first_step_pause_{pause}", {})
        if first.get("status") == "measured":
            lines.append(f"- Playground, first step after + or − on the neurons ({first['n']} clicks, each a new "
                         f"network; step pressed {first['pause_s']:g} s after the click): median "
                         f"{1000 * first['median_s']:.0f} ms [{1000 * first['min_s']:.0f}–{1000 * first['max_s']:.0f}]"
                         " from the click to the end of the step, pause not counted.")
    playground = section.get("playground", {})
    if playground.get("status") == "measured":
        lines.append(f"- Playground ({playground.get('config')}): {playground['updates_per_s']:.0f} visual updates/s "
                     f"over {playground.get('seconds', 0):g} s ({playground.get('n')} updates, "
                     f"{playground.get('epochs_per_update')} epochs each); per update median "
                     f"{playground.get('median_ms', 0):.1f} ms: training {playground.get('train_ms', 0):.1f} ms, "
                     f"redrawing and serialising {playground.get('draw_ms', 0):.1f} ms; "
                     f"{playground.get('bytes_per_update', 0) / 1e3:.0f} kB sent per update. Kernel side only: "
                     "the browser receives and paints in its own process, in parallel.")
        browser = playground.get("browser", {})
        if "updates_per_s_in_browser" in browser:
            lines.append(f"- Playground in a real browser (tests/browser/test_playground_browser.py, run "
                         f"{browser.get('measured_at', '?')}): {browser['updates_per_s_in_browser']:g} updates/s "
                         f"arrived and were painted while playing ({browser.get('frames')} frames in "
                         f"{browser.get('seconds')} s, {browser.get('network')}).")
    else:
        lines.append(f"- Playground: {playground.get('status', 'not measured')} ({playground.get('why', '')})")
    return "\n".join(lines)


def _cold_start_table(section):
    labels = {"import_course_lib": "`import course_lib`",
              "first_use_init_mlp": "first `course_lib.init_mlp([64, 128, 128, 10])` (NumPy imported before, as in every notebook)",
              "load_digits": "`course_lib.datasets.load_digits()`",
              "first_fit": "first `fit` (digits, 1 epoch, batch 64: compile included, empty compilation cache)",
              "first_fit_cache_filled": "first `fit` in the next fresh interpreter (cache filled by the previous one)",
              "second_fit": "second, identical `fit`"}
    rows = [[label, spread(section.get(key), "s")] for key, label in labels.items()]
    return f"Fresh interpreter each time, {section.get('repeats', 0)} times.\n\n" + _table(["step", "time"], rows)


def _notebooks_table(section):
    if section.get("status") != "measured":
        return f"{section.get('status', 'not measured')}: {section.get('why', '')}"
    rows = [[f"`{path}`", f"{entry['seconds']:.1f} s", entry["cells"], entry["failed"] or ""]
            for path, entry in section["notebooks"].items()]
    rows.append(["**whole course (wall clock, 2 workers)**", f"**{section['whole_course_s']:.1f} s**", "", ""])
    return (f"`{section['command']}` ({section['sanitize_file']}; pytest: {section['pytest_summary']})\n\n"
            + _table(["notebook", "time", "cells", "failed cells"], rows))


def _student_wait_table(section):
    rows = []
    for name, entry in section.get("notebooks", {}).items():
        if "failed" in entry:
            rows.append([f"`{name}`", "failed", entry["failed"], ""])
            continue
        first = entry["first_output_s"]
        rows.append([f"`{name}`", MISSING if first is None else f"{first:.2f} s",
                     f"{entry['slowest_cell_s']:.2f} s (cell {entry['slowest_cell']})", f"{entry['total_s']:.1f} s"])
    return ("Each student notebook (notebooks/) run top to bottom in a fresh kernel with an empty compilation cache, "
            "as on a student's first run (`python -m bench.student_wait`).\n\n"
            + _table(["notebook", "first output (from kernel start)", "slowest cell", "whole notebook"], rows))


def markdown(results):
    meta = results["meta"]
    sections = results["sections"]
    out = [f"# Benchmark results\n\nRegenerate with `make bench` (which runs `{meta['command']}`). "
           f"{meta['finished']}, commit {meta['commit']}, {meta['duration_s']:.0f} s in all.",
           f"Machine: {meta['machine']['cpu']}, {meta['machine']['usable_cpus']} usable CPUs, "
           f"{meta['machine']['memory_gib']} GiB, Python {meta['machine']['python']}; "
           f"AVX-512: {'yes' if 'avx512f' in meta['machine']['cpu_flags'] else 'no'}. "
           f"Load average (1, 5, 15 min) at start {meta['load_average_start']}, at end {meta['load_average_end']}: "
           "the machine is shared, so compare ratios, not absolute times.",
           "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v) + ".",
           "Threads: " + meta["thread_summary"]]
    out.append("## Targets\n\n" + _table(
        ["target", "goal", "measured", "met"],
        [[t["name"], t["target"], _number(t["value"], t["unit"]) if t["unit"] != "/s" else
          (MISSING if t["value"] is None else f"{t['value']:.0f}/s"),
          {True: "yes", False: "**no**", None: "not measured"}[t["met"]] + (f" ({t['note']})" if t["note"] else "")]
         for t in results["targets"]]))
    if "digits" in sections:
        out.append("## 1. Digits, 64-128-128-10, SGD\n\n" + _digits_tables(sections["digits"]))
    if "wide_mlp" in sections:
        out.append("## 2. Wide MLP\n\n" + _wide_table(sections["wide_mlp"]))
    if "widgets" in sections:
        out.append("## 3. Widgets\n\n" + _widgets_text(sections["widgets"]))
    if "cold_start" in sections:
        out.append("## 4. Cold start\n\n" + _cold_start_table(sections["cold_start"]))
    if "notebooks" in sections:
        out.append("## 5. Notebooks under nbval\n\n" + _notebooks_table(sections["notebooks"]))
    if "student_wait" in sections:
        out.append("## 6. A student's first run\n\n" + _student_wait_table(sections["student_wait"]))
    return "\n\n".join(out) + "\n"
