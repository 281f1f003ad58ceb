"""Time-bounded pretraining of the embedded FIM model on one GPU (or, tiny, on CPU for tests).

Run from the repository root with nothing but torch, transformers, tokenizers, numpy and safetensors:
  PYTHONPATH=inference:workshop python -m maze_workshop.model.train --data .train/data --out OUT --minutes 8
The run measures its own step time after compilation and sizes the cosine schedule to end when the
budget does, so a slower or faster machine still gets a complete schedule. Whatever happens after the
first step, the checkpoint is saved (bf16/fp16/fp32, see --save-dtype) before validation runs, and
`--out` ends up holding only `ckpt.tar.part-NN` (<= 15 MiB each), `metrics.json` and `train.log`.
"""

from __future__ import annotations

import time

T0 = time.time()  # before the heavy imports: the deadline counts from process start

import argparse
import json
import logging
import math
import os
import signal
import sys
import tempfile
from pathlib import Path

import torch
import torch.nn.functional as F

from maze_workshop.model.architecture import CANDIDATES, DEFAULT, describe, make_config
from maze_workshop.model.checkpoint import save_checkpoint, write_parts
from maze_workshop.model.data import (
    RETRIEVED_KINDS,
    Mix,
    PackedStream,
    load_corpus,
    load_retrieved,
    val_examples,
)

log = logging.getLogger("maze.train")


class Run:
    """Mutable run state that the end-of-run code (and partial metrics) reads."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.metrics: dict = {"status": "starting", "args": vars(args) | {"data": str(args.data), "out": str(args.out)},
                              "loss_curve": [], "val_curve": [], "wall": {}}
        self.stop = False
        self.last_write = 0.0

    def write_metrics(self, force: bool = False) -> None:
        if not force and time.time() - self.last_write < 30:
            return
        self.last_write = time.time()
        self.metrics["wall"]["elapsed_s"] = round(time.time() - T0, 1)
        tmp = self.args.out / "metrics.json.tmp"
        tmp.write_text(json.dumps(self.metrics, indent=1, default=str) + "\n")
        tmp.replace(self.args.out / "metrics.json")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="maze_workshop.model.train", description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=Path(".train/data"))
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--work", type=Path, default=None, help="checkpoint folder before packing (default: a temp dir)")
    p.add_argument("--config", default=DEFAULT, choices=sorted(CANDIDATES))
    p.add_argument("--minutes", type=float, default=8.0, help="training-loop budget, compilation included")
    p.add_argument("--deadline-minutes", type=float, default=9.5, help="whole-process limit: stop training early "
                   "enough to save and validate before it")
    p.add_argument("--seq-len", type=int, default=1024)
    p.add_argument("--batch-tokens", type=int, default=262144, help="tokens per optimizer step")
    p.add_argument("--micro-tokens", type=int, default=131072, help="tokens per forward pass (halved on OOM)")
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--min-lr-ratio", type=float, default=0.1)
    p.add_argument("--warmup-steps", type=int, default=60)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--fim-rate", type=float, default=0.9)
    p.add_argument("--spm-rate", type=float, default=0.5)
    p.add_argument("--repo-rate", type=float, default=0.3,
                   help="of FIM examples whose package has other files: repository-level (other files first)")
    p.add_argument("--retrieved-rate", type=float, default=0.0,
                   help="of repository examples at a document with retrieved cursors (retrieved-*.jsonl.xz "
                        "in --data, `maze corpus retrieve`): at one of them, with the context retrieval gave")
    p.add_argument("--init", type=Path, default=None,
                   help="start from this checkpoint folder (model.safetensors of the same config) instead of "
                        "random weights; the schedule still warms up and decays over the budget")
    p.add_argument("--lang-weights", default="python=2,typescript=1.5,go=1,rust=1,zig=1",
                   help="documents of a language are seen this many times per data epoch")
    p.add_argument("--chars-per-token", type=float, default=3.6, help="sizes the text chunks to the sequence")
    p.add_argument("--workers", type=int, default=max(1, min(12, (os.cpu_count() or 2) - 2)))
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--no-compile", action="store_true")
    p.add_argument("--log-every", type=int, default=10)
    p.add_argument("--eval-every-s", type=float, default=60.0, help="quick val loss during training")
    p.add_argument("--ckpt-every-min", type=float, default=3.0, help="interim checkpoint parts in OUT")
    p.add_argument("--val-chunks", type=int, default=256, help="val chunks per language and kind")
    p.add_argument("--save-dtype", choices=["auto", "float32", "float16", "bfloat16"], default="auto")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def setup_logging(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in (logging.StreamHandler(sys.stdout), logging.FileHandler(out / "train.log")):
        handler.setFormatter(fmt)
        root.addHandler(handler)


def load_init(model: torch.nn.Module, folder: Path) -> None:
    """Weights of an earlier run of the same config (its tied output layer comes with the embedding)."""
    from safetensors.torch import load_file

    state = load_file(str(folder / "model.safetensors"))
    missing, unexpected = model.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
    wrong = [k for k in missing if k != "lm_head.weight"] + list(unexpected)
    if wrong:
        raise ValueError(f"{folder} does not fit the model: {wrong[:5]}")
    log.info("initialised from %s (%d tensors)", folder, len(state))


def lr_at(step: int, total: int, warmup: int, peak: float, min_ratio: float) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def make_optimizer(model: torch.nn.Module, args: argparse.Namespace, fused: bool) -> torch.optim.Optimizer:
    """AdamW; no weight decay on norms, biases and the (tied) embedding."""
    decay, no_decay = [], []
    for name, param in model.named_parameters():
        (decay if param.ndim >= 2 and "embed" not in name else no_decay).append(param)
    groups = [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.95), eps=1e-8, fused=fused)


class NextTokenLoss(torch.nn.Module):
    """Model + cross-entropy in one module, so that torch.compile fuses the loss over the logits too."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        logits = self.model(input_ids=tokens[:, :-1], use_cache=False).logits
        return F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))


