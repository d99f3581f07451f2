package oauth

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

func TestDarajaAndVodacomErrorsInTheServersWords(t *testing.T) {
	keySecret := "check client_id and client_secret: Daraja wants the app's consumer key and consumer secret"
	for _, tc := range []struct {
		name       string
		status     int
		body       string
		code, desc string
		id         string
		hint       string // its start
		line       string // its start
	}{
		{"daraja wrong key", 400, `{"requestId":"16813-1590513-1","errorCode":"400.008.01","errorMessage":"Invalid Authentication passed"}`,
			"400.008.01", "Invalid Authentication passed", "16813-1590513-1", keySecret,
			"fetch token for d: HTTP 400 Bad Request: 400.008.01: Invalid Authentication passed (GET http://"},
		{"daraja other 400.008", 400, `{"requestId":"r-2","errorCode":"400.008.03","errorMessage":"Invalid Basic Auth"}`,
			"400.008.03", "Invalid Basic Auth", "r-2", keySecret, "fetch token for d: HTTP 400 Bad Request: 400.008.03: Invalid Basic Auth"},
		{"daraja grant", 400, `{"requestId":"r-3","errorCode":"400.008.02","errorMessage":"Invalid grant type passed"}`,
			"400.008.02", "Invalid grant type passed", "r-3", "check grant_type: Daraja wants grant_type=client_credentials", ""},
		{"daraja 500", 500, `{"requestId":"r-4","errorCode":"500.001.1001","errorMessage":"Server busy"}`,
			"500.001.1001", "Server busy", "r-4", "Daraja failed on its side", ""},
		{"vodacom 401", 401, `{"output_ResponseCode":"INS-2001","output_ResponseDesc":"Initiator authentication error."}`,
			"INS-2001", "Initiator authentication error.", "", "check the API key and the market's public key",
			"fetch token for d: HTTP 401 Unauthorized: INS-2001: Initiator authentication error."},
		{"vodacom 200 refusal", 200, `{"output_ResponseCode":"INS-6","output_ResponseDesc":"Transaction Failed","output_ConversationID":"c-9"}`,
			"INS-6", "Transaction Failed", "c-9", "", "fetch token for d: HTTP 200 OK: INS-6: Transaction Failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, answer(tc.status, tc.body))
			p := shaped(t, providers.Provider{Name: "d", TokenURL: srv.URL() + "/oauth/v1/generate?grant_type=client_credentials",
				TokenMethod: providers.MethodGET, ClientID: "consumer-key", ClientSecret: testSecret, TokenField: "output_SessionID"})
			e := fetchErr(t, NewClient(Options{MaxRetries: -1}), p)
			if e.Code != tc.code || e.Description != tc.desc || e.RequestID != tc.id {
				t.Errorf("code %q desc %q id %q", e.Code, e.Description, e.RequestID)
			}
			if !strings.HasPrefix(e.Hint, tc.hint) || (tc.hint == "" && e.Hint != "" && tc.status == 200) {
				t.Errorf("hint %q, want %q…", e.Hint, tc.hint)
			}
			line := e.Error()
			if !strings.HasPrefix(line, tc.line) || (tc.id != "" && !strings.Contains(line, "request id "+tc.id)) {
				t.Errorf("line %q, want %q… with the request id", line, tc.line)
			}
		})
	}
}

func TestVodacomINS0IsSuccess(t *testing.T) {
	srv := serve(t, answer(200, `{"output_ResponseCode":"INS-0","output_ResponseDesc":"Request processed successfully","output_SessionID":"sess-1"}`))
	p := shaped(t, providers.Provider{Name: "v", TokenURL: srv.URL() + "/getSession/", TokenMethod: providers.MethodGET,
		ClientID: "c", TokenField: "output_SessionID"})
	tok, err := testClient(nil).Fetch(context.Background(), p)
	if err != nil || tok.AccessToken != "sess-1" {
		t.Fatalf("Fetch = %v, %v", tok, err)
	}
	// INS-0 without the session is not a token, and not a refusal either.
	srv = serve(t, answer(200, `{"output_ResponseCode":"INS-0","output_ResponseDesc":"Request processed successfully"}`))
	p.TokenURL = srv.URL() + "/getSession/"
	e := fetchErr(t, testClient(nil), p)
	if !strings.Contains(e.Error(), "token response has no output_SessionID") || e.Code != "" {
		t.Errorf("err %v, code %q", e, e.Code)
	}
}

func TestDarajaCodesNeedTheirShape(t *testing.T) {
	for _, code := range []string{"400.008", "400.008.01.1", "4000.008.01", "a00.008.01", "INS-2001"} {
		if h := darajaHint(opFetch, code); h != "" {
			t.Errorf("%q: hint %q", code, h)
		}
	}
	for _, code := range []string{"INS-", "INS-x", "INS2001", "ins-"} {
		if vodacomCode(code) {
			t.Errorf("%q counted as a Vodacom code", code)
		}
	}
}

// FuzzErrorShapes: a 2xx body that refusedIn2xx calls a refusal becomes an
// error in its own code, whatever else it holds; INS-0 never does; and
// every error stays one line without a secret, its request id short.
func FuzzErrorShapes(f *testing.F) {
	for _, s := range []string{
		`{"requestId":"1","errorCode":"400.008.01","errorMessage":"Invalid Authentication passed"}`,
		`{"output_ResponseCode":"INS-0","output_SessionID":"s"}`,
		`{"output_ResponseCode":"INS-2001","output_ResponseDesc":"x","access_token":"t"}`,
		`{"output_ResponseCode":"ins-10","output_ConversationID":"` + testSecret + `"}`,
		`{"requestId":"` + strings.Repeat("r", 300) + `","errorCode":"500.001.1001"}`,
		`{"error":{"output_ResponseCode":"INS-1"}}`,
	} {
		f.Add([]byte(s), 200)
	}
	p := providers.Provider{Name: "d", ClientID: "c", ClientSecret: testSecret, TokenField: "output_SessionID"}
	red := newRedactor(p)
	rq := &request{method: "GET", url: "https://sandbox.example/oauth/v1/generate?grant_type=client_credentials"}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		resp := &response{status: status, header: http.Header{}, body: body, attempts: 1}
		e := responseError(opFetch, p, rq, resp, red)
		line := e.Error()
		if strings.ContainsAny(line, "\n\r") || strings.Contains(line, testSecret) || strings.Contains(e.RequestID, testSecret) {
			t.Fatalf("line %q", line)
		}
		if len([]rune(e.RequestID)) > 81 {
			t.Fatalf("request id of %d characters", len([]rune(e.RequestID)))
		}
		if refusedIn2xx(body) {
			if !vodacomCode(e.Code) || strings.EqualFold(e.Code, "INS-0") {
				t.Fatalf("a refusal with code %q", e.Code)
			}
		}
		if w, ok := serverWords(body); ok && strings.EqualFold(w.code, "INS-0") && refusedIn2xx(body) {
			t.Fatal("INS-0 counted as a refusal")
		}
	})
}
