/**
 * npm run lab [-- --port N]
 * JupyterLab on 127.0.0.1 with token auth, rooted at the workspace, tslab kernel.
 */
import { startLab } from '../lib/notebook/lab';
import { positiveInt, runCommand, UsageError } from '../lib/util/cli';

const SPEC = {
  usage: `usage: npm run lab -- [--port N]

  JupyterLab on 127.0.0.1 only, with a token (passed to the server through its
  environment, never its command line), the tslab kernel, a clean layout and no news
  pop-ups. Saved notebooks stay output-free in git (a clean filter that npm ci registers).
  --port  TCP port (default 8888; 0 picks a free one)

  The notebooks open on the committed answer: the standard runs as the store holds
  them, training nothing. Each notebook's first cell holds its parameters; PRESET
  there (the environment variable MAPTOKENS_PRESET, default standard) chooses the
  run preset: write "quick" or "smoke" in that cell, or start the lab with
  MAPTOKENS_PRESET=quick npm run lab, to train that preset's runs. Figures and
  executed copies go under a folder named after the preset, so no other preset
  overwrites the answer's. MAPTOKENS_FROM_STORE=1 or 0 forces reading or training.`,
  options: { port: { type: 'string' } },
} as const;

runCommand(SPEC, async (a) => {
  const port = positiveInt('port', a.port, 0);
  if (port !== undefined && port > 65535) throw new UsageError('--port must be at most 65535');
  const lab = await startLab({ port, log: () => undefined });
  console.log(`JupyterLab (tslab kernel) on loopback only:\n  ${lab.url}?token=${lab.token}\nCtrl-C to stop.`);
  lab.process.stdout!.pipe(process.stdout);
  lab.process.stderr!.pipe(process.stderr);
  const stop = (): void => void lab.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
