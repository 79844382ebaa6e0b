// Child processes of the harness that are not the control plane's own (e.g. the real pilot-discovery the
// simulator runs behind istiod pods). The control plane's exit and signal handlers (controlPlane.ts) kill
// these too, so a killed test run leaves no orphan behind. Node emits no 'exit' when a signal ends the
// process, which is why one handler serves both.
import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();

export function registerChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

export function killRegisteredChildren(): void {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      // gone already
    }
  }
  children.clear();
}
