import { stringify } from 'yaml';
import { run, type Runner } from './process.js';

export interface HelmTemplateRequest {
  release: string;
  namespace: string;
  /** A chart directory or an oci:// reference. */
  chart: string;
  /** Pinned chart version (for OCI charts). */
  version?: string;
  /** The OCI registry speaks plain HTTP (local registries only). */
  plainHttp?: boolean;
  values: Record<string, unknown>;
}

/** `helm template` with the values on stdin (no temp files). Returns the rendered YAML. */
export async function helmTemplate(helm: string, request: HelmTemplateRequest, runner: Runner = run): Promise<string> {
  const args = ['template', request.release, request.chart, '--namespace', request.namespace, '--values', '-'];
  if (request.chart.startsWith('oci://')) {
    if (request.version) args.push('--version', request.version);
    if (request.plainHttp) args.push('--plain-http');
  }
  const { stdout } = await runner(helm, args, {
    input: stringify(request.values, { sortMapEntries: true, aliasDuplicateObjects: false }),
  });
  return stdout;
}
