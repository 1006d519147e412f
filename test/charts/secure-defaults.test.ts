import { describe, expect, it } from 'vitest';
import { objects, render, renderError, type Chart, type Fixture, type K8sObject } from './helm.js';

/** The secure defaults of the workload and routing charts, and their opt-outs. */

interface Container {
  image: string;
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  enableServiceLinks?: boolean;
  containers: Container[];
  volumes: ({ name: string } & Record<string, unknown>)[];
}
interface Peer {
  namespaceSelector?: { matchLabels: Record<string, string> };
  podSelector?: { matchLabels?: Record<string, string> };
}
interface NetworkPolicySpec {
  podSelector: { matchLabels: Record<string, string> };
  policyTypes: string[];
  ingress: { ports: { port: number }[]; from: Peer[] }[];
}

const digestA = `sha256:${'a'.repeat(64)}`;
const digestB = `sha256:${'b'.repeat(64)}`;

const all = (chart: Chart, fixture: Fixture, args: string[] = []) => objects(render(chart, fixture, args));
const one = (objs: K8sObject[], kind: string) => {
  const found = objs.filter((o) => o.kind === kind);
  expect(found, `one ${kind}`).toHaveLength(1);
  return found[0] as K8sObject;
};
const pod = (fixture: Fixture, args: string[] = []) =>
  (one(all('workload', fixture, args), 'Deployment').spec as { template: { spec: PodSpec } }).template.spec;
const policy = (fixture: Fixture, args: string[] = []) =>
  one(all('workload', fixture, args), 'NetworkPolicy').spec as unknown as NetworkPolicySpec;

describe('workload chart: service account token and service links', () => {
  it('mounts no API token and no Service environment variables by default', () => {
    const spec = pod('minimal');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.enableServiceLinks).toBe(false);
    expect(one(all('workload', 'minimal'), 'ServiceAccount')['automountServiceAccountToken']).toBe(false);
  });

  it('mounts the token for a service that opts in', () => {
    const args = ['--set', 'serviceAccount.automountToken=true'];
    expect(pod('minimal', args).automountServiceAccountToken).toBe(true);
    expect(one(all('workload', 'minimal', args), 'ServiceAccount')['automountServiceAccountToken']).toBe(true);
  });
});

describe('workload chart: /tmp and Secrets as files', () => {
  it('bounds the /tmp emptyDir (64Mi by default, tmp.sizeLimit otherwise)', () => {
    const tmp = (args: string[] = []) => pod('minimal', args).volumes.find((v) => v.name === 'tmp');
    expect(tmp()).toEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(tmp(['--set', 'tmp.sizeLimit=1Gi'])).toEqual({ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } });
  });

  it('mounts each of secretMounts read-only at its path, with all keys or the items named', () => {
    const spec = pod('prod');
    expect(spec.containers[0]?.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'secret-0', mountPath: '/etc/secrets/db', readOnly: true },
        { name: 'secret-1', mountPath: '/etc/secrets/api', readOnly: true },
      ]),
    );
    expect(spec.volumes).toEqual(
      expect.arrayContaining([
        {
          name: 'secret-0',
          secret: { secretName: 'payments-db', defaultMode: 0o440, items: [{ key: 'password', path: 'password' }] },
        },
        { name: 'secret-1', secret: { secretName: 'payments-api', defaultMode: 0o440 } },
      ]),
    );
  });

  it('refuses a secret mount without a Secret name or an absolute path', () => {
    const args = ['--skip-schema-validation', '--set', 'secretMounts[0].secret=db,secretMounts[0].mountPath=etc/db'];
    expect(renderError('workload', 'minimal', args)).toMatch(/secretMounts\[0\] needs secret .* and mountPath/);
  });
});

describe('workload chart: a NetworkPolicy per release', () => {
  it("admits only the service's own namespace to the pods' port by default", () => {
    const spec = policy('minimal');
    expect(spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'payments', version: 'stable' });
    expect(spec.policyTypes).toEqual(['Ingress']);
    expect(spec.ingress).toEqual([
      {
        ports: [{ port: 8080, protocol: 'TCP' }],
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } }, podSelector: {} }],
      },
    ]);
  });

  it('admits the declared callers only, and the ingress gateway when the routing binds a gateway', () => {
    expect(policy('prod').ingress[0]?.from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'checkout' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'checkout' } },
      },
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'payments-worker' } },
      },
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } },
        podSelector: { matchLabels: { istio: 'ingressgateway' } },
      },
    ]);
    // no gateway bound: no ingress gateway peer
    expect(JSON.stringify(policy('minimal'))).not.toContain('ingressgateway');
  });

  it('admits every namespace of the mesh when a caller names namespace labels', () => {
    const args = ['--set-string', 'networkPolicy.callers[0].namespaceLabels.istio-injection=enabled'];
    expect(policy('minimal', args).ingress[0]?.from).toEqual([
      { namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } }, podSelector: {} },
    ]);
  });

  it("covers a canary release's own pods with <name>-canary", () => {
    const np = one(all('workload', 'canary'), 'NetworkPolicy');
    expect(np.metadata.name).toBe('payments-canary');
    expect((np.spec as unknown as NetworkPolicySpec).podSelector.matchLabels).toMatchObject({ version: 'canary' });
  });

  it('renders none for a service that opts out', () => {
    expect(all('workload', 'minimal', ['--set', 'networkPolicy.enabled=false']).map((o) => o.kind)).not.toContain(
      'NetworkPolicy',
    );
  });
});

