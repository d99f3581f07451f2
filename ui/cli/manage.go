package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/config"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/lifetime"
)

// listRow is one provider as list shows it; the JSON names are stable.
type listRow struct {
	Name      string     `json:"name"`
	Preset    string     `json:"preset"`
	Product   string     `json:"product,omitempty"`
	Status    string     `json:"status"`
	ExpiresAt *time.Time `json:"expires_at"`
	// ExpiresIn is the number of seconds left, negative once expired; null
	// when there is no token or its expiry is unknown.
	ExpiresIn *int64 `json:"expires_in"`
	Insecure  bool   `json:"insecure,omitempty"`
	LastError string `json:"last_error,omitempty"`
}

// The statuses list reports.
const (
	statusValid    = "valid"
	statusExpiring = "expiring"
	statusExpired  = "expired"
	statusNoToken  = "no token"
	statusFailed   = "failed"
)

// row judges one entry at now, with the explorer's notion of expiring.
func row(e store.Entry, now time.Time) listRow {
	r := listRow{Name: e.Provider.Name, Preset: e.Provider.Preset, Product: e.Provider.Product, Insecure: e.Provider.Insecure}
	var last providers.Event
	if n := len(e.History); n > 0 {
		last = e.History[n-1]
	}
	if last.Kind == providers.EventFailed {
		r.LastError = last.Detail
	}
	tok := e.Token
	switch {
	case tok == nil || tok.AccessToken == "":
		r.Status = statusNoToken
		if last.Kind == providers.EventFailed {
			r.Status = statusFailed
		}
		return r
	case tok.ExpiresAt.IsZero():
		r.Status = statusValid
		return r
	}
	at := tok.ExpiresAt
	left := int64(at.Sub(now).Round(time.Second) / time.Second)
	r.ExpiresAt, r.ExpiresIn = &at, &left
	switch (lifetime.Span{Issued: tok.IssuedAt, Expires: at}).Level(now) {
	case lifetime.Expired:
		r.Status = statusExpired
	case lifetime.Warning, lifetime.Danger:
		r.Status = statusExpiring
	default:
		r.Status = statusValid
	}
	return r
}

// cmdList is "tokenscope list [--json] [--sort ORDER] [--failing]".
func (a *app) cmdList(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	sortBy := fs.String("sort", "", "order the providers by `ORDER`: name, expiry (soonest first) or status (worst first)")
	failing := fs.Bool("failing", false, "list only the providers whose last fetch or refresh failed")
	if _, err := a.parse(cmd, fs, args, 0, 0); err != nil {
		return err
	}
	if err := checkListSort(cmd.name, *sortBy); err != nil {
		return err
	}
	v, err := a.unlock(ctx)
	if err != nil {
		return err
	}
	pl, err := v.Load()
	if err != nil {
		return err
	}
	now := time.Now()
	rows := make([]listRow, 0, len(pl.Providers))
	for _, e := range pl.Providers {
		rows = append(rows, row(e, now))
		a.warnInsecure(e.Provider)
	}
	all := len(rows)
	rows = orderRows(rows, *sortBy, *failing)
	if *asJSON {
		return writeJSON(a.stdout, rows)
	}
	switch {
	case all == 0:
		a.printf("no providers yet: add one with tokenscope add NAME --preset PRESET, or tokenscope import FILE")
		return nil
	case len(rows) == 0:
		a.printf("no provider is failing: the last fetch or refresh of each of the %d succeeded", all)
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPRESET\tSTATUS\tEXPIRES")
	for _, r := range rows {
		preset := r.Preset
		if r.Product != "" {
			preset += "/" + r.Product
		}
		expires := "-"
		switch {
		case r.ExpiresAt != nil:
			expires = display.Relative(now, *r.ExpiresAt)
		case r.Status == statusValid:
			expires = "unknown"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", display.Text(r.Name), display.Text(preset), r.Status, expires)
	}
	return tw.Flush()
}

// cmdRemove is "tokenscope remove NAME".
func (a *app) cmdRemove(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	v, err := a.unlock(ctx)
	if err != nil {
		return err
	}
	if err := v.RemoveProvider(pos[0]); err != nil {
		return err
	}
	a.printf("removed %s", pos[0])
	return nil
}

// cmdImport is "tokenscope import FILE": every provider of the file in one
// save, or none of them. An interrupt before the save began imports
// nothing, and says so.
func (a *app) cmdImport(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	r := a.stdinFor(ctx)
	name := "standard input"
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		r, name = f, pos[0]
	}
	ps, err := config.Parse(r, func(k string) (string, bool) {
		s := a.getenv(k)
		return s, s != ""
	})
	if stopped(ctx, err) {
		return nothingImported
	}
	if err != nil {
		return importError(name, pos[0], err)
	}
	v, err := a.unlock(ctx)
	if stopped(ctx, err) {
		return nothingImported
	}
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		a.printf("%s defines no providers", name)
		return nil
	}
	replaced, err := v.PutProviders(ctx, ps)
	switch {
	case err != nil && stopped(ctx, err):
		return nothingImported
	case err != nil:
		return fmt.Errorf("%s: nothing was imported: %w", name, err)
	}
	for i, p := range ps {
		verb := "added"
		if replaced[i] {
			verb = "replaced"
		}
		a.printf("%s %s (%s)", verb, p.Name, p.Preset)
		a.warnInsecure(p)
	}
	if ctx.Err() != nil {
		return &interruptError{outcome: fmt.Sprintf("the save had begun: all %d providers were imported", len(ps))}
	}
	return nil
}

// importError is the error for a file import refused: every mistake,
// and when variables the file refers to are unset, all of them as export
// lines to paste.
func importError(name, arg string, err error) error {
	err = fmt.Errorf("%s: %w", name, err)
	vars := config.MissingVars(err)
	if len(vars) == 0 {
		return withHint(err, "fix the file, and set the environment variables it refers to")
	}
	he := &hintError{err: err}
	if !onlyUnset(err) {
		he.hints = append(he.hints, "fix the file")
	}
	what := "the variable"
	if len(vars) > 1 {
		what = fmt.Sprintf("the %d variables", len(vars))
	}
	again := "tokenscope import " + arg
	if arg == "-" {
		again = "the import"
	}
	he.hints = append(he.hints, fmt.Sprintf("set %s the file refers to, then run %s again:", what, again))
	for _, v := range vars {
		he.paste = append(he.paste, "export "+v+"=…")
	}
	return he
}

// onlyUnset reports whether every error in err's tree is an unset
// variable.
func onlyUnset(err error) bool {
	switch u := err.(type) {
	case *config.UnsetError:
		return true
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if !onlyUnset(e) {
				return false
			}
		}
		return true
	case interface{ Unwrap() error }:
		return onlyUnset(u.Unwrap())
	}
	return false
}

// nothingImported is an import stopped by an interrupt before its save.
var nothingImported error = &interruptError{outcome: "nothing was imported"}

// stopped reports whether err, or the lack of one, is due to an interrupt.
func stopped(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, errInterrupted)
}

// cmdExport is "tokenscope export".
func (a *app) cmdExport(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	if _, err := a.parse(cmd, fs, args, 0, 0); err != nil {
		return err
	}
	v, err := a.unlock(ctx)
	if err != nil {
		return err
	}
	pl, err := v.Load()
	if err != nil {
		return err
	}
	ps := make([]providers.Provider, 0, len(pl.Providers))
	for _, e := range pl.Providers {
		ps = append(ps, e.Provider)
	}
	return config.Write(a.stdout, ps)
}
