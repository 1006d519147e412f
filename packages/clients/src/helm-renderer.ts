import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { CommandError } from '@slipway/core';
import { helmTemplate, helmTemplateArgs, ociOptions, type HelmTemplate, type HelmTemplateRequest } from './helm.js';

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
  return existsSync(renderer) ? startHelmRenderer(renderer) : (request) => helmTemplate(helm, request);
}

/**
 * Starts slipway-helm-render now (its Go start overlaps whatever the command does next) and sends
 * it each request as a JSON line; answers come back by id, in any order. The process does not
 * keep Node alive while no render is pending, and it exits when Node closes its stdin. An error
 * reads as helm's own (`Error: ...`), with the command it stands for.
 */
export function startHelmRenderer(bin: string): HelmTemplate {
  const child = spawn(bin, [], { shell: false, stdio: ['pipe', 'pipe', 'pipe'] });
  const pending = new Map<
    number,
    { request: HelmTemplateRequest; resolve: (m: string) => void; reject: (e: Error) => void }
  >();
  let lastId = 0;
  let stderr = '';
  let exited: CommandError | undefined;
  const command = (r: HelmTemplateRequest) => `${bin} (helm ${helmTemplateArgs(r).join(' ')})`;
  // spawned pipes are sockets: each one must let go of the event loop too
  const handles = [child, ...([child.stdin, child.stdout, child.stderr] as unknown as Socket[])];
  const hold = (on: boolean) => handles.forEach((h) => (on ? h.ref() : h.unref()));
  hold(false);
  child.stdin.on('error', () => {}); // a renderer that died is reported by 'close'
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-8192)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line) as Answer;
    const call = pending.get(answer.id);
    if (!call) return;
    pending.delete(answer.id);
    if (answer.error === undefined) call.resolve(answer.manifest);
    else call.reject(new CommandError(command(call.request), 1, `Error: ${answer.error}\n`));
    if (pending.size === 0) hold(false);
  });
  const fail = (error: CommandError) => {
    exited = error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  child.on('error', (e) => fail(new CommandError(bin, 127, e.message)));
  child.on('close', (code, signal) => fail(new CommandError(bin, code ?? 128, stderr || `exited (${signal ?? code})`)));
  return (request) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(exited);
      const id = ++lastId;
      pending.set(id, { request, resolve, reject });
      hold(true);
      const { release, namespace, chart, values } = request;
      const line = JSON.stringify({ id, release, namespace, chart, ...ociOptions(request), values });
      child.stdin.write(`${line}\n`);
    });
}
