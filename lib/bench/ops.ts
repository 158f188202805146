/**
 * Where one training step's time goes, op by op, in tfjs-node and in the PyTorch twin, matched by what each op does.
 * tfjs names kernels (tf.profile, lib/bench/run.ts profileStep); PyTorch names aten ops (torch.profiler's self CPU
 * time, scripts/bench_torch.py --ops). Each name falls in the first category whose pattern it matches. The optimizer
 * is profiled alone on both sides and its ops subtracted by name into a row of its own. Layer norm is one kernel
 * each way in PyTorch and a dozen elementwise kernels in tfjs, so it shares a row with the rest of the elementwise
 * arithmetic: only there do the two sides compare.
 */
import { percent as pct } from '../analysis/tables';
import type { KernelTime } from './run';

export interface OpCategory {
  category: string;
  tfjs: RegExp;
  torch: RegExp;
}

export const OP_CATEGORIES: OpCategory[] = [
  {
    category: 'convolution, forward',
    tfjs: /^(Conv2D|FusedConv2D)$/,
    torch: /^aten::(mkldnn_convolution|_slow_conv2d_forward|thnn_conv2d|_convolution|convolution)$/,
  },
  {
    category: 'convolution, backward',
    tfjs: /^Conv2DBackprop(Input|Filter)$/,
    torch: /^aten::(convolution_backward|mkldnn_convolution_backward.*|_slow_conv2d_backward.*)$/,
  },
  {
    category: 'matmul (projection, attention, MLP, head)',
    tfjs: /^(BatchMatMul|_FusedMatMul|MatMul)$/,
    torch: /^aten::(mm|bmm|addmm|baddbmm|matmul|linear)$/,
  },
  { category: 'softmax and its gradient', tfjs: /^(Softmax|LogSoftmax)$/, torch: /^aten::_(log_)?softmax(_backward_data)?$/ },
  {
    category: 'activation and its gradient',
    tfjs: /^(Relu|ReluGrad|Relu6|Elu|EluGrad|Erf|Gelu|GeluGrad|Step)$/,
    torch: /^aten::(relu|clamp_min|threshold_backward|gelu|gelu_backward)$/,
  },
  {
    category: 'layout: transpose, copy, concat, slice',
    tfjs: /^(Transpose|Reshape|Concat|ConcatV2|Slice|StridedSlice|Pad|Tile|GatherV2|Gather|Cast|Identity|Pack|Unpack|Fill|ZerosLike|OnesLike|Range|OneHot)$/,
    torch:
      /^aten::(copy_|clone|contiguous|cat|stack|transpose|permute|view|_unsafe_view|reshape|t|as_strided|slice|select|unbind|expand|empty.*|zeros.*|ones.*|fill_|zero_|_to_copy|to)$/,
  },
  {
    category: 'reductions',
    tfjs: /^(Sum|Mean|Max|Min|Prod|ArgMax|ArgMin|All|Any)$/,
    torch: /^aten::(sum|mean|max|min|amax|norm|linalg_vector_norm|argmax|nll_loss.*)$/,
  },
  { category: 'elementwise and layer norm', tfjs: /^[A-Z]/, torch: /^aten::/ },
];

/** What neither side's patterns take: framework bookkeeping (autograd's engine, profiler ranges). */
export const OTHER = 'other (framework bookkeeping)';

/**
 * tf.profile also lists the ops that wrap other kernels (a custom gradient's `unnamed scope`, `fusedMatMul__op`):
 * their time holds the kernels they ran, which are listed too, so adding them would count that time twice.
 */
export const TFJS_COMPOSITE = /(__op$|^unnamed scope$)/;

/** The kernels of a tfjs profile without the composite entries (TFJS_COMPOSITE). */
export function tfjsKernelsOnly(ops: KernelTime[]): KernelTime[] {
  return ops.filter((o) => !TFJS_COMPOSITE.test(o.kernel));
}

export interface OpRow {
  category: string;
  tfjsMs: number;
  tfjsShare: number;
  torchMs: number;
  torchShare: number;
  /** tfjs time over PyTorch's: above 1 is where tfjs loses. */
  ratio: number;
  /** The largest names in the category, for each side. */
  tfjsTop: string[];
  torchTop: string[];
}

