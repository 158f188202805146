/**
 * npm run lab [-- --port N]
 * JupyterLab on 127.0.0.1 with token auth, rooted at the workspace, tslab kernel.
 */
import { startLab } from '../lib/notebook/lab';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    console.error('--port must be an integer from 0 to 65535');
    process.exit(2);
  }
  const lab = await startLab({ port, log: () => undefined });
  console.log(`JupyterLab (tslab kernel) on loopback only:\n  ${lab.url}?token=${lab.token}\nCtrl-C to stop.`);
  lab.process.stdout!.pipe(process.stdout);
  lab.process.stderr!.pipe(process.stderr);
  const stop = (): void => void lab.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
