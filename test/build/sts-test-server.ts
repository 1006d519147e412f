import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * A local AWS STS test server (a stand-in: nothing here can reach AWS). It answers
 * GetCallerIdentity only for a request whose SigV4 signature it recomputes, with
 * @smithy/signature-v4 and the secret key of the access key id, and finds equal; anything else
 * gets AWS's SignatureDoesNotMatch (403).
 */
export interface StsTestServer {
  url: string;
  /** every request: whether its signature verified, and the headers it carried */
  requests: { verified: boolean; reason: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export interface StsIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  arn: string;
  account: string;
  userId: string;
}

export async function startStsTestServer(
  identities: readonly StsIdentity[],
  region = 'us-east-1',
): Promise<StsTestServer> {
  const requests: StsTestServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (b: Buffer) => chunks.push(b));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      verify(req.method ?? '', req.url ?? '/', req.headers, body).then(
        (identity) => {
          requests.push({ verified: true, reason: '', headers: req.headers });
          res.writeHead(200, { 'content-type': 'text/xml' }).end(callerIdentityXml(identity));
        },
        (error: Error) => {
          requests.push({ verified: false, reason: error.message, headers: req.headers });
          res
            .writeHead(403, { 'content-type': 'text/xml' })
            .end(
              `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>${error.message}</Message></Error><RequestId>test</RequestId></ErrorResponse>`,
            );
        },
      );
    });
  });

  async function verify(method: string, url: string, headers: IncomingHttpHeaders, body: string): Promise<StsIdentity> {
    if (body !== 'Action=GetCallerIdentity&Version=2011-06-15') throw new Error('not a GetCallerIdentity call');
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/sts\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
        String(headers.authorization ?? ''),
      );
    if (!m) throw new Error('no SigV4 Authorization header');
    const [, accessKeyId, , signedRegion, signedHeaders = '', signature] = m;
    const identity = identities.find((i) => i.accessKeyId === accessKeyId);
    if (!identity) throw new Error('unknown access key id');
    if (signedRegion !== region) throw new Error('wrong region');
    const amzDate = String(headers['x-amz-date'] ?? '');
    const date = new Date(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (Number.isNaN(date.getTime()) || Math.abs(Date.now() - date.getTime()) > 15 * 60_000)
      throw new Error('request time too skewed');
    const names = signedHeaders.split(';');
    if (!names.includes('host')) throw new Error('host is not signed');
    const signer = new SignatureV4({
      service: 'sts',
      region,
      credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
      sha256: Hash.bind(null, 'sha256'),
    });
    const [path = '/', query = ''] = url.split('?');
    const resigned = await signer.sign(
      {
        method,
        protocol: 'http:',
        hostname: String(headers.host ?? '').replace(/:\d+$/, ''),
        path,
        query: Object.fromEntries(new URLSearchParams(query)),
        headers: Object.fromEntries(names.map((n) => [n, String(headers[n] ?? '')])),
        body,
      },
      { signingDate: date },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers['authorization']))?.[1];
    if (expected !== signature) throw new Error('the request signature does not match the one computed');
    return identity;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function callerIdentityXml(identity: StsIdentity): string {
  return `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${identity.arn}</Arn><UserId>${identity.userId}</UserId><Account>${identity.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
}
