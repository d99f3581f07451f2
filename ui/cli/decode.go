package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/jwt"
)

// maxTokenInput caps the token decode reads from standard input.
const maxTokenInput = 1 << 20

// cmdDecode is "tokenscope decode [TOKEN|-]": the token's header, claims
// and times, its signature checked with --jwks or --provider, and with
// --check a failure for each reason not to trust it.
func (a *app) cmdDecode(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	asJSON := fs.Bool("json", false, "print the header, claims, times and warnings as JSON")
	check := fs.Bool("check", false, "exit 1 when the token is expired, not yet valid, unsigned, or its signature is not verified")
	jwksURL := fs.String("jwks", "", "verify the signature against the JWKS at `URL`")
	provider := fs.String("provider", "", "verify the signature against the jwks_url of provider `NAME`")
	pos, err := a.parse(cmd, fs, args, 0, 1)
	if err != nil {
		return err
	}
	if *jwksURL != "" && *provider != "" {
		return &usageError{cmd: cmd.name, msg: "decode: --jwks and --provider cannot be used together",
			hint: "--provider NAME uses NAME's jwks_url; give one or the other"}
	}
	if *jwksURL != "" {
		if u, err := url.Parse(*jwksURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return &usageError{cmd: cmd.name, msg: "decode: --jwks " + quote(*jwksURL) + " is not an http or https URL"}
		}
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
	if unsigned(j) {
		view.Warnings = append(view.Warnings, warningView{Code: warnUnsigned,
			Message: `the token is unsigned (alg "none"): anyone can have written it, never accept it`})
	}
	verify := *jwksURL != "" || *provider != ""
	var status jwt.Status
	switch {
	case verify:
		s, err := a.verifyWith(ctx, *jwksURL, *provider, j)
		if err != nil {
			return err
		}
		view.Signature = s
		status = s.status
	case unsigned(j):
		// Verify refuses alg "none" before it needs a key set.
		st, reason := jwt.Verify(ctx, nil, "", j.Raw)
		view.Signature = newSignatureView(st, reason)
		status = st
	}
	if *asJSON {
		if err := writeJSON(a.stdout, view); err != nil {
			return err
		}
	} else if err := writeJWT(a.stdout, j, now, view.Signature); err != nil {
		return err
	}
	var failed []string
	for _, w := range view.Warnings {
		if *check && checkFails(w.Code) {
			failed = append(failed, "decode --check: "+w.Message)
			continue
		}
		a.warnf("%s", w.Message)
	}
	if !*check || !verify || status == jwt.StatusUnsigned {
		// Unsigned is reported once, by its warning.
		return checkResult(failed)
	}
	switch status.Verdict() {
	case jwt.VerdictFailed:
		failed = append(failed, "decode --check: the signature is not valid: "+view.Signature.Reason)
	case jwt.VerdictUnchecked:
		failed = append(failed, "decode --check: the signature could not be checked: "+view.Signature.Reason)
	}
	return checkResult(failed)
}

// warnUnsigned is the warning code of an alg "none" token.
const warnUnsigned = "unsigned"

// unsigned says whether j claims no signature at all, as Verify reads it.
func unsigned(j *jwt.JWT) bool { return strings.EqualFold(j.Alg(), "none") }

// checkFails says whether a warning fails decode --check: a token past its
// exp, before its nbf, unsigned, or whose times cannot be read (so that
// nobody can say it is not expired).
func checkFails(code string) bool {
	switch code {
	case jwt.WarnExpired, jwt.WarnNotYetValid, jwt.WarnBadTimeClaim, warnUnsigned:
		return true
	}
	return false
}

// checkResult is decode --check's outcome: nil, or every cause, each on a
// line of its own.
func checkResult(failed []string) error {
	if len(failed) == 0 {
		return nil
	}
	return &linesError{lines: failed}
}

// verifyWith checks j's signature against the JWKS at jwksURL, or against
// provider's jwks_url, fetched as that provider's own requests are
// (its TLS setting, timeout and proxy).
func (a *app) verifyWith(ctx context.Context, jwksURL, provider string, j *jwt.JWT) (*signatureView, error) {
	client := a.client(false)
	p := providers.Provider{}
	if provider != "" {
		v, found, _, err := a.provider(ctx, provider)
		if err != nil {
			return nil, err
		}
		if found.Issuer != "" && found.JWKSURL == "" {
			r, _, err := client.Resolve(ctx, v, found.Name)
			if err != nil {
				return nil, err
			}
			a.noteDiscovery(found.Name, r)
			found = r.Provider
		}
		p, jwksURL = found, found.JWKSURL
		if jwksURL == "" {
			return nil, withHint(fmt.Errorf("%s has no jwks_url to verify the token against", found.Name),
				"pass the JWKS yourself: tokenscope decode --jwks URL")
		}
	}
	status, reason := jwt.Verify(ctx, client.JWKSClient(p), jwksURL, j.Raw)
	return newSignatureView(status, reason), nil
}

func newSignatureView(status jwt.Status, reason string) *signatureView {
	return &signatureView{Status: string(status.Verdict()), Code: status.String(), Reason: reason, status: status}
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
// each time claim followed by the local time and how far away it is, then
// the signature's verdict (sig nil: not checked).
func writeJWT(w io.Writer, j *jwt.JWT, now time.Time, sig *signatureView) error {
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
	if sig == nil {
		fmt.Fprintf(tw, "  %s\t%s\n", jwt.VerdictUnchecked,
			"decode does not verify without --jwks URL or --provider NAME (its jwks_url)")
	} else {
		fmt.Fprintf(tw, "  %s\t%s\n", sig.Status, display.Text(sig.Reason))
	}
	return tw.Flush()
}
