package demo

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"sync"
)

// MoMo's sandbox user provisioning API, under /momo as the token endpoints
// are (the real one lives at https://sandbox.momodeveloper.mtn.com):
//
//	POST /momo/v1_0/apiuser               X-Reference-Id (UUID v4), {"providerCallbackHost": …} → 201
//	POST /momo/v1_0/apiuser/{id}/apikey   → 201 {"apiKey": …}
//	GET  /momo/v1_0/apiuser/{id}          → 200 {"providerCallbackHost", "targetEnvironment": "sandbox"}
//
// Each call carries a product's subscription key; API Management refuses a
// missing or unknown one with 401 before MoMo sees the request. An API
// user belongs to the product whose key created it: its id and key then
// open that product's token endpoint, as the demo's fixed API user does.
// MoMo's refusals are its {"code", "message"} (the codes of its error
// table: RESOURCE_ALREADY_EXIST, RESOURCE_NOT_FOUND); the text of the
// 400 for a reference id that is not a UUID v4 is the demo's own.

// maxSandboxUsers bounds the API users one server keeps, so that a demo
// left running stays small; past it, provisioning answers 500.
const maxSandboxUsers = 1024

// sandboxUser is one provisioned API user.
type sandboxUser struct {
	product      string // whose subscription key created it
	callbackHost string
	apiKey       string // "" until one is made
}

// sandboxUsers are the API users a server provisioned. Safe for
// concurrent use.
type sandboxUsers struct {
	mu    sync.Mutex
	users map[string]*sandboxUser
}

func newSandboxUsers() *sandboxUsers { return &sandboxUsers{users: map[string]*sandboxUser{}} }

// create adds user id; false when it exists (or the server is full: full
// is true).
func (s *sandboxUsers) create(id string, u sandboxUser) (ok, full bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.users[id]; dup {
		return false, false
	}
	if len(s.users) >= maxSandboxUsers {
		return false, true
	}
	s.users[id] = &u
	return true, false
}

// newKey gives user id a new API key, which replaces the one it had.
func (s *sandboxUsers) newKey(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return "", false
	}
	u.apiKey = hex.EncodeToString(randomBytes(16))
	return u.apiKey, true
}

// get returns a copy of user id.
func (s *sandboxUsers) get(id string) (sandboxUser, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return sandboxUser{}, false
	}
	return *u, true
}

// apimError is Azure API Management's own refusal, which MoMo's sandbox
// answers for a subscription key problem on its provisioning API.
func apimError(status int, text string) object {
	return object{{"statusCode", status}, {"message", text}}
}

// momoReason is MoMo's error body, {"code", "message"}.
func momoReason(code, text string) object { return object{{"code", code}, {"message", text}} }

// sandboxProduct checks the subscription key of a provisioning call and
// returns the product it belongs to; it answers 401 itself and returns ""
// for a missing or unknown key.
func sandboxProduct(x *exchange) string {
	key := x.r.Header.Get("Ocp-Apim-Subscription-Key")
	if key == "" {
		writeJSON(x.w, http.StatusUnauthorized, apimError(http.StatusUnauthorized, momoMissingKey))
		return ""
	}
	for product, k := range momoSubscriptionKeys() {
		if k == key {
			return product
		}
	}
	writeJSON(x.w, http.StatusUnauthorized, apimError(http.StatusUnauthorized, momoInvalidKey))
	return ""
}

// sandboxCreateUser is POST /v1_0/apiuser.
func (s *Server) sandboxCreateUser(x *exchange) {
	if x.r.Method != http.MethodPost {
		s.momoNotFound(x)
		return
	}
	product := sandboxProduct(x)
	if product == "" {
		return
	}
	id := x.r.Header.Get("X-Reference-Id")
	if !validUUIDv4(id) {
		writeJSON(x.w, http.StatusBadRequest, momoReason("BAD_REQUEST",
			"X-Reference-Id must be a UUID version 4"))
		return
	}
	if mt, _, err := mime.ParseMediaType(x.r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeJSON(x.w, http.StatusUnsupportedMediaType, momoReason("BAD_REQUEST",
			"the body must be application/json"))
		return
	}
	var body struct {
		Host *string `json:"providerCallbackHost"`
	}
	// Stricter than MoMo, which may ignore what it does not read: a
	// member beside providerCallbackHost means the request was built for
	// something else, and the demo says so.
	d := json.NewDecoder(bytes.NewReader(x.body))
	d.DisallowUnknownFields()
	if err := d.Decode(&body); err != nil || body.Host == nil || strings.TrimSpace(*body.Host) == "" {
		writeJSON(x.w, http.StatusBadRequest, momoReason("BAD_REQUEST",
			`the body must be {"providerCallbackHost": "…"}`))
		return
	}
	ok, full := s.sandbox.create(id, sandboxUser{product: product, callbackHost: *body.Host})
	switch {
	case full:
		writeJSON(x.w, http.StatusInternalServerError, momoReason("INTERNAL_PROCESSING_ERROR",
			"the demo server holds as many API users as it will"))
	case !ok:
		writeJSON(x.w, http.StatusConflict, momoReason("RESOURCE_ALREADY_EXIST",
			"Duplicated reference id. Creation of resource failed."))
	default:
		x.w.WriteHeader(http.StatusCreated)
	}
}

// sandboxUserCall is GET /v1_0/apiuser/{id} and POST
// /v1_0/apiuser/{id}/apikey.
func (s *Server) sandboxUserCall(x *exchange) {
	id, rest, _ := strings.Cut(x.r.PathValue("rest"), "/")
	apikey := rest == "apikey"
	switch {
	case rest != "" && !apikey,
		apikey && x.r.Method != http.MethodPost,
		!apikey && x.r.Method != http.MethodGet:
		s.momoNotFound(x)
		return
	}
	product := sandboxProduct(x)
	if product == "" {
		return
	}
	u, ok := s.sandbox.get(id)
	if !ok || u.product != product {
		// Another product's user is not found under this key either.
		writeJSON(x.w, http.StatusNotFound, momoReason("RESOURCE_NOT_FOUND", "Requested resource was not found."))
		return
	}
	if !apikey {
		writeJSON(x.w, http.StatusOK, object{{"providerCallbackHost", u.callbackHost}, {"targetEnvironment", "sandbox"}})
		return
	}
	if len(x.body) > 0 {
		writeJSON(x.w, http.StatusBadRequest, momoReason("BAD_REQUEST", "the apikey request takes no body"))
		return
	}
	key, _ := s.sandbox.newKey(id)
	writeJSON(x.w, http.StatusCreated, object{{"apiKey", key}})
}

// sandboxCredentials reports whether user and key are a provisioned API
// user of product and its current API key.
func (s *Server) sandboxCredentials(product, user, key string) (known, good bool) {
	u, ok := s.sandbox.get(user)
	if !ok || u.product != product {
		return false, false
	}
	return true, u.apiKey != "" && key == u.apiKey
}

// validUUIDv4 reports whether s is a UUID version 4 in canonical form.
func validUUIDv4(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return s[14] == '4' && strings.IndexByte("89abAB", s[19]) >= 0
}
