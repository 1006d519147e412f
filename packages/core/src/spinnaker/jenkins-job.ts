import type { CatalogSettings } from '../catalog/settings-schema.js';
import type { PipelineIssue } from './validate-pipeline.js';

/** A Groovy single-quoted string literal: no interpolation, so catalog text stays text. */
export const groovyString = (value: string): string =>
  `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n').replaceAll('\r', '\\r')}'`;

/** The Jenkins credentials the job binds (ids a Jenkins admin creates once). */
export const jenkinsCredentials = {
  registry: 'slipway-registry',
  vaultSecretId: 'slipway-vault-secret-id',
  vaultToken: 'slipway-vault-token',
  vaultAws: 'slipway-vault-aws',
} as const;

const dnsLabelPattern = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
const tagPattern = '^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$';

type Vault = NonNullable<CatalogSettings['vault']>;

/** How the job logs in to Vault (vault.auth of slipway.yaml): a comment and a credentials binding. */
function vaultLogin(vault: Vault): { comment: string; binding?: string } {
  const { method, role } = vault.auth;
  const as = role ? ` as role ${role}` : '';
  switch (method) {
    case 'kubernetes':
      return { comment: `kubernetes login${as} with the agent pod's service account token` };
    case 'approle':
      return {
        comment: `approle login${as}: role_id from slipway.yaml or SLIPWAY_VAULT_ROLE_ID on the agent, secret_id from the Jenkins credentials ${jenkinsCredentials.vaultSecretId}`,
        binding: `string(credentialsId: ${groovyString(jenkinsCredentials.vaultSecretId)}, variable: 'SLIPWAY_VAULT_SECRET_ID')`,
      };
    case 'aws-iam':
      return {
        comment: `aws-iam login${as}, signed with the AWS credentials ${jenkinsCredentials.vaultAws}`,
        binding: `aws(credentialsId: ${groovyString(jenkinsCredentials.vaultAws)}, accessKeyVariable: 'AWS_ACCESS_KEY_ID', secretKeyVariable: 'AWS_SECRET_ACCESS_KEY')`,
      };
    case 'token':
      return {
        comment: `a Vault token from the Jenkins credentials ${jenkinsCredentials.vaultToken}`,
        binding: `string(credentialsId: ${groovyString(jenkinsCredentials.vaultToken)}, variable: 'VAULT_TOKEN')`,
      };
  }
}

export interface JenkinsJobFiles {
  /** The declarative pipeline: commit it to the catalog repository at `scriptPath`. */
  jenkinsfile: string;
  /** The job definition (Job DSL), for a seed job. */
  jobDsl: string;
  /** The Jenkinsfile's path in the catalog repository. */
  scriptPath: string;
}

/**
 * The build job Spinnaker's jenkins stage runs (`spinnaker.jenkins`): a declarative Jenkinsfile
 * that checks its parameters, logs in to Vault the catalog's way (inside `slipway build`) and runs
 * `slipway build`, archiving build.properties; and a Job DSL definition declaring the same
 * parameters, so that Spinnaker can pass them on the job's first run.
 */
