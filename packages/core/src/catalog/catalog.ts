import { checkServiceClusters, checkSettingsClusters } from './cluster-checks.js';
import { checkSchema } from './schema-check.js';
import { didYouMean } from './did-you-mean.js';
import { sortIssues, type ValidationIssue } from './issues.js';
import { checkNameCollisions } from './name-collisions.js';
import { checkNamespaces } from './namespace-rules.js';
import { checkPermissionTriggers } from './permission-checks.js';
import { catalogSettingsSchema, type CatalogSettings } from './settings-schema.js';
import { serviceSchema, type ServiceConfig } from './service-schema.js';
import { valuesSchema, type ServiceValues } from './values-schema.js';
import { parseYaml, positionOf, type ParsedYaml, type SourceFile } from './yaml-source.js';

/** A values file, kept parsed so that policy issues can point at its lines. */
export interface ValuesFile {
  values: ServiceValues;
  parsed: ParsedYaml;
}

export interface CatalogService {
  config: ServiceConfig;
  /** service.yaml, parsed: cross-service rules point at its lines. */
  source: ParsedYaml;
  dir: string;
  values?: ValuesFile;
  stackValues: Record<string, ValuesFile>;
  /** A values file of it is invalid: policy is not judged on partial values. */
  incomplete?: boolean;
}

export interface Catalog {
  settings: CatalogSettings;
  services: Map<string, CatalogService>;
}

export const settingsFile = 'slipway.yaml';
const servicePath = /^services\/([^/]+)\/(service\.yaml|values\.yaml|values-([^/]+)\.yaml)$/;

/**
 * Validates a whole catalog (slipway.yaml and services/<name>/{service,values,values-<stack>}.yaml)
 * and returns every issue at once, with the part of the catalog that is valid (for policy checks):
 * use it for work only when there are no issues.
 */
export function validateCatalog(files: readonly SourceFile[]): {
  catalog?: Catalog;
  issues: ValidationIssue[];
  /** slipway.yaml as parsed (when it parses): further checks point at its lines without parsing it again. */
  settingsParsed?: ParsedYaml;
} {
  const issues: ValidationIssue[] = [];
  const parse = (file: SourceFile) => {
    const r = parseYaml(file);
    issues.push(...r.issues);
    return r.parsed;
  };

  const settingsSource = files.find((f) => f.path === settingsFile);
  let settings: CatalogSettings | undefined;
  let settingsParsed: ParsedYaml | undefined;
  if (!settingsSource) {
    issues.push(
      fileIssue(settingsFile, 'missing slipway.yaml (kind Platform)', 'create slipway.yaml at the catalog root'),
    );
  } else {
    const parsed = parse(settingsSource);
    settingsParsed = parsed;
    if (parsed) {
      const r = checkSchema(catalogSettingsSchema, parsed);
      issues.push(...r.issues);
      settings = r.data;
      if (settings) issues.push(...checkSettingsClusters(settings, parsed));
    }
  }

  const services = new Map<string, CatalogService>();
  const byDir = groupByServiceDir(files, issues);
  for (const [dir, group] of [...byDir].sort(([a], [b]) => a.localeCompare(b))) {
    const serviceFile = group.get('service.yaml');
    if (!serviceFile) {
      issues.push(
        fileIssue(
          `services/${dir}`,
          'service directory without service.yaml',
          `add services/${dir}/service.yaml or remove the directory`,
        ),
      );
      continue;
    }
    const parsedService = parse(serviceFile);
    if (!parsedService) continue;
    const { data: config, issues: serviceIssues } = checkSchema(serviceSchema, parsedService);
    issues.push(...serviceIssues);
    if (!config) continue;

    const nameAt = positionOf(parsedService, ['name']);
    if (config.name !== dir) {
      issues.push({
        file: serviceFile.path,
        ...nameAt,
        path: ['name'],
        message: `name does not match its directory services/${dir}/`,
        value: config.name,
        hint: `rename the directory or set name: ${dir}`,
      });
    }
    const twice = services.get(config.name);
    if (twice) {
      issues.push({
        file: serviceFile.path,
        ...nameAt,
        path: ['name'],
        message: `service "${config.name}" is listed twice (also in ${twice.dir}/service.yaml)`,
        value: config.name,
        hint: 'give each service one directory and a unique name',
      });
      continue;
    }
    if (settings)
      issues.push(
        ...checkServiceStacks(config, settings, parsedService),
        ...checkServiceClusters(config, settings, parsedService),
      );

    const service: CatalogService = { config, source: parsedService, dir: `services/${dir}`, stackValues: {} };
    for (const [name, source] of group) {
      if (name === 'service.yaml') continue;
      const parsed = parse(source);
      const { data, issues: valueIssues } = parsed ? checkSchema(valuesSchema, parsed) : { issues: [] };
      issues.push(...valueIssues);
      if (!parsed || !data) {
        service.incomplete = true;
        continue;
      }
      const stack = /^values-(.+)\.yaml$/.exec(name)?.[1];
      if (stack === undefined) service.values = { values: data, parsed };
      else if (!config.stacks.includes(stack)) {
        issues.push(
          fileIssue(
            source.path,
            `values file for stack "${stack}", which the service does not use (stacks: ${config.stacks.join(', ')})`,
            `add ${stack} to stacks in service.yaml, or delete ${source.path}`,
          ),
        );
      } else service.stackValues[stack] = { values: data, parsed };
    }
    services.set(config.name, service);
  }

  if (settings)
    issues.push(
      ...checkNamespaces(settings, services.values()),
      ...checkNameCollisions(settings, [...services.values()]),
      ...(settingsParsed ? checkPermissionTriggers(settings, settingsParsed, services) : []),
    );
  return {
    ...(settings ? { catalog: { settings, services } } : {}),
    issues: sortIssues(issues),
    ...(settingsParsed ? { settingsParsed } : {}),
  };
}

