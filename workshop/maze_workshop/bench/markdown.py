"""`maze bench report`: docs/benchmarks.md and its plots, from the JSON the benches wrote.

Every table carries the command that produced it and the machine it ran on, so any number in the
docs can be reproduced by running that command again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from maze_workshop.bench import constraint, latency, quality, retrieval, service

_NAMES = ("constraint", "latency", "quality", "retrieval", "service")


def _latest(folders: list[Path]) -> dict[str, dict]:
    """The newest result per bench name, looking at every JSON file in `folders`.

    Quality runs are per suite (single, multi, span, realcode and its languages), so the newest run of each
    suite is merged.
    """
    found: dict[str, tuple[float, dict]] = {}
    quality_by_kind: dict[str, tuple[float, dict]] = {}
    for folder in folders:
        for path in folder.glob("*.json") if folder.is_dir() else []:
            try:
                data = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            name = data.get("name") if isinstance(data, dict) else None
            if name == "quality":
                baseline = data["result"].get("baseline") or {}
                tasks = re.search(r"--tasks (\S+)", data["command"])
                for kind, table in data["result"]["summary"].items():
                    # a suite run beside another one (realcode in a crossfile run) is its own row group
                    key = kind if tasks is None or kind.split("-")[0] == tasks.group(1) else f"{kind} ({tasks.group(1)} run)"
                    if key not in quality_by_kind or path.stat().st_mtime > quality_by_kind[key][0]:
                        quality_by_kind[key] = (path.stat().st_mtime, {**data, "kind_table": table,
                                                                       "baseline_table": baseline.get("summary", {}).get(kind),
                                                                       "baseline_model": baseline.get("model")})
                continue
            if name in _NAMES:
                key = f"{name}@gpu" if data.get("machine", {}).get("gpu") else name
                if key not in found or path.stat().st_mtime > found[key][0]:
                    found[key] = (path.stat().st_mtime, data)
    results = {name: data for name, (_, data) in found.items()}
    if quality_by_kind:
        runs = [data for _, data in quality_by_kind.values()]
        commands = sorted({data["command"] for data in runs})
        baselines = {kind: data for kind, (_, data) in sorted(quality_by_kind.items()) if data["baseline_table"]}
        results["quality"] = {**runs[0], "command": "`; `".join(commands),
                              "result": {"summary": {kind: data["kind_table"] for kind, (_, data) in sorted(quality_by_kind.items())},
                                         "wall_s": sum(data["result"]["wall_s"] for data in runs)}}
        if baselines:
            models = sorted({str(data["baseline_model"]) for data in baselines.values()})
            results["quality"]["result"]["baseline"] = {
                "model": ", ".join(models), "summary": {kind: data["baseline_table"] for kind, data in baselines.items()}}
    return results


_NOTES = {
    "service": "The embedded engine runs one generation at a time on the CPU, so requests queue: latency grows with "
               "concurrency while requests/s stays flat; nothing fails.",
    "service@gpu": "Server and client on the lent H100 (`scripts/h100/serve_bench.sh`): `maze serve --engine vllm "
                   "--model /root/ckpt` serving maze's own checkpoint (the shipped model before int8 export, in fp16; see the [model card](model-card.md)), "
                   "async scheduling off (see the GPU section). Masks for constrained rows are computed on the CPU "
                   "for every step, so the constrained rows lose batching efficiency as concurrency grows.",
}


def _machine(data: dict) -> str:
    m = data["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    gpu = f"{m['gpu']}, " if m.get("gpu") else ""
    return f"{gpu}{m['cpu']}, {m['cores']} cores, Python {m['python']}, {m['date']}; {versions}"


def _plots(results: dict[str, dict], img: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    img.mkdir(parents=True, exist_ok=True)
    made = []
    if "latency" in results:
        fig, ax = plt.subplots(figsize=(7, 4))
        for key, r in results["latency"]["result"]["keystrokes"].items():
            values = r.get("samples_ms") or []
            if values:
                ax.plot(values, [(i + 1) / len(values) for i in range(len(values))], label=key)
        ax.set_xlabel("keystroke -> inline completion (ms)")
        ax.set_ylabel("fraction of requests")
        ax.set_xscale("log")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(img / "bench-latency-cdf.png", dpi=110)
        plt.close(fig)
        made.append("bench-latency-cdf.png")
    if "quality" in results:
        summary = {k: v for k, v in results["quality"]["result"]["summary"].items() if "-" not in k}
        fig, axes = plt.subplots(1, len(summary), figsize=(4.5 * len(summary), 3.8), squeeze=False)
        for ax, (kind, decoders) in zip(axes[0], summary.items(), strict=True):
            metrics = ("parse_rate_non_empty", "exact_match", "empty")
            width = 0.25
            for i, decoder in enumerate(decoders):
                ax.bar([m + i * width for m in range(len(metrics))], [decoders[decoder][m] * 100 for m in metrics],
                       width, label=decoder)
            ax.set_xticks([m + width for m in range(len(metrics))], ["parses (non-empty)", "exact match", "empty"])
            ax.set_ylabel("%")
            ax.set_title(kind)
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(img / "bench-quality.png", dpi=110)
        plt.close(fig)
        made.append("bench-quality.png")
    return made


def _training_plot(metrics: Path, img: Path) -> None:
    """The training run's loss curves (train every 10 steps, validation per language) for the model card."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = json.loads(metrics.read_text())
    fig, ax = plt.subplots(figsize=(7, 4))
    curve = data["loss_curve"]
    ax.plot([p["tokens"] / 1e6 for p in curve], [p["loss"] for p in curve], label="train", color="black", lw=1)
    for language in sorted(data["val_curve"][0]["plain"]):
        ax.plot([p["tokens"] / 1e6 for p in data["val_curve"]], [p["plain"][language] for p in data["val_curve"]],
                marker="o", ms=3, label=f"val {language}")
    ax.set_xlabel("tokens seen (M)")
    ax.set_ylabel("loss (nats/token)")
    ax.set_ylim(0, 6)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    img.mkdir(parents=True, exist_ok=True)
    fig.savefig(img / "train-loss.png", dpi=110)
    plt.close(fig)