@torch.no_grad()
def evaluate(model: torch.nn.Module, examples: dict, device: torch.device, amp: bool, pad: int,
             batch: int = 32) -> dict[str, dict[str, float]]:
    """Mean loss per scored token for each language and kind; bits per byte for plain text."""
    model.eval()
    out: dict[str, dict[str, float]] = {}
    for lang, kinds in examples.items():
        out[lang] = {}
        for kind, rows in kinds.items():
            total, count, nbytes = 0.0, 0, sum(r[2] for r in rows)
            for i in range(0, len(rows), batch):
                part = rows[i : i + batch]
                width = max(len(r[0]) for r in part)
                ids = torch.full((len(part), width), pad, dtype=torch.int64)
                mask = torch.zeros((len(part), width), dtype=torch.bool)
                for k, (seq, start, _) in enumerate(part):
                    ids[k, : len(seq)] = torch.tensor(seq)
                    mask[k, max(1, start) : len(seq)] = True
                ids, mask = ids.to(device), mask.to(device)
                with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=amp):
                    logits = model(input_ids=ids[:, :-1], use_cache=False).logits
                losses = F.cross_entropy(logits.float().transpose(1, 2), ids[:, 1:], reduction="none")
                total += float(losses[mask[:, 1:]].sum())
                count += int(mask[:, 1:].sum())
            out[lang][kind] = total / max(1, count)
            if kind == "plain" and nbytes:
                out[lang]["plain_bits_per_byte"] = total / math.log(2) / nbytes
    model.train()
    return out


def choose_dtype(args: argparse.Namespace, n_params: int) -> torch.dtype:
    """fp32 when the tar fits 4 parts (<= 58 MiB), else fp16: finer than bf16 for weights of this size."""
    if args.save_dtype != "auto":
        return getattr(torch, args.save_dtype)
    return torch.float32 if n_params * 4 <= 58 * (1 << 20) else torch.float16


