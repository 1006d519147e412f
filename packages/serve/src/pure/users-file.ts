import { InputError } from '@slipway/core';

/** A bcrypt hash ($2a$, $2b$ or $2y$, cost, 53 characters of salt and hash). */
const bcryptHash = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;
const userName = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/**
 * The users of `--users FILE`: one `name:bcrypt-hash` a line (htpasswd -B format), `#` comments
 * and blank lines ignored. Every bad line is reported at once, with its number; a hash is never shown.
 */
export function parseUsersFile(text: string, file: string): Map<string, string> {
  const users = new Map<string, string>();
  const issues: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file}:${i + 1}`;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const hash = colon < 0 ? '' : line.slice(colon + 1);
    if (!userName.test(name))
      issues.push(`${where}: "${name.slice(0, 40)}" is not a user name (letters, digits, . _ @ -)`);
    else if (!bcryptHash.test(hash))
      issues.push(`${where}: the password of ${name} is not a bcrypt hash; make one with \`htpasswd -nbB ${name} …\``);
    else if (users.has(name)) issues.push(`${where}: ${name} is listed twice`);
    else users.set(name, hash);
  });
  if (issues.length > 0) throw new InputError(issues.join('\n'));
  if (users.size === 0)
    throw new InputError(
      `${file} lists no user: add one \`name:bcrypt-hash\` a line (\`htpasswd -nbB NAME PASSWORD\`)`,
    );
  return users;
}
