import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { CommandError } from '@slipway/core';
import { helmTemplate, helmTemplateArgs, ociOptions, type HelmTemplate, type HelmTemplateRequest } from './helm.js';
import { isExecutableFile } from './tools.js';

/** The renderer's file name; install-tools.sh builds it beside the helm whose code it runs. */
export const helmRendererName = 'slipway-helm-render';

interface Answer {
  id: number;
  manifest: string;
  error?: string;
}

/**
 * `helm template` for every render of one command: the renderer built beside this helm from the
 * same helm version (tools/helm-render, ADR 0011) when there is one, else the helm binary itself.
 */
export function helmTemplater(helm: string): HelmTemplate {
  const renderer = join(dirname(helm), helmRendererName);
  return isExecutableFile(renderer) ? startHelmRenderer(renderer) : (request) => helmTemplate(helm, request);
}

/**
 * Starts slipway-helm-render now (its Go start overlaps whatever the command does next) and sends
 * it each request as a JSON line; answers come back by id, in any order. The process does not
 * keep Node alive while no render is pending, and it is let go after `idleMs` without a render
 * (its stdin closed, so it exits): a long-running `slipway serve` keeps no idle renderer per
 * deploy. The next render starts a new one. An error reads as helm's own (`Error: ...`), with the
 * command it stands for.
 */
export function startHelmRenderer(bin: string, idleMs = 2_000): HelmTemplate {
  let current = rendererProcess(bin, idleMs);
  return (request) => {
    if (current.retired) current = rendererProcess(bin, idleMs);
    return current.render(request);
  };
}

interface Pending {
  request: HelmTemplateRequest;
  resolve: (manifest: string) => void;
  reject: (error: Error) => void;
}

/** One renderer process; `retired` once it was let go or has exited. */
function rendererProcess(bin: string, idleMs: number): { readonly retired: boolean; render: HelmTemplate } {
  const child = spawn(bin, [], { shell: false, stdio: ['pipe', 'pipe', 'pipe'] });
  const pending = new Map<number, Pending>();
  let lastId = 0;
  let stderr = '';
  let retired = false;
  let idle: NodeJS.Timeout | undefined;
  const command = (r: HelmTemplateRequest) => `${bin} (helm ${helmTemplateArgs(r).join(' ')})`;
  // spawned pipes are sockets: each one must let go of the event loop too
  const handles = [child, ...([child.stdin, child.stdout, child.stderr] as unknown as Socket[])];
  const rest = () => {
    for (const h of handles) h.unref();
    idle = setTimeout(() => {
      retired = true;
      child.stdin.end();
    }, idleMs).unref();
  };
  rest();
  child.stdin.on('error', () => {}); // a renderer that died is reported by 'close'
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-8192)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line) as Answer;
    const call = pending.get(answer.id);
    if (!call) return;
    pending.delete(answer.id);
    if (answer.error === undefined) call.resolve(answer.manifest);
    else call.reject(new CommandError(command(call.request), 1, `Error: ${answer.error}\n`));
    if (pending.size === 0) rest();
  });
  const fail = (error: CommandError) => {
    retired = true;
    clearTimeout(idle);
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  child.on('error', (e) => fail(new CommandError(bin, 127, e.message)));
  child.on('close', (code, signal) => fail(new CommandError(bin, code ?? 128, stderr || `exited (${signal ?? code})`)));
  const render: HelmTemplate = (request) =>
    new Promise((resolve, reject) => {
      clearTimeout(idle);
      for (const h of handles) h.ref();
      const id = ++lastId;
      pending.set(id, { request, resolve, reject });
      const { release, namespace, chart, values } = request;
      const line = JSON.stringify({ id, release, namespace, chart, ...ociOptions(request), values });
      child.stdin.write(`${line}\n`);
    });
  return {
    get retired() {
      return retired;
    },
    render,
  };
}
