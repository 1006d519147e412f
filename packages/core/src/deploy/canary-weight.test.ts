import { describe, expect, it } from 'vitest';
import { routedCanaryWeight } from './canary-weight.js';

const route = (canary: number) => ({
  route: [
    { destination: { subset: 'stable' }, weight: 100 - canary },
    { destination: { subset: 'canary' }, weight: canary },
  ],
});

describe('routedCanaryWeight', () => {
  it("reads the canary subset's weight of the last (weighted) route, after a header route", () => {
    const headerRoute = { route: [{ destination: { subset: 'canary' }, weight: 100 }] };
    expect(routedCanaryWeight({ spec: { http: [headerRoute, route(25)] } })).toBe(25);
    expect(routedCanaryWeight({ spec: { http: [route(0)] } })).toBe(0);
    expect(
      routedCanaryWeight({ spec: { http: [{ route: [{ destination: { subset: 'stable' } }] }] } }),
    ).toBeUndefined();
    expect(routedCanaryWeight({})).toBeUndefined();
  });
});
