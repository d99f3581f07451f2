package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
)

// momoSandboxDoc is momo-sandbox's --help text.
const momoSandboxDoc = "Does what every MoMo developer does by hand with curl: creates an API user in MoMo's\n" +
	"sandbox (POST /v1_0/apiuser with a fresh UUID v4 as X-Reference-Id), creates its API key,\n" +
	"reads the user back, and saves a momo provider NAME with the user id, the key and the\n" +
	"product's subscription key straight into the store; then fetches a first token to prove\n" +
	"it works. The API key is never printed. The subscription key is read from a prompt\n" +
	"without echo in a terminal, else from the first line of standard input, or from\n" +
	"--subscription-key-env VAR; never from the command line. Standard output gets the API\n" +
	"user's id. Every failure says what was already created on the server; --reference-id\n" +
	"finishes with an API user that exists (a new API key for it):\n\n" +
	"    tokenscope momo-sandbox momo --product collection --callback-host example.com"

// The header MoMo's API calls name their environment in, and the sandbox's.
const (
	headerTargetEnvironment = "X-Target-Environment"
	sandboxEnvironment      = "sandbox"
)

// momoSandboxFlags are momo-sandbox's options.
type momoSandboxFlags struct {
	product, callbackHost, baseURL string
	keyEnv, referenceID            string
	replace, trace                 bool
}

func (f *momoSandboxFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.product, "product", "", "the MoMo `PRODUCT` whose subscription key is given: collection, disbursement or remittance")
	fs.StringVar(&f.callbackHost, "callback-host", "localhost", "the API user's providerCallbackHost `HOST`")
	fs.StringVar(&f.baseURL, "base-url", oauth.DefaultSandboxURL, "the sandbox's base `URL`; the token URL is URL/PRODUCT/token/")
	fs.StringVar(&f.keyEnv, "subscription-key-env", "", "read the subscription key from environment variable `VAR`")
	fs.StringVar(&f.referenceID, "reference-id", "", "use the existing API user `UUID`: skip its creation, make it a new API key")
	fs.BoolVar(&f.replace, "replace", false, "replace a provider of the same name")
	fs.BoolVar(&f.trace, "trace", false, "write the HTTP exchanges to standard error, secrets masked")
}

// cmdMoMoSandbox is "tokenscope momo-sandbox NAME --product PRODUCT [options]".
func (a *app) cmdMoMoSandbox(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	var f momoSandboxFlags
	f.register(fs)
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	p, err := f.provider(cmd.name, pos[0])
	if err != nil {
		return err
	}
	a.warnInsecure(p)
	v, err := a.unlock(ctx)
	if err != nil {
		return err
	}
	_, _, lerr := v.Lookup(p.Name)
	exists := lerr == nil
	if exists && !f.replace {
		return &usageError{cmd: cmd.name, msg: fmt.Sprintf("a provider named %s exists", quote(p.Name)),
			hint: "pass --replace to replace it, or choose another name"}
	}
	subKey, err := a.subscriptionKey(ctx, f)
	if err != nil {
		return err
	}
	run := &provisioning{a: a, f: f, name: p.Name, client: a.client(f.trace),
		sb: oauth.Sandbox{BaseURL: f.baseURL, SubscriptionKey: subKey}}
	id, key, user, err := run.provision(ctx)
	if err != nil {
		return err
	}
	p.ClientID, p.ClientSecret = id, key
	p.Headers = map[string]providers.Secret{oauth.SubscriptionKeyHeader: subKey}
	if env := user.TargetEnvironment; env != "" && env != sandboxEnvironment && isEnvironmentName(env) {
		p.TryHeaders[headerTargetEnvironment] = env
	}
	if err := p.Validate(); err != nil {
		return run.lost(fmt.Errorf("save %s: %w", p.Name, err))
	}
	if err := v.PutProvider(p); err != nil {
		return run.lost(err)
	}
	verb := "saved"
	if exists {
		verb = "replaced"
	}
	fmt.Fprintln(a.stdout, id)
	a.printf("%s %s (momo/%s): API user %s, its API key and the subscription key, in the store", verb, p.Name, p.Product, id)
	out, err := run.client.Ensure(ctx, v, p.Name, oauth.EnsureOptions{Fresh: true})
	if err != nil {
		if ctx.Err() != nil {
			return &interruptError{outcome: fmt.Sprintf("%s was saved, its first token not fetched", p.Name)}
		}
		return &hintError{err: err, notes: []string{fmt.Sprintf("%s is saved, but its first token failed", p.Name)},
			hints: []string{"run tokenscope token " + p.Name + " --trace to see the exchange"}}
	}
	a.printf("%s works: first token fetched, %s", p.Name, validFor(out.Token, time.Now()))
	a.hintf("tokenscope header %s --all prints every header its API calls need", p.Name)
	return nil
}

