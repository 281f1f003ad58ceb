"""HF checkpoint -> the shipped ONNX model (int8, KV cache), plus its latency bench and checkpoint unpacking.

The I/O contract the embedded engine depends on (batch is always 1, L layers):
  inputs:  input_ids int64 [1, S]; past_key_{i}, past_value_{i} float32 [1, KVH, P, D] (P may be 0)
  outputs: logits float32 [1, V] (last position only); present_key_{i}, present_value_{i} [1, KVH, P+S, D]
Positions P..P+S-1 are computed inside the graph from the past length.

Export goes through `torch.onnx.export(dynamo=True, opset_version=23)`, which emits the fused
Attention / RotaryEmbedding / RMSNormalization ops of opset 23. The tied output projection gets its own
weight as a plain MatMul so that dynamic int8 quantisation covers it; the embedding Gather is quantised
too. Usage:
  python -m maze_workshop.model.export CKPT_DIR OUT_DIR          # trained checkpoint
  python -m maze_workshop.model.export --random h512-l4 OUT_DIR   # random weights of a candidate
  python -m maze_workshop.model.export --bench DIR [DIR ...]      # latency table
  python -m maze_workshop.model.export --unpack PARTS_DIR CKPT_DIR   # ckpt.tar.part-* -> checkpoint
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FORMAT = "maze-onnx-kv/1"


def _torch_model_wrapper():
    """Build the wrapper class lazily: torch is only needed for export, never for the bench."""
    import torch
    from transformers import DynamicCache

    class KVWrapper(torch.nn.Module):
        """(input_ids, past...) -> (last logits, present...) with an untied output projection."""

        def __init__(self, model) -> None:
            super().__init__()
            self.decoder = model.model
            self.num_layers = model.config.num_hidden_layers
            # Own copy, stored [H, V] so that it exports as MatMul with a constant B (quantisable).
            self.lm_weight = torch.nn.Parameter(model.lm_head.weight.detach().T.contiguous().clone())

        def forward(self, input_ids, past: list):
            past_len = past[0].shape[2]
            cache = DynamicCache(ddp_cache_data=[(past[2 * i], past[2 * i + 1]) for i in range(self.num_layers)])
            positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0) + past_len
            out = self.decoder(input_ids=input_ids, past_key_values=cache, position_ids=positions, use_cache=True)
            logits = torch.matmul(out.last_hidden_state[:, -1, :], self.lm_weight)
            presents = []
            for layer in out.past_key_values.layers:
                presents += [layer.keys, layer.values]
            return (logits, *presents)

    return KVWrapper


def io_names(num_layers: int) -> tuple[list[str], list[str]]:
    kinds = [(kind, i) for i in range(num_layers) for kind in ("key", "value")]
    return (["input_ids"] + [f"past_{k}_{i}" for k, i in kinds], ["logits"] + [f"present_{k}_{i}" for k, i in kinds])


def export_fp32(model, path: Path) -> None:
    """Export `model` (a Qwen2ForCausalLM in eval mode, fp32) to ONNX with the KV-cache contract."""
    os.environ.setdefault("TRANSFORMERS_SDPA_FORCE_GQA", "1")  # attend with GQA instead of copying KV heads
    import torch

    cfg = model.config
    model.config._attn_implementation = "sdpa"
    wrapper = _torch_model_wrapper()(model).eval()
    layers, kvh = cfg.num_hidden_layers, cfg.num_key_value_heads
    head_dim = cfg.hidden_size // cfg.num_attention_heads
    ids = torch.randint(0, cfg.vocab_size, (1, 5))
    past = [torch.zeros(1, kvh, 3, head_dim) for _ in range(2 * layers)]  # non-trivial sizes: no 0/1 specialisation
    seq = torch.export.Dim("seq", min=1)
    plen = torch.export.Dim("past", min=0)
    names_in, names_out = io_names(layers)
    with torch.no_grad():
        program = torch.onnx.export(
            wrapper, (ids, past), None, dynamo=True, opset_version=23, external_data=False,
            dynamic_shapes={"input_ids": {1: seq}, "past": [{2: plen} for _ in range(2 * layers)]},
            input_names=names_in, output_names=names_out, verbose=False,
        )
    program.save(str(path))


def quantize_block(src: Path, dst: Path, block_size: int = 32) -> None:
    """The fallback: weight-only 8-bit block-wise quantisation (MatMulNBits, int8 compute) of the MatMuls
    and the embedding Gather; finer scales than per-channel where outliers hurt dynamic int8."""
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    quantizer = MatMulNBitsQuantizer(onnx.load(str(src)), bits=8, block_size=block_size, is_symmetric=True,
                                     accuracy_level=4, op_types_to_quantize=("MatMul",))
    quantizer.process()
    mid = dst.with_suffix(".nbits.onnx")
    quantizer.model.save_model_to_file(str(mid), use_external_data_format=False)
    quantize_int8(mid, dst, ops=("Gather",))  # the embedding table as int8 as well
    mid.unlink()


def quantize_int8(src: Path, dst: Path, per_channel: bool = False, ops: tuple[str, ...] = ("MatMul", "Gather")) -> None:
    """Dynamic int8 (QInt8 weights, activations quantised at run time) of every MatMul with a constant
    weight and of the embedding Gather (4x smaller table, dequantised row by row)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # the quantiser logs one INFO line per activation through the root logger
    try:
        quantize_dynamic(src, dst, weight_type=QuantType.QInt8, per_channel=per_channel, op_types_to_quantize=list(ops),
                         extra_options={"MatMulConstBOnly": True})
    finally:
        root.setLevel(level)


