import { InputError } from '@slipway/core';

/** A bcrypt hash ($2a$, $2b$ or $2y$, cost, 53 characters of salt and hash). */
const bcryptHash = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;
const userName = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const groupName = /^[A-Za-z0-9/@][A-Za-z0-9._@:/-]{0,199}$/;

/** One user of the users file: the bcrypt hash of the password and the groups (permissions). */
export interface UserEntry {
  hash: string;
  groups: readonly string[];
}

/**
 * The users of `--users FILE`: one `name:bcrypt-hash` a line (htpasswd -B format), optionally
 * followed by `:group,group` (the groups the stacks' permissions name), `#` comments and blank
 * lines ignored. Every bad line is reported at once, with its number; a hash is never shown.
 */
export function parseUsersFile(text: string, file: string): Map<string, UserEntry> {
  const users = new Map<string, UserEntry>();
  const issues: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file}:${i + 1}`;
    const [name = '', hash = '', groupText, ...rest] = line.split(':');
    const groups = (groupText ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '');
    const badGroup = groups.find((g) => !groupName.test(g));
    if (!userName.test(name))
      issues.push(`${where}: "${name.slice(0, 40)}" is not a user name (letters, digits, . _ @ -)`);
    else if (!bcryptHash.test(hash))
      issues.push(`${where}: the password of ${name} is not a bcrypt hash; make one with \`htpasswd -nbB ${name} …\``);
    else if (rest.length > 0 || badGroup !== undefined)
      issues.push(
        `${where}: the groups of ${name} must be one comma-separated list after the hash (name:hash:group,group)${badGroup !== undefined ? `; "${badGroup.slice(0, 40)}" is not a group name` : ''}`,
      );
    else if (users.has(name)) issues.push(`${where}: ${name} is listed twice`);
    else users.set(name, { hash, groups });
  });
  if (issues.length > 0) throw new InputError(issues.join('\n'));
  if (users.size === 0)
    throw new InputError(
      `${file} lists no user: add one \`name:bcrypt-hash\` a line (\`htpasswd -nbB NAME PASSWORD\`)`,
    );
  return users;
}
