import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasGitMarker } from './git-tree.js';

describe('hasGitMarker', () => {
  it('finds .git in the folder or above it (a folder, or a worktree file), and nothing outside a repository', () => {
    const root = mkdtempSync(join(tmpdir(), 'slipway-git-marker-'));
    const plain = join(root, 'plain', 'catalog');
    mkdirSync(plain, { recursive: true });
    expect(hasGitMarker(plain)).toBe(false);
    const repo = join(root, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'deep', 'catalog'), { recursive: true });
    expect(hasGitMarker(join(repo, 'deep', 'catalog'))).toBe(true);
    const worktree = join(root, 'worktree');
    mkdirSync(worktree);
    writeFileSync(join(worktree, '.git'), 'gitdir: /elsewhere\n');
    expect(hasGitMarker(worktree)).toBe(true);
  });
});
