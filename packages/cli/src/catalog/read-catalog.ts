import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, platformFile, type SourceFile } from '@slipway/core';

/** Reads slipway.yaml and every YAML file under services/<name>/ of a catalog directory. */
export function readCatalogFiles(dir: string): SourceFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`catalog directory ${dir} does not exist; pass the directory that holds slipway.yaml`);
  }
  const files: SourceFile[] = [];
  const read = (path: string) => files.push({ path, text: readFileSync(join(dir, path), 'utf8') });
  if (existsSync(join(dir, platformFile))) read(platformFile);
  const services = join(dir, 'services');
  if (existsSync(services)) {
    for (const name of readdirSync(services).sort()) {
      if (!statSync(join(services, name)).isDirectory()) continue;
      for (const file of readdirSync(join(services, name)).sort()) {
        if (/\.ya?ml$/.test(file)) read(`services/${name}/${file}`);
      }
    }
  }
  return files;
}