describe('workload chart: the image pinned by digest', () => {
  const image = (fixture: Fixture, args: string[] = []) => pod(fixture, args).containers[0]?.image;

  it('runs repository:tag@digest when image.digest is set, repository:tag otherwise', () => {
    expect(image('minimal')).toBe('registry.local/microservices/payments:1.0.0');
    expect(image('minimal', ['--set', `image.digest=${digestA}`])).toBe(
      `registry.local/microservices/payments:1.0.0@${digestA}`,
    );
  });

  it('gives a canary its own digest and never the stable one', () => {
    expect(image('canary', ['--set', `image.digest=${digestA}`])).toBe(
      'registry.local/microservices/payments:1.5.0-rc.1',
    );
    expect(image('canary', ['--set', `image.digest=${digestA},canary.image.digest=${digestB}`])).toBe(
      `registry.local/microservices/payments:1.5.0-rc.1@${digestB}`,
    );
  });

  it('refuses a digest that is not sha256:<64 hex> (in the template too, not only the schema)', () => {
    expect(
      renderError('workload', 'minimal', ['--skip-schema-validation', '--set', 'image.digest=sha256:abc']),
    ).toMatch(/image digest "sha256:abc" is not sha256:<64 hex digits>/);
    expect(renderError('workload', 'minimal', ['--set', 'image.digest=latest'])).toMatch(/image\/digest/);
  });
});

interface Server {
  port: { number: number; name: string; protocol: string };
  hosts: string[];
  tls?: Record<string, unknown>;
}
interface HttpRoute {
  name: string;
  match?: { headers: Record<string, unknown>; gateways?: string[] }[];
}
const servers = (fixture: Fixture, args: string[] = []) =>
  (one(all('routing', fixture, args), 'Gateway').spec as { servers: Server[] }).servers;
const httpRoutes = (fixture: Fixture, args: string[] = []) =>
  (one(all('routing', fixture, args), 'VirtualService').spec as { http: HttpRoute[] }).http;

describe('routing chart: TLS on the Gateway', () => {
  it('serves a host that names a certificate over HTTPS, and redirects its plain HTTP', () => {
    expect(servers('prod')).toEqual([
      {
        port: { number: 80, name: 'http-redirect', protocol: 'HTTP' },
        hosts: ['payments.shop.example.com'],
        tls: { httpsRedirect: true },
      },
      {
        port: { number: 443, name: 'https-0', protocol: 'HTTPS' },
        hosts: ['payments.shop.example.com'],
        tls: { mode: 'SIMPLE', credentialName: 'payments-shop-example-com-tls', minProtocolVersion: 'TLSV1_2' },
      },
    ]);
  });

  it('keeps plain HTTP for the hosts without a certificate', () => {
    const args = ['--set', 'routing.gateway.hosts={payments.shop.example.com,plain.example.com}'];
    expect(servers('prod', args).map((s) => [s.port.name, s.hosts])).toEqual([
      ['http', ['plain.example.com']],
      ['http-redirect', ['payments.shop.example.com']],
      ['https-0', ['payments.shop.example.com']],
    ]);
    expect(servers('hpa-gateway').map((s) => [s.port.name, s.tls])).toEqual([['http', undefined]]);
  });

  it('refuses a TLS host the Gateway does not serve', () => {
    expect(renderError('routing', 'prod', ['--set', 'routing.gateway.tls[0].hosts[0]=other.example.com'])).toMatch(
      /routing\.gateway\.tls\[0\] names host other\.example\.com, which is not in routing\.gateway\.hosts/,
    );
  });
});

describe('routing chart: the canary header route', () => {
  it('limits the header route to the mesh and the internal gateways with internalOnly', () => {
    const [header] = httpRoutes('prod-canary');
    expect(header?.name).toBe('canary-header');
    expect(header?.match).toEqual([
      { headers: { 'x-canary': { exact: 'true' } }, gateways: ['mesh', 'istio-system/internal'] },
    ]);
  });

  it('applies it on every gateway of the VirtualService without internalOnly', () => {
    const [header] = httpRoutes('prod-canary', ['--set', 'canary.headerRoute.internalOnly=false']);
    expect(header?.match).toEqual([{ headers: { 'x-canary': { exact: 'true' } } }]);
  });
});