def train(run: Run) -> None:
    args = run.args
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    amp = cuda
    torch.manual_seed(args.seed)
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.set_float32_matmul_precision("high")
    from tokenizers import Tokenizer
    from transformers import Qwen2ForCausalLM

    tok_path = args.data / "tokenizer.json"
    tok = Tokenizer.from_file(str(tok_path))
    shards = sorted(args.data.glob("train-*.jsonl.xz"))
    docs = load_corpus(shards)
    val_docs = load_corpus([args.data / "val.jsonl.xz"])
    weights = {k: float(v) for k, v in (kv.split("=") for kv in args.lang_weights.split(",") if kv)}
    chunk_chars = int(args.seq_len * args.chars_per_token)
    mix = Mix(fim=args.fim_rate, spm=args.spm_rate, repo=args.repo_rate, retrieved=args.retrieved_rate)
    attached = {"train": load_retrieved(sorted(args.data.glob("retrieved-[0-9]*.jsonl.xz")), docs),
                "val": load_retrieved(sorted(args.data.glob("retrieved-val.jsonl.xz")), val_docs)}
    log.info("retrieved cursors attached: %s", attached)
    examples = val_examples(val_docs, tok, args.seq_len, chunk_chars, args.val_chunks, mix)
    quick = {lang: {"plain": kinds["plain"][:32]} for lang, kinds in examples.items()}
    run.metrics["data"] = {"shards": len(shards),
                           "train_chars": {k: sum(len(d.text) for d in v.docs) for k, v in docs.items()},
                           "train_repos": {k: len(v.by_repo) for k, v in docs.items()},
                           "val_docs": {k: len(v.docs) for k, v in val_docs.items()}, "lang_weights": weights,
                           "retrieved_cursors": attached}
    run.metrics["wall"]["data_loaded_s"] = round(time.time() - T0, 1)
    log.info("data: %s (%.1fs)", run.metrics["data"]["train_chars"], time.time() - T0)

    config = make_config(args.config, tok.get_vocab_size(), max_positions=args.seq_len)  # the trained context
    config._attn_implementation = "sdpa"
    model = Qwen2ForCausalLM(config)
    if args.init is not None:
        load_init(model, args.init)
    model = model.to(device)
    n_params = sum(p.numel() for p in model.parameters())
    run.metrics["model"] = describe(args.config) | {"params": n_params, "vocab_size": config.vocab_size}
    run.model, run.config, run.tok_path = model, config, tok_path  # type: ignore[attr-defined]
    run.save_dtype = choose_dtype(args, n_params)  # type: ignore[attr-defined]
    run.examples, run.amp, run.device = examples, amp, device  # type: ignore[attr-defined]
    log.info("model %s: %.2fM params, device %s", args.config, n_params / 1e6, device)
    opt = make_optimizer(model, args, fused=cuda)
    eager_loss = NextTokenLoss(model)
    step_fn = eager_loss if args.no_compile else torch.compile(eager_loss)

    micro = max(1, args.micro_tokens // args.seq_len)
    accum = max(1, args.batch_tokens // (micro * args.seq_len))
    loader_iter = None

    def batches(micro_batch: int):
        stream = PackedStream(docs, weights, str(tok_path), args.seq_len, micro_batch, mix, chunk_chars, args.seed)
        loader = torch.utils.data.DataLoader(stream, batch_size=None, num_workers=args.workers, pin_memory=cuda,
                                             prefetch_factor=4 if args.workers else None,
                                             persistent_workers=bool(args.workers))
        return iter(loader)

    loader_iter = batches(micro)
    langs = sorted(docs)
    lang_tokens = torch.zeros(len(langs), dtype=torch.int64)
    budget = args.minutes * 60
    hard_stop = T0 + args.deadline_minutes * 60 - 60  # leave a minute for saving and validation
    loop_start = time.time()
    total_steps, warmup = 10**9, args.warmup_steps
    step, tokens_seen = 0, 0
    window_loss, window_start, window_tokens, window_steps = torch.zeros((), device=device), time.time(), 0, 0
    step_times: list[float] = []
    mark: tuple[float, int] | None = None  # (time, step) at which throughput measuring started
    next_eval, next_ckpt = loop_start + args.eval_every_s, loop_start + args.ckpt_every_min * 60
    run.metrics["status"] = "training"
    log.info("batch: %d tokens/step = %d x %d seqs x %d accum", accum * micro * args.seq_len, micro, args.seq_len, accum)
    while not run.stop:
        now = time.time()
        if now - loop_start >= budget or now >= hard_stop or step >= total_steps:
            break
        lr = lr_at(step, total_steps, warmup, args.lr, args.min_lr_ratio)
        for group in opt.param_groups:
            group["lr"] = lr
        t_step = time.time()
        try:
            for _ in range(accum):
                block, counts = next(loader_iter)
                block = block.to(device, non_blocking=True)
                with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=amp):
                    loss = step_fn(block) / accum
                loss.backward()
                window_loss += loss.detach()
                lang_tokens += counts
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            opt.zero_grad(set_to_none=True)
        except torch.OutOfMemoryError:
            if micro == 1:
                raise
            opt.zero_grad(set_to_none=True)
            window_loss.zero_()
            window_steps = 0
            micro, accum = micro // 2, accum * 2
            log.warning("out of memory: micro-batch now %d sequences x %d accumulation", micro, accum)
            if cuda:
                torch.cuda.empty_cache()
            loader_iter = batches(micro)
            continue
        except Exception as exc:  # compilation failures surface at the first call
            if step_fn is eager_loss or step > 0:
                raise
            log.warning("torch.compile failed (%s: %s); continuing eagerly", type(exc).__name__, exc)
            step_fn = eager_loss
            opt.zero_grad(set_to_none=True)
            window_loss.zero_()
            window_steps = 0
            continue
        step += 1
        window_steps += 1
        tokens_seen += accum * micro * args.seq_len
        window_tokens += accum * micro * args.seq_len
        if cuda and (step <= 12 or step % args.log_every == 0):
            torch.cuda.synchronize()
        step_times.append(time.time() - t_step)
        if step == 12 or (step > 12 and step % args.log_every == 0):
            # Size the schedule: remaining time / step time, so that the cosine ends with the budget.
            # Step 12 uses the median of synchronised steps 3-12 (compilation excluded), later ones the
            # mean since step 12 (steps in between are not synchronised, so single times mislead).
            if mark is None:
                recent = sorted(step_times[2:])
                per_step = recent[len(recent) // 2]
                mark = (time.time(), step)
            else:
                per_step = (time.time() - mark[0]) / (step - mark[1])
            left = min(budget - (time.time() - loop_start), hard_stop - time.time())
            total_steps = step + max(1, int(left / per_step))
            warmup = min(args.warmup_steps, max(1, total_steps // 10))
            if step == 12:
                run.metrics["schedule"] = {"step_s": per_step, "total_steps": total_steps, "warmup": warmup,
                                           "compile_and_first_steps_s": round(time.time() - loop_start, 1)}
                log.info("schedule: %.3fs/step -> %d steps (warmup %d)", per_step, total_steps, warmup)
        if step % args.log_every == 0 or step == total_steps:
            elapsed = time.time() - window_start
            mean_loss = float(window_loss) / window_steps
            point = {"step": step, "loss": round(mean_loss, 4), "lr": lr, "grad_norm": round(float(norm), 3),
                     "tokens": tokens_seen, "tok_per_s": round(window_tokens / elapsed), "t": round(time.time() - T0, 1)}
            run.metrics["loss_curve"].append(point)
            log.info("step %d/%d loss %.4f lr %.2e gnorm %.2f %.0fk tok/s", step, total_steps, mean_loss, lr,
                     float(norm), window_tokens / elapsed / 1e3)
            window_loss.zero_()
            window_start, window_tokens, window_steps = time.time(), 0, 0
        if time.time() >= next_eval:
            val = evaluate(model, quick, device, amp, pad=4)
            run.metrics["val_curve"].append({"step": step, "tokens": tokens_seen, "plain": {k: round(v["plain"], 4)
                                                                                            for k, v in val.items()}})
            log.info("quick val %s", {k: round(v["plain"], 3) for k, v in val.items()})
            next_eval = time.time() + args.eval_every_s
        if time.time() >= next_ckpt:
            save_and_pack(run, interim=True)
            next_ckpt = time.time() + args.ckpt_every_min * 60
        run.metrics.update({"steps": step, "tokens_seen": tokens_seen,
                            "tokens_by_lang": dict(zip(langs, map(int, lang_tokens.tolist())))})
        run.write_metrics()
    del loader_iter  # stops the data workers, freeing the CPU for saving and validation
    train_s = time.time() - loop_start
    run.metrics["wall"]["train_loop_s"] = round(train_s, 1)
    run.metrics["throughput_tok_per_s"] = round(tokens_seen / max(1e-9, train_s))
    run.metrics["status"] = "trained"
    log.info("trained %d steps, %.1fM tokens in %.0fs (%.0fk tok/s overall)", step, tokens_seen / 1e6, train_s,
             tokens_seen / train_s / 1e3)


def save_and_pack(run: Run, interim: bool = False) -> None:
    """Checkpoint (model, tokenizer files) into the work folder, then tar parts into --out."""
    t = time.time()
    save_checkpoint(run.model, run.tok_path, run.args.work, run.save_dtype, run.args.seq_len)  # type: ignore[attr-defined]
    parts = write_parts(run.args.work, run.args.out)
    run.metrics["checkpoint"] = {"dtype": str(run.save_dtype).replace("torch.", ""), "parts": parts,  # type: ignore[attr-defined]
                                 "interim": interim, "steps": run.metrics.get("steps", 0)}
    log.info("checkpoint%s: %d parts (%.1fs)", " (interim)" if interim else "", len(parts), time.time() - t)
    run.write_metrics(force=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.work = args.work or Path(tempfile.mkdtemp(prefix="maze-ckpt-")) / "ckpt"
    setup_logging(args.out)
    run = Run(args)
    signal.signal(signal.SIGTERM, lambda *_: setattr(run, "stop", True))
    failed = False
    try:
        train(run)
    except BaseException as exc:
        failed = True
        log.exception("training stopped by %s", type(exc).__name__)
        run.metrics["status"] = f"failed: {type(exc).__name__}: {exc}"
    if getattr(run, "model", None) is not None:
        try:
            save_and_pack(run)
        except Exception:
            log.exception("saving the checkpoint failed")
            failed = True
    if hasattr(run, "examples") and time.time() < T0 + args.deadline_minutes * 60 - 20:
        t = time.time()
        try:
            val = evaluate(run.model, run.examples, run.device, run.amp, pad=4)  # type: ignore[attr-defined]
        except Exception:
            log.exception("validation failed")
            failed = True
        else:
            run.metrics["val"] = val
            run.metrics["wall"]["val_s"] = round(time.time() - t, 1)
            for lang, row in val.items():
                log.info("val %-10s plain %.4f (%.3f bits/byte)  fim psm %.4f  spm %.4f  repo %.4f", lang, row["plain"],
                         row.get("plain_bits_per_byte", float("nan")), row["psm"], row["spm"], row.get("repo", float("nan")))
                if RETRIEVED_KINDS[0] in row:
                    log.info("val %-10s at retrieved cursors: with context %.4f, without %.4f", lang,
                             *(row[k] for k in RETRIEVED_KINDS))
    run.metrics["wall"]["total_s"] = round(time.time() - T0, 1)
    if not failed:
        run.metrics["status"] = "done"
    run.write_metrics(force=True)
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