function groupByServiceDir(
  files: readonly SourceFile[],
  issues: ValidationIssue[],
): Map<string, Map<string, SourceFile>> {
  const byDir = new Map<string, Map<string, SourceFile>>();
  for (const file of files) {
    if (file.path === settingsFile) continue;
    const m = servicePath.exec(file.path);
    if (!m?.[1] || !m[2]) {
      issues.push(
        fileIssue(
          file.path,
          'unexpected file in the catalog',
          'service files live in services/<name>/ as service.yaml, values.yaml or values-<stack>.yaml',
        ),
      );
      continue;
    }
    const group = byDir.get(m[1]) ?? new Map<string, SourceFile>();
    group.set(m[2], file);
    byDir.set(m[1], group);
  }
  return byDir;
}

function checkServiceStacks(config: ServiceConfig, settings: CatalogSettings, parsed: ParsedYaml): ValidationIssue[] {
  const known = Object.keys(settings.stacks);
  const seen = new Set<string>();
  return config.stacks.flatMap((stack, i): ValidationIssue[] => {
    const at = { file: parsed.file, ...positionOf(parsed, ['stacks', i]), path: ['stacks', i], value: stack };
    if (seen.has(stack)) return [{ ...at, message: `stack "${stack}" is listed twice`, hint: 'remove the duplicate' }];
    seen.add(stack);
    if (known.includes(stack)) return [];
    const suggestion = didYouMean(stack, known);
    return [
      {
        ...at,
        message: `unknown stack "${stack}"`,
        hint: suggestion
          ? `did you mean "${suggestion}"?`
          : `use one of the stacks in slipway.yaml: ${known.join(', ')}`,
      },
    ];
  });
}

function fileIssue(file: string, message: string, hint: string): ValidationIssue {
  return { file, line: 1, column: 1, path: [], message, hint };
}
