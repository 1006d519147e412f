import { describe, expect, it } from 'vitest';
import { catalogSettingsSchema, type CatalogSettings } from '../catalog/settings-schema.js';
import { groovyString, renderJenkinsJob } from './jenkins-job.js';

const settings = (
  auth: Record<string, unknown>,
  catalog: Record<string, unknown> | null = { repo: 'git@git.local:o/catalog.git' },
): CatalogSettings =>
  catalogSettingsSchema.parse({
    apiVersion: 'slipway.dev/v1',
    kind: 'Platform',
    registry: { host: 'harbor.local', project: 'ms' },
    charts: { workload: { ref: 'oci://h/w', version: '1.0.0' }, routing: { ref: 'oci://h/r', version: '1.0.0' } },
    vault: { address: 'https://vault.local', auth },
    spinnaker: {
      gate: 'https://gate.local',
      jenkins: { master: 'ci', job: 'team/slipway-build', ...(catalog ? { catalog } : {}) },
    },
    stacks: { dev: {} },
    clusters: {},
  });

describe('renderJenkinsJob', () => {
  it('declares the four parameters in the Jenkinsfile and the Job DSL, runs slipway build, archives build.properties', () => {
    const { files, issues } = renderJenkinsJob(settings({ method: 'kubernetes', role: 'build' }));
    expect(issues).toEqual([]);
    for (const name of ['service', 'imageTag', 'sourceBranch', 'checkValues']) {
      expect(files!.jenkinsfile).toContain(`string(name: '${name}'`);
      expect(files!.jobDsl).toContain(`stringParam('${name}'`);
    }
    expect(files!.jenkinsfile).toContain(
      `sh('slipway build "$service" --image-tag "$imageTag" --source-branch "$sourceBranch" --catalog . --properties-file build.properties' + (params.checkValues ? ' --check-values "$checkValues"' : ''))`,
    );
    expect(files!.jenkinsfile).toContain("archiveArtifacts(artifacts: 'build.properties'");
    expect(files!.jenkinsfile).toMatch(/kubernetes login as role build with the agent pod's service account token/);
    expect(files!.jobDsl).toContain("pipelineJob('team/slipway-build')");
    expect(files!.scriptPath).toBe('Jenkinsfile');
  });

  it('binds the credentials of each Vault login method', () => {
    const jf = (auth: Record<string, unknown>) => renderJenkinsJob(settings(auth)).files!.jenkinsfile;
    expect(jf({ method: 'approle', roleId: 'r' })).toContain("variable: 'SLIPWAY_VAULT_SECRET_ID'");
    expect(jf({ method: 'token' })).toContain("variable: 'VAULT_TOKEN'");
    expect(jf({ method: 'aws-iam', role: 'ci' })).toContain("accessKeyVariable: 'AWS_ACCESS_KEY_ID'");
    expect(jf({ method: 'kubernetes' })).not.toContain('variable:');
  });

  it('says what slipway.yaml lacks', () => {
    expect(renderJenkinsJob(settings({ method: 'token' }, null)).issues[0]!.message).toMatch(
      /spinnaker\.jenkins\.catalog is not set/,
    );
  });

  it('quotes Groovy strings without interpolation', () => {
    expect(groovyString("it's ${x} \\ \n")).toBe("'it\\'s ${x} \\\\ \\n'");
  });
});