// provider is the momo provider the flags describe, checked before anything
// is sent: NAME, the product, the base URL, --reference-id.
func (f *momoSandboxFlags) provider(cmd, name string) (providers.Provider, error) {
	ps, _ := providers.LookupPreset("momo")
	product := strings.ToLower(strings.TrimSpace(f.product))
	switch {
	case product == "":
		return providers.Provider{}, &usageError{cmd: cmd, msg: cmd + " " + name + ": --product is required",
			hint: "pass --product with one of " + strings.Join(ps.Products, ", ") + ": the one whose subscription key you give"}
	case !slices.Contains(ps.Products, product):
		return providers.Provider{}, &usageError{cmd: cmd, msg: fmt.Sprintf("unknown MoMo product %s", quote(f.product)),
			hint: "pass --product with one of " + strings.Join(ps.Products, ", ")}
	case f.referenceID != "" && !oauth.ValidReferenceID(f.referenceID):
		return providers.Provider{}, &usageError{cmd: cmd, msg: fmt.Sprintf("--reference-id %s is not a UUID version 4", quote(f.referenceID)),
			hint: "pass the id of the API user to finish with, as an earlier run named it (8-4-4-4-12 hexadecimal digits)"}
	case f.callbackHost == "":
		return providers.Provider{}, &usageError{cmd: cmd, msg: "--callback-host cannot be empty"}
	case f.keyEnv != "" && !isVarName(f.keyEnv):
		return providers.Provider{}, withHint(errors.New("--subscription-key-env takes the NAME of an environment variable, and what was given is not one"),
			"export the key as a variable (read -s MOMO_KEY; export MOMO_KEY) and pass --subscription-key-env MOMO_KEY")
	}
	f.product = product
	if err := providers.CheckURL("base-url", f.baseURL); err != nil {
		return providers.Provider{}, &usageError{cmd: cmd, msg: fmt.Sprintf("%s %s: %v", cmd, name, err),
			hint: "pass --base-url with the sandbox's URL, such as " + oauth.DefaultSandboxURL}
	}
	p, err := providers.ApplyPreset(providers.Provider{Name: name, Preset: "momo", Product: product,
		TokenURL:   strings.TrimRight(f.baseURL, "/") + "/" + product + "/token/",
		TryHeaders: map[string]string{headerTargetEnvironment: sandboxEnvironment}})
	if err != nil {
		return providers.Provider{}, &usageError{cmd: cmd, msg: fmt.Sprintf("%s %s: %v", cmd, name, err)}
	}
	// Checked with stand-ins for what the sandbox gives, so that a bad
	// NAME is refused before an API user is made for it.
	check := p
	check.ClientID, check.ClientSecret = "00000000-0000-4000-8000-000000000000", "stand-in"
	check.Headers = map[string]providers.Secret{oauth.SubscriptionKeyHeader: "stand-in"}
	if err := check.Validate(); err != nil {
		return providers.Provider{}, fieldUsage(cmd, name, err)
	}
	return p, nil
}

// isEnvironmentName reports whether s can be a MoMo target environment
// (sandbox, mtnuganda): lowercase letters and digits, as a header value.
func isEnvironmentName(s string) bool {
	return len(s) <= 40 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789") == ""
}

// subscriptionKey reads the product's subscription key: from the
// variable --subscription-key-env names, a prompt without echo in a
// terminal, or the first line of standard input.
func (a *app) subscriptionKey(ctx context.Context, f momoSandboxFlags) (providers.Secret, error) {
	var key string
	switch {
	case f.keyEnv != "":
		key = a.getenv(f.keyEnv)
		if key == "" {
			return "", withHint(fmt.Errorf("--subscription-key-env: environment variable %s is not set", f.keyEnv),
				"export "+f.keyEnv+" first, or leave out --subscription-key-env to give the key another way")
		}
	case a.interactive():
		b, err := a.readSecret(ctx, fmt.Sprintf("%s subscription key:", f.product))
		if err != nil {
			return "", err
		}
		key = string(b)
		clear(b)
	default:
		b, err := readFirstLine(a.stdinFor(ctx), "subscription key")
		if err != nil {
			if ctx.Err() != nil {
				return "", errInterrupted
			}
			return "", withHint(err, "pipe the key in (… | tokenscope momo-sandbox …), pass --subscription-key-env VAR, "+
				"or run it in a terminal to be asked")
		}
		key = string(b)
		clear(b)
	}
	key = strings.TrimSpace(key)
	if key == "" {
		return "", errors.New("the subscription key is empty")
	}
	return providers.Secret(key), nil
}

// provisioning is one momo-sandbox run against the sandbox: what it was
// asked and what it has made there so far, for every message.
type provisioning struct {
	a      *app
	f      momoSandboxFlags
	name   string
	client *oauth.Client
	sb     oauth.Sandbox
	id     string
}

