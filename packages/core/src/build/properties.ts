/** What the build stage produced: the fields of build.properties and of `--output json`. */
export interface BuildResult {
  /** registry/project/image, without tag */
  image: string;
  tag: string;
  /** sha256:… of the pushed (or found) manifest; empty when the registry sent none */
  digest: string;
  /** true when the tag was already in the registry and nothing was built */
  skipped: boolean;
  /** the commit built; empty when skipped */
  revision: string;
  /**
   * The branch the image was built from: --source-branch when built, the image's
   * dev.slipway.source-branch label when skipped (empty when it has none). Spinnaker's pipelines
   * check it against the stack before deploying.
   */
  sourceBranch: string;
}

/** `build.properties` for Jenkins/Spinnaker (Java properties: KEY=value, one a line). */
export function buildPropertiesText(result: BuildResult): string {
  const entries: [string, string][] = [
    ['IMAGE', result.image],
    ['TAG', result.tag],
    ['DIGEST', result.digest],
    ['SKIPPED', String(result.skipped)],
    ['REVISION', result.revision],
    ['SOURCE_BRANCH', result.sourceBranch],
  ];
  return entries.map(([key, value]) => `${key}=${propertyValue(value)}\n`).join('');
}

/** Escapes a value for a properties file: backslash, line breaks and a leading blank. */
function propertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/^ /, '\\ ');
}
