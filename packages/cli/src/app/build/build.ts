import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError, buildPropertiesText, type BuildResult } from '@slipway/core';
import { loadServiceCatalog } from '../../catalog/load-catalog.js';
import type { ToolDeps } from '../tool-deps.js';
import { runBuild } from './run-build.js';

export interface BuildFlags {
  imageTag: string;
  sourceBranch: string;
  catalog: string;
  builder?: 'buildah' | 'buildkit' | undefined;
  propertiesFile: string;
  /** `--check-values <stack>`: add VALUES_CHANGED and VALUES_DIGEST for the pipeline's values judgment. */
  checkValues?: string | undefined;
}

/** What a build tells as it goes: one line per stage, and each line of the builder's output. */
export interface BuildReport {
  progress: (message: string) => void;
  buildOutput: (line: string) => void;
}

/** `slipway build <service>`: the build stage, then build.properties (written whole or not at all). */
export async function buildService(
  service: string,
  flags: BuildFlags,
  deps: ToolDeps,
  report: BuildReport,
): Promise<BuildResult> {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(flags.imageTag))
    throw new InputError(
      `--image-tag "${flags.imageTag.slice(0, 130)}" is not an image tag (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")`,
    );
  const catalog = loadServiceCatalog(flags.catalog, service);
  const built = await runBuild(
    catalog,
    {
      service,
      imageTag: flags.imageTag,
      sourceBranch: flags.sourceBranch,
      builder: flags.builder ?? catalog.settings.build?.builder ?? 'buildah',
    },
    {
      env: deps.env.process,
      settings: deps.env.build,
      registry: deps.env.registry,
      tool: (name) => deps.tool(name),
      readFile: (path) => readFileSync(path, 'utf8'),
      ...report,
    },
  );
  const values = flags.checkValues
    ? await (
        await import('./values-check.js')
      ).valuesCheckProperties(deps, flags.catalog, service, flags.checkValues, flags.imageTag, report.progress)
    : '';
  writeProperties(flags.propertiesFile, buildPropertiesText(built) + values);
  return built;
}

function writeProperties(file: string, text: string): void {
  const temp = join(dirname(file), `.build.properties.${process.pid}.tmp`);
  writeFileSync(temp, text, { flag: 'wx' });
  renameSync(temp, file);
}
