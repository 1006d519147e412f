export { CookieJar } from './cookie-jar.js';
export { GateClient, type GateAuth, type GateClientOptions, type PipelineConfig } from './gate-client.js';
export { GateError, GateStaleError, serverMessage } from './gate-error.js';
export { gateTransport, type GateFetch, type GateRequestInit, type GateTlsOptions } from './transport.js';
