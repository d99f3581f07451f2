// Package e2e holds tokenscope's end-to-end tests against real
// third-party OAuth 2.0 servers from the npm registry: oauth2-mock-server
// (client credentials, authorization code + PKCE, discovery) and panva's
// oidc-provider (discovery, the device grant with the test playing the
// person in the browser, client credentials and revocation). The engine
// and the JWT package drive them over loopback as they would drive a
// provider. The tests live in package e2e_test; .ci/test installs both
// servers and names them in TOKENSCOPE_OAUTH2_MOCK_SERVER (the
// executable) and TOKENSCOPE_OIDC_PROVIDER (the package's directory,
// which testdata/oidc-provider.mjs is run with).
package e2e