def session(path: Path, threads: int = 2):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def _empty_past(sess) -> dict[str, np.ndarray]:
    feeds = {}
    for inp in sess.get_inputs()[1:]:
        kvh, head_dim = inp.shape[1], inp.shape[3]
        feeds[inp.name] = np.zeros((1, kvh, 0, head_dim), np.float32)
    return feeds


def generate(sess, prompt: list[int], new_tokens: int) -> tuple[list[np.ndarray], float, list[float]]:
    """Greedy decoding with the KV cache: (logits of every step, prefill seconds, per-step seconds)."""
    names_out = [o.name for o in sess.get_outputs()]
    feeds = {"input_ids": np.asarray([prompt], np.int64), **_empty_past(sess)}
    logits_seen: list[np.ndarray] = []
    times: list[float] = []
    for _ in range(new_tokens + 1):
        start = time.perf_counter()
        outs = sess.run(None, feeds)
        times.append(time.perf_counter() - start)
        logits_seen.append(outs[0][0])
        nxt = int(outs[0][0].argmax())
        feeds = {"input_ids": np.asarray([[nxt]], np.int64)}
        feeds.update({n.replace("present", "past"): v for n, v in zip(names_out[1:], outs[1:])})
    return logits_seen, times[0], times[1:]


def parity(ref_sess, test_sess, prompts: list[list[int]], new_tokens: int = 8) -> dict[str, float]:
    """Compare two sessions on greedy continuations driven by `ref_sess`'s choices (teacher forcing):
    top-1 agreement and max/mean absolute logit error over all steps."""
    agree = total = 0
    max_err = 0.0
    errs = []
    for prompt in prompts:
        ref, _, _ = generate(ref_sess, prompt, new_tokens)
        seq = list(prompt)
        for step, ref_logits in enumerate(ref):
            test_logits = test_sess.run(None, {"input_ids": np.asarray([seq], np.int64), **_empty_past(test_sess)})[0][0]
            agree += int(test_logits.argmax() == ref_logits.argmax())
            total += 1
            diff = np.abs(test_logits - ref_logits)
            max_err = max(max_err, float(diff.max()))
            errs.append(float(diff.mean()))
            seq.append(int(ref_logits.argmax()))
            if step >= new_tokens:
                break
    return {"top1_agreement": agree / total, "max_abs_logit_error": max_err, "mean_abs_logit_error": float(np.mean(errs))}


def torch_parity(model, sess, prompts: list[list[int]]) -> float:
    """Max abs logit error of the ONNX session (no cache, then one cached step) against torch."""
    import torch

    worst = 0.0
    for prompt in prompts:
        with torch.no_grad():
            ref = model(input_ids=torch.tensor([prompt])).logits[0].float().numpy()
        out = sess.run(None, {"input_ids": np.asarray([prompt[:-1]], np.int64), **_empty_past(sess)})
        names = [o.name.replace("present", "past") for o in sess.get_outputs()[1:]]
        step = sess.run(None, {"input_ids": np.asarray([prompt[-1:]], np.int64), **dict(zip(names, out[1:]))})
        worst = max(worst, float(np.abs(out[0][0] - ref[-2]).max()), float(np.abs(step[0][0] - ref[-1]).max()))
    return worst


