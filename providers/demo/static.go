package demo

import (
	"net/http"
)

// A static-key API (Paystack, Wave, Flutterwave v3): no token endpoint,
// the secret key itself is the Bearer on every call, and a wrong or
// missing one is refused in Paystack's words.

// staticKey is the demo's secret key, shaped like Paystack's test keys.
const staticKey = "sk_test_demo4f1c2b7e9a0d3c5e8f6a1b2c3d4e5f6a7b8c9d"

// staticBalance is GET /static/balance, Paystack's GET /balance.
func (s *Server) staticBalance(x *exchange) {
	if x.r.Method != http.MethodGet {
		writeJSON(x.w, http.StatusMethodNotAllowed, object{{"status", false}, {"message", "Method not allowed: use GET"}})
		return
	}
	key, ok := bearerToken(x.r)
	switch {
	case !ok:
		writeJSON(x.w, http.StatusUnauthorized, object{{"status", false}, {"message", "No Authorization header was found"}})
		return
	case key != staticKey:
		writeJSON(x.w, http.StatusUnauthorized, object{{"status", false}, {"message", "Invalid key"}})
		return
	}
	writeJSON(x.w, http.StatusOK, object{
		{"status", true},
		{"message", "Balances retrieved"},
		{"data", []object{{{"currency", "NGN"}, {"balance", 4200000}}}},
	})
}
