import { describe, expect, it } from 'vitest';
import { dockerfileBaseImages, dockerfileRuns } from './dockerfile-from.js';

describe('dockerfileBaseImages', () => {
  it('names each FROM image once, in order, without scratch or earlier stages', () => {
    const text = [
      '# syntax comment',
      'FROM registry.local:5000/shop/base-maven:1 AS build',
      'RUN mvn package',
      'FROM --platform=linux/amd64 registry.local:5000/shop/base-java:1',
      'COPY --from=build /app.jar /app.jar',
      'FROM build AS again',
      'from scratch',
      'FROM registry.local:5000/shop/base-java:1',
    ].join('\n');
    expect(dockerfileBaseImages(text)).toEqual([
      'registry.local:5000/shop/base-maven:1',
      'registry.local:5000/shop/base-java:1',
    ]);
  });

  it('substitutes the ARG defaults declared before the first FROM; an unresolved one is left to the builder', () => {
    const text = 'ARG BASE=r:5000/p/base-node:1\nARG OTHER\nARG "Q"="x"\nFROM ${BASE}\nFROM $BASE\nFROM $OTHER/x\n';
    expect(dockerfileBaseImages(text)).toEqual(['r:5000/p/base-node:1']);
  });

  it('joins continued lines', () => {
    expect(dockerfileBaseImages('FROM \\\n  r/p/base-go-static:1 \\\n  AS run\n')).toEqual(['r/p/base-go-static:1']);
  });

  it('tells a Dockerfile that runs a step from one that only copies', () => {
    expect(dockerfileRuns('FROM base:1\nCOPY a ./\n# RUN in a comment\nCMD ["node", "a"]\n')).toBe(false);
    expect(dockerfileRuns('FROM base:1\nCOPY a ./\nrun --mount=type=cache,target=/c \\\n  make\n')).toBe(true);
    expect(dockerfileRuns('FROM base:1\nENV RUNNER=1 \\\n  RUN=2\n')).toBe(false);
  });
});
