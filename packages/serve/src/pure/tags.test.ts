import { describe, expect, it } from 'vitest';
import { newestFirst } from './tags.js';

describe('newestFirst', () => {
  it('orders versions by their numbers, releases before their pre-releases, other tags last', () => {
    expect(newestFirst(['1.9.2', 'latest', '1.10.0', '1.0.0-rc.1', 'v2.0', '1.0.0', 'build-7', 'build-12'])).toEqual([
      'v2.0',
      '1.10.0',
      '1.9.2',
      '1.0.0',
      '1.0.0-rc.1',
      'latest',
      'build-12',
      'build-7',
    ]);
  });
});
