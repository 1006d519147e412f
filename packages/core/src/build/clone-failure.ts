export interface CloneTarget {
  repository: string;
  branch: string;
}

/**
 * One line that says why `git clone` over SSH failed and what to check, from git's and ssh's
 * stderr (which names neither the key nor its contents). Falls back to git's last line.
 */
export function cloneFailureMessage(target: CloneTarget, stderr: string): string {
  const where = `cloning ${target.repository} (branch ${target.branch}) failed`;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr))
    return `${where}: the git server's host key differs from the pinned one; check build.knownHosts in slipway.yaml (or SLIPWAY_GIT_KNOWN_HOSTS) against the server's real key before trusting it`;
  if (/Host key verification failed|No \S+ host key is known/i.test(stderr))
    return `${where}: the git server's host key is not among the pinned known hosts; add the server's key to build.knownHosts in slipway.yaml (or SLIPWAY_GIT_KNOWN_HOSTS)`;
  if (/Permission denied \(publickey/i.test(stderr))
    return `${where}: the server refused the deploy key; check that the key stored in Vault for this service is the repository's deploy key`;
  if (/deploy key gives read access to|access denied|not allowed|Could not read from remote repository/i.test(stderr))
    return `${where}: the server refused access to the repository with this deploy key; check that the key in Vault belongs to this repository and the repository URL in service.yaml`;
  if (/Remote branch .* not found|Could not find remote branch/i.test(stderr))
    return `${where}: the branch does not exist in the repository; check --source-branch`;
  if (/does not appear to be a git repository|repository .* not found/i.test(stderr))
    return `${where}: the server has no such repository; check repository in service.yaml`;
  if (/Could not resolve hostname|Connection refused|Connection timed out|No route to host/i.test(stderr))
    return `${where}: the git server cannot be reached (${lastLine(stderr)}); check the repository URL in service.yaml and the network`;
  return `${where}: ${lastLine(stderr) || 'git exited without a message'}`;
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? '').slice(0, 300);
}
