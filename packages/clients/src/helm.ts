import { commandLine, run, type Runner } from './process.js';

export interface HelmTemplateRequest {
  release: string;
  namespace: string;
  /** An absolute chart directory or an oci:// reference. */
  chart: string;
  /** Pinned chart version (for OCI charts). */
  version?: string;
  /** The OCI registry speaks plain HTTP (local registries only). */
  plainHttp?: boolean;
  values: Record<string, unknown>;
}

/**
 * `helm template` with the values on stdin as JSON (no temp files). JSON is YAML that helm reads
 * exactly as validated: "no", "y", "Off", "1_000" or "0b101" stay strings. Release and chart
 * come after `--`, so neither can read as a flag. Returns the rendered YAML.
 */
export async function helmTemplate(helm: string, request: HelmTemplateRequest, runner: Runner = run): Promise<string> {
  const flags = ['--namespace', request.namespace, '--values', '-'];
  if (request.chart.startsWith('oci://')) {
    if (request.version) flags.push('--version', request.version);
    if (request.plainHttp) flags.push('--plain-http');
  }
  const { stdout } = await runner(helm, commandLine(['template', ...flags], [request.release, request.chart]), {
    input: JSON.stringify(request.values),
  });
  return stdout;
}
