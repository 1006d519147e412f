import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { buildFailureSummary } from './build-failure.js';
import { cloneFailureMessage } from './clone-failure.js';
import { deployKeyPath } from './deploy-key-path.js';
import { ociLabels } from './labels.js';
import { buildPropertiesText } from './properties.js';
import { gitSshCommand, shellQuote } from './ssh-command.js';

describe('build.properties', () => {
  it('writes the six keys, escaping what a properties reader would misread', () => {
    expect(
      buildPropertiesText({
        image: 'r:5000/p/orders',
        tag: '1.0.0',
        digest: 'sha256:ab',
        skipped: false,
        revision: 'c0ffee',
        sourceBranch: 'master',
      }),
    ).toBe(
      'IMAGE=r:5000/p/orders\nTAG=1.0.0\nDIGEST=sha256:ab\nSKIPPED=false\nREVISION=c0ffee\nSOURCE_BRANCH=master\n',
    );
    const text = buildPropertiesText({
      image: 'a\\b\nX=1',
      tag: ' t',
      digest: '',
      skipped: true,
      revision: '',
      sourceBranch: '',
    });
    expect(text.split('\n')[0]).toBe('IMAGE=a\\\\b\\nX=1');
    expect(text).toContain('TAG=\\ t\n');
    expect(text).toContain('SKIPPED=true\n');
  });
});

describe('GIT_SSH_COMMAND', () => {
  it('names the key file, one identity, pinned host keys, no config', () => {
    expect(gitSshCommand({ ssh: '/usr/bin/ssh', keyPath: '/tmp/k/key', knownHostsPath: '/tmp/k/known_hosts' })).toBe(
      "'/usr/bin/ssh' -i '/tmp/k/key' -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile='/tmp/k/known_hosts' -o GlobalKnownHostsFile=/dev/null -o BatchMode=yes -F /dev/null",
    );
    expect(gitSshCommand({ keyPath: 'k', knownHostsPath: 'h', acceptNewHostKeys: true })).toMatch(
      /^ssh .*StrictHostKeyChecking=accept-new/,
    );
  });
  it('quotes paths for sh', () => {
    expect(shellQuote("/tmp/a b/it's")).toBe("'/tmp/a b/it'\\''s'");
  });
});

describe('OCI labels', () => {
  it('source, revision and created from the commit time', () => {
    expect(ociLabels({ source: 'ssh://git/x.git', revision: 'abc', commitTime: 1_700_000_000 })).toEqual({
      'org.opencontainers.image.source': 'ssh://git/x.git',
      'org.opencontainers.image.revision': 'abc',
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
    });
  });

  it('and the branch that was cloned, which strict stacks check', () => {
    expect(
      ociLabels({ source: 'ssh://git/x.git', revision: 'abc', commitTime: 0, branch: 'master' })[
        'dev.slipway.source-branch'
      ],
    ).toBe('master');
  });
});

describe('deploy key path', () => {
  it('substitutes the service', () => {
    expect(deployKeyPath('deploy-keys/{service}', 'orders')).toBe('deploy-keys/orders');
    expect(deployKeyPath('teams/{service}/key-{service}', 'a-b')).toBe('teams/a-b/key-a-b');
  });
  it('refuses a path that leaves its folder or is not a path', () => {
    for (const t of ['../x/{service}', '/abs/{service}', 'a//{service}', 'a/{service}/..', 'a/b c'])
      expect(() => deployKeyPath(t, 'orders'), t).toThrow(InputError);
    expect(() => deployKeyPath('k/{service}', '../x')).toThrow(/cannot name a deploy key path/);
  });
});

describe('clone failure messages', () => {
  const target = { repository: 'ssh://git@h/orders.git', branch: 'feature/x' };
  const cases: [string, RegExp][] = [
    ['git@h: Permission denied (publickey).\nfatal: Could not read from remote repository.', /refused the deploy key/],
    [
      'No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.\nfatal: Could not read from remote repository.',
      /host key is not among the pinned known hosts/,
    ],
    ['@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@', /differs from the pinned one/],
    [
      'warning: Could not find remote branch feature/x to clone.\nfatal: Remote branch feature/x not found in upstream origin',
      /branch does not exist.*--source-branch/,
    ],
    [
      'this deploy key gives read access to payments.git only\nfatal: Could not read from remote repository.',
      /refused access to the repository/,
    ],
    ['something odd\nfatal: boom', /: fatal: boom$/],
  ];
  it.each(cases)('%s', (stderr, expected) => {
    const message = cloneFailureMessage(target, stderr);
    expect(message).toMatch(/^cloning ssh:\/\/git@h\/orders.git \(branch feature\/x\) failed: /);
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });
});

describe('build failure summary', () => {
  it('buildah: the last STEP and the lines after it', () => {
    const out =
      'STEP 1/3: FROM scratch\nSTEP 2/3: COPY a /\nSTEP 3/3: RUN false\nerror: exit status 1\nError: building at STEP "RUN false"';
    expect(buildFailureSummary(out)).toEqual({
      step: 'STEP 3/3: RUN false',
      lastLines: ['error: exit status 1', 'Error: building at STEP "RUN false"'],
    });
  });
  it('BuildKit plain progress', () => {
    expect(buildFailureSummary('#5 [2/3] RUN make\n#5 0.2 make: not found\n#5 ERROR: exit code 127').step).toBe(
      '[2/3] RUN make',
    );
  });
  it('no step: the last lines', () => {
    expect(buildFailureSummary('a\nb\nc', 2)).toEqual({ step: undefined, lastLines: ['b', 'c'] });
  });
});