export function renderJenkinsJob(settings: CatalogSettings): { files?: JenkinsJobFiles; issues: PipelineIssue[] } {
  const issue = (message: string, hint: string): PipelineIssue => ({ service: '', stack: '', message, hint });
  const jenkins = settings.spinnaker?.jenkins;
  const issues: PipelineIssue[] = [];
  if (!jenkins)
    issues.push(
      issue('slipway.yaml has no spinnaker section', 'add spinnaker: { gate, jenkins: { master, job, catalog } }'),
    );
  else if (!jenkins.catalog)
    issues.push(
      issue(
        'spinnaker.jenkins.catalog is not set: the job would not know where the catalog is',
        'add spinnaker.jenkins.catalog: { repo: <git URL of the catalog>, branch: main, path: <its folder> }',
      ),
    );
  if (!settings.vault)
    issues.push(
      issue('slipway.yaml has no vault section: slipway build reads the deploy keys from Vault', 'add vault'),
    );
  if (!jenkins?.catalog || !settings.vault || issues.length > 0) return { issues };

  const { catalog } = jenkins;
  const dir = catalog.path === '' ? '.' : catalog.path;
  const scriptPath = catalog.path === '' ? 'Jenkinsfile' : `${catalog.path}/Jenkinsfile`;
  const login = vaultLogin(settings.vault);
  const bindings = [
    `usernamePassword(credentialsId: ${groovyString(jenkinsCredentials.registry)}, usernameVariable: 'SLIPWAY_REGISTRY_USERNAME', passwordVariable: 'SLIPWAY_REGISTRY_PASSWORD')`,
    ...(login.binding ? [login.binding] : []),
  ];
  const branchPattern = settings.policy.branchPattern;
  const parameters = [
    ['service', '', 'the catalog service to build'],
    ['imageTag', '', 'the image tag to build and push (nothing is built when the registry has it)'],
    ['sourceBranch', 'master', "the branch of the service's repository"],
    [
      'checkValues',
      '',
      'a strict stack: write VALUES_CHANGED (its values differ from its last release) to build.properties',
    ],
  ] as const;
  const header = [
    `// The build job of the slipway catalog (${settings.registry.host}/${settings.registry.project}), rendered by`,
    '// `slipway jenkins render`: regenerate it instead of editing it.',
  ];

  const jenkinsfile = `${[
    ...header,
    "// Spinnaker's jenkins stage runs it with service, imageTag, sourceBranch (and checkValues: the values judgment); it runs `slipway build`",
    "// and archives build.properties (IMAGE, TAG, DIGEST, SKIPPED, REVISION, SOURCE_BRANCH) for the stage's propertyFile.",
    `// Vault: ${login.comment}.`,
    `// Registry: the Jenkins username/password credentials ${jenkinsCredentials.registry}.`,
    '// Parameters reach the shell only as quoted environment variables, after the checks below.',
    'pipeline {',
    `  agent { label ${groovyString(jenkins.agent)} }`,
    '  options {',
    "    buildDiscarder(logRotator(numToKeepStr: '100'))",
    "    timeout(time: 60, unit: 'MINUTES')",
    '  }',
    '  parameters {',
    ...parameters.map(
      ([name, value, description]) =>
        `    string(name: ${groovyString(name)}, defaultValue: ${groovyString(value)}, description: ${groovyString(description)}, trim: true)`,
    ),
    '  }',
    '  stages {',
    "    stage('Check parameters') {",
    '      steps {',
    '        script {',
    `          if (!(params.service ==~ ${groovyString(dnsLabelPattern)})) {`,
    "            error('service must be a service name of the catalog (a DNS label)')",
    '          }',
    `          if (!(params.imageTag ==~ ${groovyString(tagPattern)})) {`,
    `            error(${groovyString('imageTag must be an image tag (letters, digits, "_", "." and "-", at most 128)')})`,
    '          }',
    `          if (!(params.sourceBranch ==~ ${groovyString(branchPattern)}) || params.sourceBranch.contains('..')) {`,
    `            error(${groovyString(`sourceBranch is not a safe branch name (must match ${branchPattern}, no "..")`)})`,
    '          }',
    `          if (params.checkValues && !(params.checkValues ==~ ${groovyString(dnsLabelPattern)})) {`,
    "            error('checkValues must be a stack of the catalog (a DNS label) or empty')",
    '          }',
    '        }',
    '      }',
    '    }',
    "    stage('slipway build') {",
    '      steps {',
    "        sh 'rm -f build.properties'",
    `        withCredentials([${bindings.map((b) => `\n          ${b},`).join('')}\n        ]) {`,
    // the values check reads the stack's clusters: the agent's kubeconfig must reach them
    `          sh(${groovyString(`slipway build "$service" --image-tag "$imageTag" --source-branch "$sourceBranch" --catalog ${dir} --properties-file build.properties`)} + (params.checkValues ? ${groovyString(' --check-values "$checkValues"')} : ''))`,
    '        }',
    '      }',
    '    }',
    '  }',
    '  post {',
    '    success {',
    "      archiveArtifacts(artifacts: 'build.properties', fingerprint: true)",
    '    }',
    '  }',
    '}',
  ].join('\n')}\n`;

  const jobDsl = `${[
    ...header,
    '// A Job DSL script: run it from a seed job. It declares the parameters so that Spinnaker can pass',
    `// them on the first run, and runs ${scriptPath} of the catalog repository.`,
    `pipelineJob(${groovyString(jenkins.job)}) {`,
    `  description(${groovyString('slipway build for Spinnaker deploy pipelines (rendered by slipway jenkins render)')})`,
    '  logRotator {',
    '    numToKeep(100)',
    '  }',
    '  parameters {',
    ...parameters.map(
      ([name, value, description]) =>
        `    stringParam(${groovyString(name)}, ${groovyString(value)}, ${groovyString(description)})`,
    ),
    '  }',
    '  definition {',
    '    cpsScm {',
    '      scm {',
    '        git {',
    '          remote {',
    `            url(${groovyString(catalog.repo)})`,
    ...(catalog.credentials ? [`            credentials(${groovyString(catalog.credentials)})`] : []),
    '          }',
    `          branch(${groovyString(catalog.branch)})`,
    '        }',
    '      }',
    `      scriptPath(${groovyString(scriptPath)})`,
    '      lightweight(true)',
    '    }',
    '  }',
    '}',
  ].join('\n')}\n`;
  return { files: { jenkinsfile, jobDsl, scriptPath }, issues: [] };
}
