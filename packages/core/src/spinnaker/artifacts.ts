import { v5 as uuidv5 } from 'uuid';
import type { CatalogService } from '../catalog/catalog.js';
import type { CatalogSettings } from '../catalog/settings-schema.js';

/** The UUIDv5 namespace of slipway's artifact ids (a fixed, random UUID: never change it). */
const idNamespace = '6f1c2a8e-3b7d-4e59-9a41-0d2c5e7f8b13';

/** A deterministic artifact id: the same service, stack and stage give the same id on every render. */
export const artifactId = (service: string, stack: string, stage: string, what: string): string =>
  uuidv5(`${service}/${stack}/${stage}/${what}`, idNamespace);

export type ChartName = 'workload' | 'routing';

export type SpinnakerSettings = NonNullable<CatalogSettings['spinnaker']>;

/** Why the chart cannot be a bake input, or undefined. */
export function chartArtifactProblem(settings: CatalogSettings, chart: ChartName): string | undefined {
  const artifacts = settings.spinnaker?.chartArtifacts;
  if (artifacts?.type === 'helm-image' && !settings.charts[chart].ref.startsWith('oci://'))
    return `charts.${chart}.ref is a folder (${settings.charts[chart].ref}); helm/image artifacts need an oci:// ref: set spinnaker.chartArtifacts to type git-repo, or publish the chart to a registry`;
  return undefined;
}

/** The chart's input artifact: helm/image of its oci:// ref, or git/repo at the configured branch. */
export function chartArtifact(settings: CatalogSettings, chart: ChartName, id: string): Record<string, unknown> {
  const spinnaker = settings.spinnaker as SpinnakerSettings;
  const artifacts = spinnaker.chartArtifacts;
  const { ref, version } = settings.charts[chart];
  if (artifacts.type === 'helm-image') {
    const name = ref.slice('oci://'.length);
    return {
      account: artifacts.account,
      artifact: {
        artifactAccount: artifacts.account,
        id,
        name,
        reference: `${name}:${version}`,
        type: 'helm/image',
        version,
      },
    };
  }
  return {
    account: artifacts.account,
    artifact: {
      artifactAccount: artifacts.account,
      id,
      metadata: { subPath: artifacts.paths[chart] },
      name: artifacts.repo,
      reference: artifacts.repo,
      type: 'git/repo',
      version: artifacts.branch,
    },
  };
}

/** The chart's Chart.yaml inside a git/repo artifact (the bake's helmChartFilePath). */
export function chartFilePath(settings: CatalogSettings, chart: ChartName): string | undefined {
  const artifacts = settings.spinnaker?.chartArtifacts;
  return artifacts?.type === 'git-repo' ? `${artifacts.paths[chart]}/Chart.yaml` : undefined;
}

/**
 * The values files a bake layers after the chart: values.yaml, then values-<stack>.yaml, as far as
 * the catalog has them; github/file artifacts of the catalog repository at the valuesBranch parameter.
 */
export function valuesFiles(service: CatalogService, stack: string): string[] {
  return [
    ...(service.values ? [`${service.dir}/values.yaml`] : []),
    ...(service.stackValues[stack] ? [`${service.dir}/values-${stack}.yaml`] : []),
  ];
}

export function valuesArtifact(
  values: NonNullable<SpinnakerSettings['valuesArtifacts']>,
  file: string,
  id: string,
  version: unknown,
): Record<string, unknown> {
  const path = values.path ? `${values.path}/${file}` : file;
  return {
    account: values.account,
    artifact: {
      artifactAccount: values.account,
      id,
      name: path,
      reference: `${values.contents}/${path}`,
      type: 'github/file',
      version,
    },
  };
}
