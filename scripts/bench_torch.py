"""PyTorch twin of lib/bench/reference.ts, for the throughput ratio in docs/performance.md.

Usage: bench_torch.py --workload R1,R2 --batch 128 --threads N [--windows 5 --steps 5] [--ops]
Prints one JSON line per workload with the same fields as `npm run bench -- --json`.
Same architecture, same batch, same thread count, one fixed batch, and the workspace's step:
AdamW (lr 1e-3, decay 0.05 on matrices), gradients clipped to global norm 1.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from twin_torch import Block  # the model twin's block, here with the reference workloads' ReLU MLP


class Reference(nn.Module):
    def __init__(self, workload):
        super().__init__()
        self.workload = workload
        self.c1 = nn.Conv2d(3, 32, 3, 1, 1)
        self.c2 = nn.Conv2d(32, 64, 3, 2, 1)
        t, dtok = (64, 256) if workload == "R1" else (256, 64)
        self.proj = nn.Linear(dtok, 128)
        self.emb = nn.Parameter(torch.zeros(t, 128))
        self.blocks = nn.ModuleList([Block(128, 4, 256, act=F.relu) for _ in range(4)])
        self.ln = nn.LayerNorm(128)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        m = F.relu(self.c2(F.relu(self.c1(x))))  # [B, 64, 16, 16]
        b, c, h, w = m.shape
        tokens = m.reshape(b, c, h * w) if self.workload == "R1" else m.reshape(b, c, h * w).transpose(1, 2)
        x = self.proj(tokens) + self.emb
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.ln(x).mean(1))


def training_step(workload, batch):
    """The model, one fixed batch and the workspace's training step on it."""
    torch.manual_seed(0)
    model = Reference(workload)
    # Decay on matrices and kernels only, as the workspace's roles decide (lib/layers/roles.ts).
    decay = [p for p in model.parameters() if p.dim() >= 2 and p is not model.emb]
    rest = [p for p in model.parameters() if not (p.dim() >= 2 and p is not model.emb)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": rest, "weight_decay": 0.0}], lr=1e-3, eps=1e-8)
    x = torch.randn(batch, 3, 32, 32)
    y = torch.arange(batch) % 10

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    def update():
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    step.update = update  # the optimizer's part alone, on the gradients the last step left
    return model, x, step


def bench(workload, batch, windows, steps, warmup):
    model, x, step = training_step(workload, batch)
    for _ in range(warmup):
        step()
    train = []
    for _ in range(windows):
        t = time.perf_counter()
        for _ in range(steps):
            step()
        train.append(steps * batch / (time.perf_counter() - t))
    infer = []
    with torch.no_grad():
        model.eval()
        for _ in range(warmup):
            model(x)
        for _ in range(windows):
            t = time.perf_counter()
            for _ in range(steps):
                model(x)
            infer.append(steps * batch / (time.perf_counter() - t))
    med = statistics.median(train)
    return {
        "workload": workload, "backend": "pytorch", "batch": batch, "threads": torch.get_num_threads(),
        "train_img_per_s": med, "infer_img_per_s": statistics.median(infer), "ms_per_step": 1000 * batch / med,
        "train_windows": train, "torch": torch.__version__,
    }


def profile_ops(workload, batch, steps, warmup):
    """Self CPU time per aten op of one training step (the mean of `steps`), from torch.profiler."""
    from torch.profiler import ProfilerActivity, profile

    _, _, step = training_step(workload, batch)
    for _ in range(warmup):
        step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
    # The optimizer alone (clipping and AdamW), as the op table sets it apart; grads stay from the last step.
    with profile(activities=[ProfilerActivity.CPU]) as opt_prof:
        for _ in range(steps):
            step.update()

    def per_op(p):
        ops = [{"kernel": e.key, "calls": e.count / steps, "ms": e.self_cpu_time_total / 1000 / steps} for e in p.key_averages() if e.self_cpu_time_total > 0]
        return sorted(ops, key=lambda o: -o["ms"])

    ops = per_op(prof)
    return {"workload": workload, "backend": "pytorch", "batch": batch, "threads": torch.get_num_threads(), "ops": ops, "optimizer": per_op(opt_prof), "totalMs": sum(o["ms"] for o in ops)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ops", action="store_true", help="self CPU time per op of one training step instead of throughput")
    ap.add_argument("--workload", default="R1,R2")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--windows", type=int, default=5)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for w in a.workload.split(","):
        if a.ops:
            print(json.dumps(profile_ops(w, a.batch, a.steps, a.warmup)), flush=True)
        else:
            print(json.dumps(bench(w, a.batch, a.windows, a.steps, a.warmup)), flush=True)


if __name__ == "__main__":
    main()
