package demo

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The Vodacom / Vodafone M-Pesa OpenAPI, as its getSession call behaves:
// a GET whose Bearer is the API key encrypted to the market's public key
// (RSA PKCS #1 v1.5, base64), with an Origin header; the answer's
// output_SessionID is the session, with no lifetime, and every API call
// presents the session encrypted to the same key. Errors are
// {"output_ResponseCode": "INS-…", "output_ResponseDesc": …}.

const (
	dialectVodacom = "vodacom"
	vodacomAPIKey  = "demo-vodacom-api-key-0f3c9a"
)

// vodacomMarkets are the markets the demo's getSession answers for.
var vodacomMarkets = []string{"vodacomTZN", "vodacomDRC", "vodacomMOZ", "vodafoneGHA", "vodacomLES"}

// vodacomPrivateKey is the demo's market key pair (2048 bits, made for
// the demo and good for nothing else); VodacomPublicKey is its public
// half as the portal shows it, base64 DER on one line.
const vodacomPrivateKey = `-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA0pwJT6JEpGuao4fD183SQ08pUpomnUb4Y5ORXEfmOoY8FQRW
7zQKBZ6FDKp65ZA9hYWQIc4Gx8ml4/zE6B5FuuWDKdHHmbnS1UoREiUNNrG8kNtJ
ScRHvl5u5FLsAmHNYpc4xxb+mwfUe1dPXAAX8+7nOC8WroNzGSjvdGpxI/sJA+kB
XdYcasraxHqd9dhkoVIJ5v+R6SdOFMpFBjQ2dMlwvcbirS/BTeAGD0HstBZwdboF
/Gk/Cjt21cwQi1wiqzaMKVXucJIU9WM/0BN2Dss9jJmx+jXb9dsnoy3a1O/YW3dU
lU2DDkOSRgecxVmOafFO2eShNlH5Obzh7T5NCwIDAQABAoIBAD2xaoLSwDO/t4Eu
rF4jUvPXlP223RfWKb2VhQ+YmibLmn73kfWo80SZHlVK/QwQ+AyMRt+4J8FPXtJN
gWqTL47jW0wdQNBVoB5Nf3mms9uxLdDrA2lh3zgzFl24spyyBIVcUcvz/unv3byx
ozQKbPnOIhoRpR3CsK0OkjIyWekVQE/J/yGmaJIV8afzdOk8fb3nQTGJ5mEhMkAw
EJuOzKICNDgvzxbbLiD+5Yth8csD9LpuU5cDRQ8ramu2ra6a8FUGF4m2YpKXmgAD
/SvV3PHRPxiO+KRcfBTcez2zWy9yrr7IDSusVHxBsAdnlzqztbuZxPt5j8aNfuVE
BeaRlLECgYEA9vn5aAEqmZdgfp5woG0pnRJjiuWh1mOST1CZreO/V7Z9/4j/Bbqe
yCtJySYrVUbiUjaNDPhokrXQn6RgECqN26as6SH2A+qdqGgkJv7nJm9uqyiqAWab
DSnmuJixqHBl/Y0ZR2SfObi1UJButPM1omElZummMDlrZq+wzJWRe1ECgYEA2k3p
/G7U8K4jGBgusLip4sbP8bWuhHey/nfGkOKuy4scNoiH/2xTQjjnG6ENZrvuNmQ0
2Me+Skw8kshM2iY+Qm5TZUbWWQSYej0W6nd7H8zwNlPhRZkkzMPhLTJV8KdIQ3rw
cc6THu1yTXTSEjqpUfvGWBwb6dyzFGmk4Yw/s5sCgYAkTU/0kp9RXifH1MAXRJRm
SwqoouIr4gzibaV5Is3ANcnFYryhefHW2E4LK/oYmcewb+ZBrs2oKuNUY9Pe7HJX
g+NMjTpdDwJHe688sCEHzD9HFz4N4KgPwkXwgjky2fqTz0aU8NxanqTAB8rN/CW5
DXBy9QsBcZ8ww8hH+gAdUQKBgQCQltBmiMXzD3NhDwtFs1maQVITZuFLDbj5QD29
UtaxK9co628gJxBSKTwxGY+1vr19OwuhlVKdBTeNhKsaRgAwocAMsUlhNmEDfZjC
/RYIrwVfBlmLbm5oTUjEVbWEKlf7kd7VkhvxfRWa5cgJmN7y1Q6+5wc58xqNZ5d0
aB79BwKBgEMH1n+ZrDBdd56KrYVUvoIE6Llqo51PeNvOqAd7eRcXj1utrWl5Y79M
3q6C2u67SIXkvmw6npwFoP3Q5tP4LP4TMuMCJqOURBSjqLhkoCfe7A83tu/GY4kX
m2TMqtSyMjwxXL0xy0ZT/xtttaiVMCb4zPa+/cosyija+q9qH0Ga
-----END RSA PRIVATE KEY-----
`

