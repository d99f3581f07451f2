// Package e2e holds tokenscope's end-to-end tests against a real
// third-party OAuth 2.0 server, the npm package oauth2-mock-server: the
// engine and the JWT package drive it over loopback as they would drive a
// provider. The tests live in package e2e_test; .ci/test installs the
// server and names its executable in TOKENSCOPE_OAUTH2_MOCK_SERVER.
package e2e
