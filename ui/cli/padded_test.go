package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdPaddedServer starts a token server whose every answer carries N
// extra fields, for the rest of the script, and sets PADDED_URL:
//
//	paddedserver N
func cmdPaddedServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: paddedserver N")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	var b strings.Builder
	b.WriteString(`{"access_token":"padded-token","token_type":"Bearer","expires_in":3600`)
	for i := range n {
		fmt.Fprintf(&b, `,"f%d":"v"`, i)
	}
	b.WriteString("}")
	body := b.String()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	ts.Defer(srv.Close)
	ts.Setenv("PADDED_URL", srv.URL)
}