// VodacomPublicKey is the demo market's public key, base64 DER, as the
// M-Pesa OpenAPI portal shows one.
const VodacomPublicKey = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0pwJT6JEpGuao4fD183SQ08pUpomnUb4Y5ORXEfmOoY8FQRW7zQKBZ6FDKp65ZA9hYWQIc4Gx8ml4/zE6B5FuuWDKdHHmbnS1UoREiUNNrG8kNtJScRHvl5u5FLsAmHNYpc4xxb+mwfUe1dPXAAX8+7nOC8WroNzGSjvdGpxI/sJA+kBXdYcasraxHqd9dhkoVIJ5v+R6SdOFMpFBjQ2dMlwvcbirS/BTeAGD0HstBZwdboF/Gk/Cjt21cwQi1wiqzaMKVXucJIU9WM/0BN2Dss9jJmx+jXb9dsnoy3a1O/YW3dUlU2DDkOSRgecxVmOafFO2eShNlH5Obzh7T5NCwIDAQAB"

// vodacomKey is the demo market's private key.
func vodacomKey() *rsa.PrivateKey {
	b, _ := pem.Decode([]byte(vodacomPrivateKey))
	k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
	if err != nil {
		panic("demo: the Vodacom key does not parse: " + err.Error()) // a constant: the tests catch it
	}
	return k
}

// vodacomError is the body of an OpenAPI error.
func vodacomError(code, desc string) object {
	return object{{"output_ResponseCode", code}, {"output_ResponseDesc", desc}}
}

// vodacomDecrypt reads a Bearer header as the OpenAPI does: base64 of a
// value encrypted to the market's key with PKCS #1 v1.5 padding. ok is
// false for a missing header, a value that is not base64, one of the
// wrong length or one whose padding is not PKCS #1 v1.5 (an unencrypted
// key, or one encrypted with OAEP).
func (s *Server) vodacomDecrypt(r *http.Request) (string, bool) {
	v, ok := bearerToken(r)
	if !ok {
		return "", false
	}
	c, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(c) != s.vodacom.Size() {
		return "", false
	}
	//lint:ignore SA1019 the M-Pesa OpenAPI decrypts PKCS #1 v1.5, which the demo must speak
	p, err := rsa.DecryptPKCS1v15(nil, s.vodacom, c)
	if err != nil {
		return "", false
	}
	return string(p), true
}

// vodacomRequest checks what every OpenAPI call needs: GET, an Origin
// header and a known market. It answers the refusal itself.
func vodacomRequest(x *exchange) bool {
	switch {
	case x.r.PathValue("env") != "sandbox" && x.r.PathValue("env") != "openapi":
		http.NotFound(x.w, x.r)
	case x.r.Method != http.MethodGet:
		writeJSON(x.w, http.StatusMethodNotAllowed, vodacomError("INS-995", "Method "+x.r.Method+" not allowed: use GET"))
	case x.r.Header.Get("Origin") == "":
		writeJSON(x.w, http.StatusBadRequest, vodacomError("INS-996", "Missing Origin header"))
	case !slices.Contains(vodacomMarkets, x.r.PathValue("market")):
		writeJSON(x.w, http.StatusBadRequest, vodacomError("INS-998", "Invalid Market"))
	default:
		return true
	}
	return false
}

// vodacomSession is GET /vodacom/{env}/ipg/v2/{market}/getSession/. The
// session lasts the demo's base lifetime, which the answer does not say.
func (s *Server) vodacomSession(x *exchange) {
	if !vodacomRequest(x) {
		return
	}
	key, ok := s.vodacomDecrypt(x.r)
	if !ok || key != vodacomAPIKey {
		writeJSON(x.w, http.StatusUnauthorized, vodacomError("INS-2001", "Invalid API Key: "+
			"send the API key encrypted to the market's public key (RSA PKCS #1 v1.5), base64"))
		return
	}
	session := strings.ToLower(opaque(32))
	life := s.lifetime(1, 1)
	s.store.issue(session, grant{dialect: dialectVodacom, clientID: x.r.PathValue("market"), subject: x.r.PathValue("market"),
		expires: x.now.Add(life)}, x.now)
	writeJSON(x.w, http.StatusOK, object{
		{"output_ResponseCode", "INS-0"},
		{"output_ResponseDesc", "Request processed successfully"},
		{"output_SessionID", session},
	})
}

// vodacomQuery is GET /vodacom/{env}/ipg/v2/{market}/queryTransactionStatus/,
// an API call: its Bearer is the session encrypted to the market's key,
// never the session itself.
func (s *Server) vodacomQuery(x *exchange) {
	if !vodacomRequest(x) {
		return
	}
	session, ok := s.vodacomDecrypt(x.r)
	if !ok {
		writeJSON(x.w, http.StatusUnauthorized, vodacomError("INS-2002", "Invalid session: "+
			"present the session encrypted to the market's public key, not the session itself"))
		return
	}
	g, verdict := s.store.check(dialectVodacom, session, x.now)
	switch {
	case verdict == tokenExpired:
		writeJSON(x.w, http.StatusUnauthorized, vodacomError("INS-2006", "Session expired"))
		return
	case verdict != tokenValid || g.clientID != x.r.PathValue("market"):
		writeJSON(x.w, http.StatusUnauthorized, vodacomError("INS-2002", "Invalid session"))
		return
	}
	writeJSON(x.w, http.StatusOK, object{
		{"output_ResponseCode", "INS-0"},
		{"output_ResponseDesc", "Request processed successfully"},
		{"output_ResponseTransactionStatus", "Completed"},
		{"output_ConversationID", strings.ReplaceAll(uuid(), "-", "")},
		{"output_ThirdPartyConversationID", "demo"},
		{"output_Market", x.r.PathValue("market")},
		{"output_CheckedAt", x.now.UTC().Format(time.RFC3339)},
	})
}
