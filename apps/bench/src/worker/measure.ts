/**
 * Process-level measurement helpers shared by the workloads.
 * @module
 */
import type { WorkerCommand } from '../ipc.js';

/** CPU time (user + system) since `start`, in µs, for the whole process (all threads). */
export function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

/** Process-lifetime peak RSS in bytes (the kernel's high-water mark, not a sample). */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Resolve when `check()` becomes true; `poke` re-evaluates it (call it from the hooks). */
export class Until {
  #resolve: (() => void) | undefined;
  constructor(private readonly check: () => boolean) {}
  wait(): Promise<void> {
    if (this.check()) return Promise.resolve();
    return new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }
  poke(): void {
    if (this.#resolve && this.check()) {
      const r = this.#resolve;
      this.#resolve = undefined;
      r();
    }
  }
}

/** The next IPC command of a given type from the orchestrator. */
export function nextCommand<T extends WorkerCommand['type']>(
  type: T,
): Promise<Extract<WorkerCommand, { type: T }>> {
  return new Promise((resolve) => {
    const listener = (message: WorkerCommand): void => {
      if (message.type !== type) return;
      process.off('message', listener);
      resolve(message as Extract<WorkerCommand, { type: T }>);
    };
    process.on('message', listener);
  });
}

/** Yield to the event loop (a macrotask), so libraries can flush what they queued. */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Profiles the measured window only (not module loading or setup) when `BENCH_WINDOW_PROF_DIR`
 * is set: starts the V8 sampling profiler through `node:inspector` and returns a function that
 * stops it and writes `<dir>/<label>-<pid>.cpuprofile`. Without the variable it costs nothing.
 */
export async function profileWindow(label: string): Promise<() => Promise<void>> {
  const dir = process.env.BENCH_WINDOW_PROF_DIR;
  if (!dir) return () => Promise.resolve();
  const [{ Session }, { writeFile, mkdir }] = await Promise.all([
    import('node:inspector'),
    import('node:fs/promises'),
  ]);
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    session.disconnect();
    await mkdir(dir, { recursive: true });
    await writeFile(`${dir}/${label}-${process.pid}.cpuprofile`, JSON.stringify(profile));
  };
}
