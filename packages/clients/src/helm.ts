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

/** Renders one chart as `helm template` does; `helmTemplater` picks how. */
export type HelmTemplate = (request: HelmTemplateRequest) => Promise<string>;

/**
 * `helm template` with the values on stdin as JSON (no temp files). JSON is YAML that helm reads
 * exactly as validated: "no", "y", "Off", "1_000" or "0b101" stay strings. Release and chart
 * come after `--`, so neither can read as a flag. Returns the rendered YAML.
 */
export async function helmTemplate(helm: string, request: HelmTemplateRequest, runner: Runner = run): Promise<string> {
  const { stdout } = await runner(helm, helmTemplateArgs(request), { input: JSON.stringify(request.values) });
  return stdout;
}

/** helm's arguments for a `helm template` of this request. */
export function helmTemplateArgs(request: HelmTemplateRequest): string[] {
  const { version, plainHttp } = ociOptions(request);
  const flags = ['--namespace', request.namespace, '--values', '-'];
  if (version) flags.push('--version', version);
  if (plainHttp) flags.push('--plain-http');
  return commandLine(['template', ...flags], [request.release, request.chart]);
}

/** The version pin and plain HTTP apply to oci:// charts only, as with helm's flags. */
export function ociOptions(request: HelmTemplateRequest): Pick<HelmTemplateRequest, 'version' | 'plainHttp'> {
  if (!request.chart.startsWith('oci://')) return {};
  return {
    ...(request.version ? { version: request.version } : {}),
    ...(request.plainHttp ? { plainHttp: true } : {}),
  };
}
