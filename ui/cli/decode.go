package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/jwt"
)

// maxTokenInput caps the token decode reads from standard input.
const maxTokenInput = 1 << 20

// cmdDecode is "tokenscope decode [TOKEN|-]".
func (a *app) cmdDecode(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	asJSON := fs.Bool("json", false, "print the header, claims, times and warnings as JSON")
	pos, err := a.parse(cmd, fs, args, 0, 1)
	if err != nil {
		return err
	}
	raw, err := a.tokenInput(ctx, pos)
	if err != nil {
		return err
	}
	j, err := jwt.Parse(raw)
	switch {
	case errors.Is(err, jwt.ErrOpaque):
		return withHint(errors.New("the token is opaque, not a JWT: it has no header or claims to decode"),
			"only its issuer can tell what it means: run tokenscope token NAME --json to see what the provider said about it")
	case err != nil:
		return withHint(fmt.Errorf("decode: %w", err), "check that the whole token was copied")
	}
	now := time.Now()
	view := newJWTView(j, now, time.Time{})
	if *asJSON {
		return writeJSON(a.stdout, view)
	}
	if err := writeJWT(a.stdout, j, now); err != nil {
		return err
	}
	for _, w := range view.Warnings {
		a.warnf("%s", w.Message)
	}
	return nil
}

// tokenInput is the token to decode: the argument, or standard input for
// "-" or no argument (a prompt without echo when it is a terminal). An
// "Authorization: Bearer " prefix is dropped, so header's output decodes.
func (a *app) tokenInput(ctx context.Context, pos []string) (string, error) {
	var raw string
	switch {
	case len(pos) == 1 && pos[0] != "-":
		// Accepted as the synopsis promises, with a word on where it went:
		// a live bearer token in argv is in the shell history and in ps.
		raw = pos[0]
		a.warnf("a token given as an argument stays in your shell history: pipe it in instead (… | tokenscope decode)")
	case len(pos) == 0 && a.interactive():
		b, err := a.readSecret(ctx, "Paste the token:")
		if err != nil {
			return "", err
		}
		raw = string(b)
	default:
		b, err := io.ReadAll(io.LimitReader(a.stdinFor(ctx), maxTokenInput+1))
		if err != nil {
			return "", fmt.Errorf("read the token from standard input: %w", err)
		}
		if len(b) > maxTokenInput {
			return "", errors.New("standard input holds more than 1 MiB: that is not a token")
		}
		raw = string(b)
	}
	raw = strings.TrimSpace(raw)
	if k, v, ok := strings.Cut(raw, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "authorization") {
		raw = strings.TrimSpace(v)
	}
	if len(raw) > 7 && strings.EqualFold(raw[:7], "bearer ") {
		raw = strings.TrimSpace(raw[7:])
	}
	if raw == "" {
		return "", withHint(errors.New("no token to decode"), "pass the token, or pipe it in: tokenscope token NAME | tokenscope decode")
	}
	return raw, nil
}

// writeJWT writes the header and claims as aligned "key value" lines,
// each time claim followed by the local time and how far away it is.
func writeJWT(w io.Writer, j *jwt.JWT, now time.Time) error {
	times := map[string]time.Time{}
	for _, t := range j.Times() {
		times[t.Claim] = t.At
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "header")
	for _, f := range j.Header {
		fmt.Fprintf(tw, "  %s\t%s\n", display.Text(f.Key), display.JSON(f.Value))
	}
	fmt.Fprintln(tw, "claims")
	for _, f := range j.Claims {
		v := display.JSON(f.Value)
		if at, ok := times[f.Key]; ok {
			v += fmt.Sprintf("  %s (%s)", display.Time(at), display.Relative(now, at))
		}
		fmt.Fprintf(tw, "  %s\t%s\n", display.Text(f.Key), v)
	}
	fmt.Fprintln(tw, "signature")
	fmt.Fprintf(tw, "  %s\t%s\n", jwt.VerdictUnchecked,
		"decode does not verify: tokenscope token NAME --json checks it against the provider's jwks_url")
	return tw.Flush()
}
