package cli

import (
	"strings"
	"testing"
)

func TestRenameVars(t *testing.T) {
	names := map[string]string{"CLIENT_SECRET": "MOMO_CLIENT_SECRET", "OCP_APIM_SUBSCRIPTION_KEY": "MOMO_HEADER_OCP_APIM_SUBSCRIPTION_KEY"}
	for _, c := range []struct{ in, want string }{
		{`curl -u "app:$CLIENT_SECRET"`, `curl -u "app:$MOMO_CLIENT_SECRET"`},
		{`--data-urlencode "client_secret=${CLIENT_SECRET}x"`, `--data-urlencode "client_secret=${MOMO_CLIENT_SECRET}x"`},
		{`-H "Ocp-Apim-Subscription-Key: $OCP_APIM_SUBSCRIPTION_KEY"`, `-H "Ocp-Apim-Subscription-Key: $MOMO_HEADER_OCP_APIM_SUBSCRIPTION_KEY"`},
		// Single quotes are literal: a client id of "$CLIENT_SECRET" stays.
		{`-u '$CLIENT_SECRET:'"$CLIENT_SECRET"`, `-u '$CLIENT_SECRET:'"$MOMO_CLIENT_SECRET"`},
		{`'it'\''s $CLIENT_SECRET' $CLIENT_SECRET`, `'it'\''s $CLIENT_SECRET' $MOMO_CLIENT_SECRET`},
		{"--data-raw 'a\n$CLIENT_SECRET' \\\n  $CLIENT_SECRETS", "--data-raw 'a\n$CLIENT_SECRET' \\\n  $CLIENT_SECRETS"},
		{`\$CLIENT_SECRET $PASSWORD $`, `\$CLIENT_SECRET $PASSWORD $`},
		{"# RFC 6749 §2.3.1: set CLIENT_SECRET to the form-encoded secret\ncurl", "# RFC 6749 §2.3.1: set MOMO_CLIENT_SECRET to the form-encoded secret\ncurl"},
	} {
		if got := renameVars(c.in, names); got != c.want {
			t.Errorf("renameVars(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// FuzzRenameVars checks that renaming never panics, leaves a line without
// a reference alone, and with no names changes nothing.
func FuzzRenameVars(f *testing.F) {
	f.Add(`curl -u "app:$CLIENT_SECRET" '$CLIENT_SECRET' ${CLIENT_SECRET}`)
	f.Add("# set CLIENT_SECRET\n'a\nb' $CLIENT_SECRET \\$x ${")
	f.Fuzz(func(t *testing.T, s string) {
		if got := renameVars(s, nil); got != s {
			t.Fatalf("no names changed %q to %q", s, got)
		}
		got := renameVars(s, map[string]string{"CLIENT_SECRET": "X_CLIENT_SECRET"})
		if !strings.Contains(s, "CLIENT_SECRET") && got != s {
			t.Fatalf("%q changed to %q", s, got)
		}
	})
}