def build_report(folders: list[Path], out: Path) -> Path:
    results = _latest(folders)
    img = out.parent / "img"
    plots = _plots(results, img)
    metrics = out.parent / "results" / "train_metrics.json"
    if metrics.is_file():
        _training_plot(metrics, img)
    parts = ["# Benchmarks", "",
             "Every number here comes from `maze bench ...` (the command is given per table), measured against a "
             "baseline in the same run. Regenerate this page with `maze bench report`.", ""]
    sections = (
        ("quality", "Completion quality (HumanEval-infilling and real code)", quality.format_table),
        ("latency", "Latency", latency.format_table),
        ("constraint", "Cost of the grammar constraint", constraint.format_table),
        ("retrieval", "Repository context: index and retrieval",
         lambda r: "\n".join(f"- {line}" for line in retrieval.format_report(r).splitlines())),
        ("service", "Service under concurrency (loopback)", service.format_table),
        ("service@gpu", "Service under concurrency on the GPU machine (`maze serve --engine vllm`)",
         service.format_table),
    )
    for name, title, fmt in sections:
        if name not in results:
            continue
        data = results[name]
        parts += [f"## {title}", "", f"Command: `{data['command']}`  ", f"Machine: {_machine(data)}", "",
                  fmt(data["result"]), ""]
        if name in _NOTES:
            parts += [_NOTES[name], ""]
        if name == "quality" and "bench-quality.png" in plots:
            parts += ["![quality per decoder](img/bench-quality.png)", ""]
        if name == "latency" and "bench-latency-cdf.png" in plots:
            parts += ["![keystroke latency CDF](img/bench-latency-cdf.png)", ""]
    gpu = out.parent / "results" / "gpu_check_h100.json"
    if gpu.is_file():
        parts += _gpu_section(json.loads(gpu.read_text()))
    out.write_text("\n".join(parts) + "\n")
    return out


def _gpu_section(data: dict) -> list[str]:
    lines = ["## GPU (H100): the service engines", "",
             "Command (on the lent H100, see scripts/h100/README.md): "
             "`PYTHONPATH=server:inference:/root/vsite python scripts/gpu_check.py --model /root/ckpt --out OUT`; "
             f"{data.get('positions')} cursor positions from the accept corpora, up to {data.get('max_tokens')} new tokens.", "",
             "| engine | workload | decoder | p50 ms | p95 ms | tok/s | shown | dropped (parse) |", "|---|---|---|---|---|---|---|---|"]
    for engine in ("transformers", "vllm_async_off", "vllm_async_on"):
        block = data.get(engine)
        if not isinstance(block, dict) or "error" in block:
            continue
        for workload in ("single", "concurrent32"):
            for decoder in ("unconstrained", "constrained"):
                r = block.get(f"{workload}_{decoder}")
                if r:
                    lines.append(f"| {engine} | {workload} | {decoder} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
                                 f"{r['tok_per_s']:.0f} | {r['shown']}/{r['n']} | {r['dropped_parse']} |")
    return lines + ["", "The model is maze's own small checkpoint in Hugging Face format (the [model card](model-card.md)), so these rows measure "
                    "the serving and constraint overheads, not a 7 B model's speed. `vllm_async_on` asked for async "
                    "scheduling, but vLLM 0.26 has no hook that gives logits processors the real output ids, so the "
                    "engine turned it off: both vLLM rows run the same configuration and differ by run-to-run noise. "
                    "`shown` counts completions that parse in the document (the only ones the editor shows).", ""]