// provision makes (or, with --reference-id, reuses) the API user, makes
// its API key and reads the user back.
func (r *provisioning) provision(ctx context.Context) (string, providers.Secret, oauth.APIUser, error) {
	r.id = r.f.referenceID
	if r.id == "" {
		newID := r.a.hooks.referenceID
		if newID == nil {
			newID = oauth.NewReferenceID
		}
		id, err := newID()
		if err != nil {
			return "", "", oauth.APIUser{}, err
		}
		r.id = id
		if err := r.client.CreateAPIUser(ctx, r.sb, r.id, r.f.callbackHost); err != nil {
			return "", "", oauth.APIUser{}, r.createFailed(ctx, err)
		}
		r.a.printf("created API user %s (callback host %s)", r.id, r.f.callbackHost)
	}
	key, err := r.client.CreateAPIKey(ctx, r.sb, r.id)
	if err != nil {
		return "", "", oauth.APIUser{}, r.keyFailed(ctx, err)
	}
	user, err := r.client.ReadAPIUser(ctx, r.sb, r.id)
	if err != nil {
		return "", "", oauth.APIUser{}, r.lost(err)
	}
	if r.f.referenceID != "" {
		// Not made by this run: say what the sandbox has (its text).
		r.a.printf("using API user %s (callback host %s, target environment %s), with a new API key",
			r.id, user.ProviderCallbackHost, user.TargetEnvironment)
	}
	return r.id, key, user, nil
}

// retry is the command line that finishes with the API user r made.
func (r *provisioning) retry() string {
	s := "tokenscope momo-sandbox " + r.name + " --product " + r.f.product + " --reference-id " + r.id
	if r.f.baseURL != oauth.DefaultSandboxURL {
		s += " --base-url " + r.f.baseURL
	}
	if r.f.replace {
		s += " --replace"
	}
	return s
}

// answerStatus is the HTTP status of a failed call; 0 when no answer came.
func answerStatus(err error) int {
	var e *oauth.Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// createFailed says what a failed create left behind: nothing after an
// answer, perhaps a user when none came.
func (r *provisioning) createFailed(ctx context.Context, err error) error {
	s := answerStatus(err)
	switch {
	case ctx.Err() != nil:
		return &interruptError{outcome: fmt.Sprintf("API user %s may have been created on the server; nothing was saved", r.id)}
	case s == 0:
		return &hintError{err: err, notes: []string{fmt.Sprintf("no answer came: API user %s may or may not have been created on the server; nothing was saved", r.id)},
			hints: []string{"to finish with it if it was, run: " + r.retry() + " (it says so if there is no such user)"}}
	case s == 409:
		return &hintError{err: err, notes: []string{fmt.Sprintf("the sandbox already has an API user %s, not made by this run: nothing was created, nothing was saved", r.id)},
			hints: []string{"run the command again: it picks a new id"}}
	}
	return &hintError{err: err, notes: []string{"nothing was created on the server, nothing was saved"}}
}

// keyFailed says what a failed apikey call left behind: the API user.
func (r *provisioning) keyFailed(ctx context.Context, err error) error {
	s := answerStatus(err)
	made := "was created on"
	if r.f.referenceID != "" {
		made = "exists on"
	}
	switch {
	case ctx.Err() != nil:
		return &interruptError{outcome: fmt.Sprintf("API user %s %s the server, without a saved API key; nothing was saved; "+
			"to finish, run: %s", r.id, made, r.retry())}
	case s == 404 && r.f.referenceID != "":
		return &hintError{err: err, notes: []string{fmt.Sprintf("the sandbox has no API user %s under this subscription key: nothing was created, nothing was saved", r.id)},
			hints: []string{"check the id and --product, or leave out --reference-id to create a new API user"}}
	case s == 401 && r.f.referenceID != "":
		return &hintError{err: err, notes: []string{"nothing was created on the server, nothing was saved"}}
	}
	return &hintError{err: err, notes: []string{fmt.Sprintf("API user %s %s the server, but it has no API key of ours: nothing was saved", r.id, made)},
		hints: []string{"to finish with that user, run: " + r.retry()}}
}

// lost says what a failure after the API key was made left behind: the
// user, with a key nobody kept (finishing makes it a new one, which
// replaces that one).
func (r *provisioning) lost(err error) error {
	if errors.Is(err, context.Canceled) {
		return &interruptError{outcome: fmt.Sprintf("API user %s exists on the server with an API key nobody kept; nothing was saved; "+
			"to finish, run: %s", r.id, r.retry())}
	}
	notes := []string{fmt.Sprintf("API user %s exists on the server with an API key nobody kept: nothing was saved", r.id)}
	finish := "to finish with that user (a new API key replaces the lost one), run: " + r.retry()
	if errors.Is(err, store.ErrLocked) {
		finish = "wait for the other tokenscope to finish, then " + finish
	}
	return &hintError{err: err, notes: notes, hints: []string{finish}}
}