def _prompts(tokenizer_path: Path | None, vocab: int, per_lang: int = 2, length: int = 96) -> list[list[int]]:
    """Parity prompts: real code of every language if a tokenizer and a val split are around (the
    corpus's or the training pack's), else random ids."""
    rng = np.random.default_rng(0)
    texts: list[str] = []
    corpus_val, pack_val = Path(".data/corpus/val"), Path(".train/data/val.jsonl.xz")
    if corpus_val.is_dir():
        for path in sorted(corpus_val.glob("*.jsonl")):
            texts += [json.loads(line)["text"] for line in path.open(encoding="utf-8").readlines()[:per_lang]]
    elif pack_val.is_file():
        import lzma

        with lzma.open(pack_val, "rt", encoding="utf-8") as fh:
            seen: dict[str, int] = {}
            for line in fh:
                doc = json.loads(line)
                if seen.get(doc["lang"], 0) < per_lang:
                    seen[doc["lang"]] = seen.get(doc["lang"], 0) + 1
                    texts.append(doc["text"])
    if tokenizer_path is not None and tokenizer_path.is_file() and texts:
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(tokenizer_path))
        out = [ids[len(ids) // 3 :][:length] for ids in (tok.encode(t).ids for t in texts)]
        out = [p for p in out if len(p) == length]
        if out:
            return out
    return [rng.integers(5, vocab, length).tolist() for _ in range(4)]


def export_dir(model, out: Path, tokenizer: Path | None, training: dict, quant: str = "auto",
               keep_fp32: bool = False) -> dict:
    """Write the shipped folder: model.onnx (int8), tokenizer.json, maze_model.json. Returns maze_model.

    `quant` "tensor" or "channel" picks the int8 weight scales; "auto" quantises both ways and keeps
    the one closer to fp32 (top-1 agreement first, then mean logit error); "block" is the MatMulNBits
    fallback."""
    cfg = model.config
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        export_fp32(model, fp32)
        prompts = _prompts(tokenizer, cfg.vocab_size)
        ref = session(fp32)
        fp32_err = torch_parity(model, ref, prompts[:2])
        tried: dict[str, dict] = {}
        for mode in (["tensor", "channel"] if quant == "auto" else [quant]):
            path = Path(tmp) / f"model.{mode}.onnx"
            if mode == "block":
                quantize_block(fp32, path)
            else:
                quantize_int8(fp32, path, per_channel=mode == "channel")
            tried[mode] = parity(ref, session(path), prompts)
            log.info("export: int8 per-%s vs fp32: %s", mode, tried[mode])
        best = max(tried, key=lambda m: (tried[m]["top1_agreement"], -tried[m]["mean_abs_logit_error"]))
        shutil.copy(Path(tmp) / f"model.{best}.onnx", out / "model.onnx")
        checks = {"fp32_vs_torch_max_abs": fp32_err, "weight_scales": f"per-{best}", **tried[best],
                  "prompts": len(prompts)}
        if keep_fp32:
            shutil.copy(fp32, out / "model.fp32.onnx")
    if tokenizer is not None:
        shutil.copy(tokenizer, out / "tokenizer.json")
    n_params = sum(p.numel() for p in model.parameters())  # the tied embedding once, as trained
    meta = {
        "format": FORMAT,
        "architecture": "qwen2",
        "num_layers": cfg.num_hidden_layers,
        "num_kv_heads": cfg.num_key_value_heads,
        "head_dim": cfg.hidden_size // cfg.num_attention_heads,
        "hidden_size": cfg.hidden_size,
        "vocab_size": cfg.vocab_size,
        "max_positions": cfg.max_position_embeddings,
        "eos_token": "<|endoftext|>",
        "fim": {"prefix": "<|fim_prefix|>", "suffix": "<|fim_suffix|>", "middle": "<|fim_middle|>"},
        "quantization": "int8-block" if quant == "block" else "int8-dynamic",
        "params": int(n_params),
        "params_onnx": int(n_params + (cfg.vocab_size * cfg.hidden_size if cfg.tie_word_embeddings else 0)),
        "parity": checks,
        "training": training,
    }
    (out / "maze_model.json").write_text(json.dumps(meta, indent=2) + "\n")
    log.info("export: %s %.1f MB, parity %s", out / "model.onnx", (out / "model.onnx").stat().st_size / 1e6, checks)
    return meta


def training_summary(metrics: dict) -> dict:
    """The part of train.py's metrics.json that the shipped maze_model.json records."""
    args = metrics.get("args", {})
    keys = ("config", "seq_len", "batch_tokens", "lr", "fim_rate", "spm_rate", "repo_rate", "lang_weights", "minutes",
            "seed")
    return {
        "status": metrics.get("status"),
        **{k: args[k] for k in keys if k in args},
        "steps": metrics.get("steps"),
        "tokens_seen": metrics.get("tokens_seen"),
        "tokens_by_lang": metrics.get("tokens_by_lang"),
        "throughput_tok_per_s": metrics.get("throughput_tok_per_s"),
        "train_loop_s": metrics.get("wall", {}).get("train_loop_s"),
        "checkpoint_dtype": metrics.get("checkpoint", {}).get("dtype"),
        "final_train_loss": (metrics.get("loss_curve") or [{}])[-1].get("loss"),
        "val": metrics.get("val"),
    }


def load_checkpoint(ckpt: Path):
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(ckpt), dtype=torch.float32, attn_implementation="sdpa")
    return model.eval()


def random_model(name: str, vocab_size: int, seed: int = 0):
    import torch
    from transformers import Qwen2ForCausalLM

    from maze_workshop.model.architecture import make_config

    torch.manual_seed(seed)
    cfg = make_config(name, vocab_size)
    cfg._attn_implementation = "sdpa"
    return Qwen2ForCausalLM(cfg).eval()


def bench(dirs: list[Path], prompt_len: int = 512, new_tokens: int = 16, repeats: int = 7, threads: int = 2) -> list[dict]:
    """Latency of each model folder: prefill `prompt_len` then `new_tokens` greedy steps; candidates run
    round-robin so that load from other processes spreads over all of them. Medians over `repeats`."""
    sessions = {d: session(d / "model.onnx", threads) for d in dirs}
    rng = np.random.default_rng(0)
    results: dict[Path, dict[str, list[float]]] = {d: {"prefill": [], "step": [], "total": []} for d in dirs}
    for rep in range(repeats + 1):
        for d, sess in sessions.items():
            vocab = json.loads((d / "maze_model.json").read_text())["vocab_size"]
            prompt = rng.integers(5, vocab, prompt_len).tolist()
            _, prefill, steps = generate(sess, prompt, new_tokens)
            if rep == 0:
                continue  # warm-up
            results[d]["prefill"].append(prefill)
            results[d]["step"].append(statistics.median(steps))
            results[d]["total"].append(prefill + sum(steps))
    rows = []
    for d in dirs:
        meta = json.loads((d / "maze_model.json").read_text())
        rows.append({
            "model": d.name, "params_M": meta["params"] / 1e6, "file_MB": (d / "model.onnx").stat().st_size / 1e6,
            **{f"{k}_ms": 1000 * statistics.median(v) for k, v in results[d].items()},
            "total_min_ms": 1000 * min(results[d]["total"]),
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="maze_workshop.model.export", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--random", metavar="CONFIG", help="random weights of this candidate config")
    mode.add_argument("--bench", action="store_true", help="latency table of model folders")
    mode.add_argument("--unpack", action="store_true", help="PARTS_DIR OUT: reassemble a training checkpoint")
    parser.add_argument("--tokenizer", type=Path, help="tokenizer.json to ship (default: the checkpoint's)")
    parser.add_argument("--vocab-size", type=int, default=8192)
    parser.add_argument("--quant", choices=["auto", "tensor", "channel", "block"], default="auto",
                        help="dynamic int8 with scales per tensor or per output channel (auto: the closer to "
                        "fp32), or block: weight-only 8-bit MatMulNBits, the fallback")
    parser.add_argument("--keep-fp32", action="store_true", help="also keep model.fp32.onnx")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--prompt", type=int, default=512)
    parser.add_argument("--new-tokens", type=int, default=16)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if args.bench:
        rows = bench(args.paths, args.prompt, args.new_tokens, args.repeats, args.threads)
        print("| model | params (M) | int8 file (MB) | prefill 512 (ms) | per token (ms) | total 512+16 (ms) | min total |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['model']} | {r['params_M']:.1f} | {r['file_MB']:.1f} | {r['prefill_ms']:.1f} | {r['step_ms']:.2f} "
                  f"| {r['total_ms']:.1f} | {r['total_min_ms']:.1f} |")
        return 0
    if args.unpack:
        from maze_workshop.model.checkpoint import unpack

        src, dst = args.paths
        log.info("unpack: checkpoint in %s", unpack(src, dst))
        return 0
    if args.random:
        (out,) = args.paths
        model = random_model(args.random, args.vocab_size)
        training = {"random_weights": True, "config": args.random}
    else:
        ckpt, out = args.paths
        model = load_checkpoint(ckpt)
        metrics = ckpt / "metrics.json"
        training = training_summary(json.loads(metrics.read_text())) if metrics.is_file() else {}
        if args.tokenizer is None and (ckpt / "tokenizer.json").is_file():
            args.tokenizer = ckpt / "tokenizer.json"
    export_dir(model, out, args.tokenizer, training, quant=args.quant, keep_fp32=args.keep_fp32)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
