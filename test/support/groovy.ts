import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Groovy from Maven Central (org.apache.groovy:groovy), to parse rendered Jenkinsfiles in tests. */
export const groovyVersion = '5.0.8';
const parseScript = new URL('./groovy-parse.groovy', import.meta.url).pathname;

/**
 * The Groovy jar in the tools cache (`~/.cache/slipway/groovy-<version>/`), fetched with Maven
 * (`mvn dependency:copy`) the first time: the test installs what it needs.
 */
export async function groovyJar(cache = join(homedir(), '.cache/slipway')): Promise<string> {
  const dir = join(cache, `groovy-${groovyVersion}`);
  const jar = join(dir, `groovy-${groovyVersion}.jar`);
  if (existsSync(jar)) return jar;
  mkdirSync(cache, { recursive: true });
  const temp = mkdtempSync(join(cache, '.groovy-'));
  try {
    await run(
      'mvn',
      [
        '-q',
        '-B',
        'dependency:copy',
        `-Dartifact=org.apache.groovy:groovy:${groovyVersion}`,
        `-DoutputDirectory=${temp}`,
      ],
      { timeout: 170_000 },
    );
    rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return jar;
}

/** Parses Groovy files with the real compiler: `ok` and the compiler's messages. */
export async function parseGroovy(jar: string, files: readonly string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const r = await run('java', ['-cp', jar, 'groovy.ui.GroovyMain', parseScript, ...files], { timeout: 110_000 });
    return { ok: true, output: r.stdout + r.stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: unknown };
    if (typeof e.code !== 'number') throw error;
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