function categorize(ops: KernelTime[], side: 'tfjs' | 'torch'): Map<string, KernelTime[]> {
  const out = new Map<string, KernelTime[]>();
  for (const op of ops) {
    const c = OP_CATEGORIES.find((k) => k[side].test(op.kernel))?.category ?? OTHER;
    out.set(c, [...(out.get(c) ?? []), op]);
  }
  return out;
}

/** The optimizer's own row: its ops are elementwise ones that share their names with the model's. */
export const OPTIMIZER = 'optimizer (clipping and AdamW)';

/** A step's ops less those of its optimizer (profiled alone), by name, never below zero. */
function without(step: KernelTime[], optimizer: KernelTime[]): KernelTime[] {
  const opt = new Map(optimizer.map((o) => [o.kernel, o]));
  return step.map((o) => ({
    ...o,
    ms: Math.max(0, o.ms - (opt.get(o.kernel)?.ms ?? 0)),
    calls: Math.max(0, o.calls - (opt.get(o.kernel)?.calls ?? 0)),
  }));
}

/**
 * One row per category, the two sides matched, in the order of tfjs's time. With each side's optimizer profiled
 * alone (`optimizer`), its ops leave their categories for a row of their own.
 */
export function opTable(
  tfjsProfile: KernelTime[],
  torchProfile: KernelTime[],
  optimizer?: { tfjs: KernelTime[]; torch: KernelTime[] },
): OpRow[] {
  const tfjsOpt = optimizer ? tfjsKernelsOnly(optimizer.tfjs) : [];
  const tfjs = without(tfjsKernelsOnly(tfjsProfile), tfjsOpt);
  const torch = optimizer ? without(torchProfile, optimizer.torch) : torchProfile;
  const [a, b] = [categorize(tfjs, 'tfjs'), categorize(torch, 'torch')];
  if (optimizer) {
    a.set(OPTIMIZER, tfjsOpt);
    b.set(OPTIMIZER, optimizer.torch);
  }
  const total = (ops: KernelTime[]): number => ops.reduce((s, o) => s + o.ms, 0);
  const [ta, tb] = [total(tfjs) + total(tfjsOpt), total(torch) + total(optimizer?.torch ?? [])];
  const top = (ops: KernelTime[] = []): string[] =>
    [...ops]
      .sort((x, y) => y.ms - x.ms)
      .slice(0, 3)
      .map((o) => o.kernel.replace(/^aten::/, ''));
  return [...OP_CATEGORIES.map((c) => c.category), OPTIMIZER, OTHER]
    .map((category) => {
      const [ma, mb] = [total(a.get(category) ?? []), total(b.get(category) ?? [])];
      return {
        category,
        tfjsMs: ma,
        tfjsShare: ta ? ma / ta : 0,
        torchMs: mb,
        torchShare: tb ? mb / tb : 0,
        ratio: mb ? ma / mb : NaN,
        tfjsTop: top(a.get(category)),
        torchTop: top(b.get(category)),
      };
    })
    .filter((r) => r.tfjsMs > 0 || r.torchMs > 0)
    .sort((x, y) => y.tfjsMs - x.tfjsMs);
}

/** The table as text: ms and share of the step per side, the ratio, and each side's largest ops. */
export function opTableText(rows: OpRow[]): string {
  const head = `${'category'.padEnd(42)} ${'tfjs ms'.padStart(8)} ${'share'.padStart(6)} ${'torch ms'.padStart(9)} ${'share'.padStart(6)} ${'tfjs/torch'.padStart(10)}  largest ops (tfjs | torch)`;
  const lines = rows.map(
    (r) =>
      `${r.category.padEnd(42)} ${r.tfjsMs.toFixed(1).padStart(8)} ${pct(r.tfjsShare).padStart(6)} ${r.torchMs.toFixed(1).padStart(9)} ${pct(r.torchShare).padStart(6)} ${(Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '–').padStart(10)}  ${r.tfjsTop.join(', ') || '–'} | ${r.torchTop.join(', ') || '–'}`,
  );
  return [head, ...lines].join('\n');
}
