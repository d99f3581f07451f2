// oidc-provider.mjs: panva's oidc-provider (npm) for tokenscope's
// end-to-end tests, on 127.0.0.1 on a port the system picks. Its one
// argument is the directory of the oidc-provider package (what
// TOKENSCOPE_OIDC_PROVIDER names). It prints "listening on URL" and
// "issuer is URL" once it accepts connections, and serves until killed.
//
// Three clients: a confidential one (client_secret_basic) for
// client_credentials and the device grant, a public one (auth method
// none) for the device grant, and a public native one for the
// authorization code grant with PKCE, redirected to the loopback on any
// port (RFC 8252 §7.3). Introspection and revocation are enabled;
// devInteractions (the package's own login and consent pages, which take
// any login) let the test approve a device code or a browser login as a
// person would.
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node oidc-provider.mjs OIDC_PROVIDER_PACKAGE_DIR');
  process.exit(2);
}
const { default: Provider } = await import(pathToFileURL(path.join(dir, 'lib', 'index.js')).href);

const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';
const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'tokenscope-e2e',
        client_secret: 'tokenscope-e2e-secret-0123456789abcdef',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials', DEVICE, 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: 'tokenscope-e2e-public',
        token_endpoint_auth_method: 'none',
        grant_types: [DEVICE, 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: 'tokenscope-e2e-native',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/callback'],
      },
    ],
    features: {
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: true },
    },
    scopes: ['openid', 'offline_access', 'api:read'],
    findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    // A refresh token for the device grant and the code grant when
    // offline_access is granted.
    issueRefreshToken: async (ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  });
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  server.on('request', provider.callback());
  console.log(`listening on ${issuer}`);
  console.log(`issuer is ${issuer}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
