package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
)

// addDoc is add's --help text.
func addDoc() string {
	return "Adds a provider: the preset's defaults, with every option given on top. Secrets are\n" +
		"never options: each comes from an environment variable (--client-secret-env VAR,\n" +
		"--password-env VAR, --basic-auth-env VAR, --header-env NAME=VAR), from standard input\n" +
		"(--secrets-stdin, lines client_secret=… (api_key=…, static_key=…), password=…, basic_auth=…,\n" +
		"headers.NAME=…), or from a prompt without echo in a terminal.\n" +
		"With --issuer URL, the endpoints not given come from the issuer's metadata (RFC 8414 or\n" +
		"OpenID Connect discovery), fetched on first use, and so does client_auth when not given.\n\n" +
		"Presets: " + strings.Join(providers.PresetNames(), ", ") + "."
}

// addFlags are add's options, as the flag package fills them.
type addFlags struct {
	p               providers.Provider
	grant, grantIn  string
	clientAuth      string
	pkce            string
	params          pairFlag
	headerEnv       pairFlag
	clientSecretEnv string
	passwordEnv     string
	basicAuthEnv    string
	secretsStdin    bool
	replace         bool
}

func (f *addFlags) register(fs *flag.FlagSet) {
	p := &f.p
	fs.StringVar(&p.Preset, "preset", "", "the provider's dialect `PRESET`: "+strings.Join(providers.PresetNames(), ", "))
	fs.StringVar(&p.Product, "product", "", "MoMo's API `PRODUCT`: collection, disbursement or remittance")
	fs.StringVar(&p.Environment, "environment", "", "the `HOST` of a preset with several: sandbox (default) or production (mpesa, airtel, vodacom), "+
		"or MoMo's target (mtnuganda, …)")
	fs.StringVar(&p.Market, "market", "", "Vodacom's `MARKET`: vodacomTZN (default), vodacomDRC, vodacomMOZ, vodafoneGHA or vodacomLES")
	fs.StringVar(&p.PublicKey, "public-key", "", "the RSA public `KEY` session_encryption encrypts to (base64 DER or PEM; not a secret)")
	fs.DurationVar(&p.Lifetime, "lifetime", 0, "how long a token lasts when the answer does not say (`DURATION`: Vodacom's session)")
	fs.StringVar(&p.Origin, "origin", "", "the `ORIGIN` header the token and try requests carry (vodacom: * by default)")
	fs.StringVar(&p.TokenURL, "token-url", "", "the token endpoint `URL` (default: the preset's)")
	fs.StringVar(&f.grant, "grant-type", "", "the `GRANT`: client_credentials, password, authorization_code or device_code")
	fs.StringVar(&f.grantIn, "grant-in", "", "the `PLACE` of grant_type: body, query or none")
	fs.StringVar(&f.clientAuth, "client-auth", "", "the `PLACE` of the client id and secret: basic, body, query, bearer, or none for a public client")
	fs.StringVar(&p.AuthorizationURL, "authorization-url", "", "the authorization endpoint `URL` (authorization_code)")
	fs.StringVar(&p.DeviceAuthorizationURL, "device-authorization-url", "", "the device authorization endpoint `URL` (device_code)")
	fs.StringVar(&p.RedirectURI, "redirect-uri", "", "the redirect `URI` to listen on (default http://127.0.0.1:<free port>/callback)")
	fs.StringVar(&f.pkce, "pkce", "", "the PKCE `METHOD`: S256 (default) or off")
	fs.StringVar(&p.ClientID, "client-id", "", "the client `ID` (MoMo: the API user)")
	fs.StringVar(&p.Username, "username", "", "the resource owner's `USERNAME` (password grant)")
	fs.StringVar(&p.Scope, "scope", "", "the `SCOPE` to ask for")
	fs.Var(&f.headerEnv, "header-env", "send header NAME, its value from environment variable VAR (`NAME=VAR`; repeatable)")
	fs.Var(&f.params, "param", "an extra form parameter, such as audience=… (`KEY=VALUE`; repeatable)")
	fs.StringVar(&p.LogoutURL, "logout-url", "", "the logout endpoint `URL`")
	fs.StringVar(&p.LogoutMethod, "logout-method", "", "the logout request's `METHOD`")
	fs.StringVar(&p.RevocationURL, "revocation-url", "", "the RFC 7009 revocation endpoint `URL`")
	fs.StringVar(&p.JWKSURL, "jwks-url", "", "the `URL` of the JWKS that signs its tokens")
	fs.StringVar(&p.Issuer, "issuer", "", "the issuer `URL`, whose metadata gives every endpoint not set (and client_auth)")
	fs.StringVar(&p.IntrospectionURL, "introspection-url", "", "the RFC 7662 introspection endpoint `URL`")
	fs.StringVar(&p.UserinfoURL, "userinfo-url", "", "the OpenID Connect userinfo endpoint `URL`")
	fs.StringVar(&p.TryURL, "try-url", "", "a `URL` to try the token on")
	fs.StringVar(&p.TryMethod, "try-method", "", "the try request's `METHOD`")
	fs.StringVar(&p.TryBody, "try-body", "", "the try request's `BODY`")
	fs.BoolVar(&p.Insecure, "insecure", false, "do not verify TLS certificates (warned about on every use)")
	fs.DurationVar(&p.Timeout, "timeout", 0, "bound each request by `DURATION` (default 30s)")
	fs.StringVar(&f.clientSecretEnv, "client-secret-env", "", "read the client secret (MoMo, Vodacom: the API key; static: the key) from environment variable `VAR`")
	fs.StringVar(&f.passwordEnv, "password-env", "", "read the password from environment variable `VAR`")
	fs.StringVar(&f.basicAuthEnv, "basic-auth-env", "", "read a ready-made Basic header (Orange's portal shows one) from environment variable `VAR`, instead of the client id and secret")
	fs.BoolVar(&f.secretsStdin, "secrets-stdin", false, "read secrets from standard input, one KEY=VALUE a line")
	fs.BoolVar(&f.replace, "replace", false, "replace a provider of the same name")
}

// cmdAdd is "tokenscope add NAME --preset PRESET [options]".
func (a *app) cmdAdd(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	var f addFlags
	f.register(fs)
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	p, err := f.provider(cmd.name, pos[0])
	if err != nil {
		return err
	}
	if err := a.secretsFromEnv(&p, &f); err != nil {
		return err
	}
	if p, err = providers.ApplyPreset(p); err != nil {
		return &usageError{cmd: cmd.name, msg: fmt.Sprintf("add %s: %v", p.Name, err)}
	}
	if err := p.Validate(); err != nil {
		return fieldUsage(cmd.name, p.Name, err)
	}
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
	if f.secretsStdin {
		if err := readSecretLines(a.stdinFor(ctx), &p); err != nil {
			return err
		}
	}
	if err := a.askMissingSecrets(ctx, &p, !f.secretsStdin); err != nil {
		return err
	}
	if err := v.PutProvider(p); err != nil {
		return err
	}
	verb := "added"
	if exists {
		verb = "replaced"
	}
	a.printf("%s %s (%s)", verb, p.Name, p.Preset)
	a.warnInsecure(p)
	if p.Issuer != "" {
		a.hintf("%s's endpoints come from its issuer's metadata on first use; to fetch it now: tokenscope discover %s --refresh", p.Name, p.Name)
	}
	return nil
}

// provider is the provider the flags describe, before the preset.
func (f *addFlags) provider(cmd, name string) (providers.Provider, error) {
	p := f.p
	p.Name = name
	if p.Preset == "" {
		return p, &usageError{cmd: cmd, msg: "add " + name + ": --preset is required",
			hint: "pass --preset with one of " + strings.Join(providers.PresetNames(), ", ")}
	}
	p.Grant = providers.Grant(f.grant)
	p.GrantIn = providers.GrantIn(f.grantIn)
	p.ClientAuth = providers.ClientAuth(f.clientAuth)
	p.PKCE = providers.PKCE(f.pkce)
	if len(f.params.keys) > 0 {
		p.Params = make(map[string]string, len(f.params.keys))
		for i, k := range f.params.keys {
			p.Params[k] = f.params.values[i]
		}
	}
	return p, nil
}

// fieldUsage turns a validation error into a usage error pointing at the
// option that sets the field.
func fieldUsage(cmd, name string, err error) error {
	ue := &usageError{cmd: cmd, msg: fmt.Sprintf("%s %s: %v", cmd, name, err)}
	var fe *providers.FieldError
	if errors.As(err, &fe) {
		switch {
		case fe.Field == "name":
			ue.hint = "choose a NAME of letters, digits and - _ . @, at most 64 characters"
		case fe.Field == "params":
			ue.hint = "leave that --param out: secrets go in --client-secret-env, --password-env or --secrets-stdin"
		case errors.Is(err, providers.ErrUserinfo):
			ue.hint = "take the user name and password out of the URL: give them as --client-id and --client-secret-env, " +
				"or --username and --password-env"
		case fe.Field == "token_url" && name != "":
			ue.hint = "pass --token-url, or --issuer for the endpoints of the issuer's metadata"
		default:
			ue.hint = "pass --" + strings.ReplaceAll(fe.Field, "_", "-")
		}
	}
	return ue
}

// isVarName reports whether s can name an environment variable.
func isVarName(s string) bool {
	for i, r := range s {
		if r != '_' && !('A' <= r && r <= 'Z') && !('a' <= r && r <= 'z') && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return s != ""
}

// secretsFromEnv fills the secrets named by --client-secret-env,
// --password-env and --header-env. An unset variable is an error, named
// but never quoted.
func (a *app) secretsFromEnv(p *providers.Provider, f *addFlags) error {
	get := func(flagName, env string) (providers.Secret, error) {
		if !isVarName(env) {
			// Most likely the secret itself, pasted where its variable's
			// name goes: say so without repeating it.
			return "", withHint(fmt.Errorf("add %s: --%s takes the NAME of an environment variable, and what was given is not one", p.Name, flagName),
				"export the secret as a variable (read -s MY_SECRET; export MY_SECRET) and pass --"+flagName+" MY_SECRET")
		}
		s := a.getenv(env)
		if s == "" {
			return "", withHint(fmt.Errorf("add %s: --%s: environment variable %s is not set", p.Name, flagName, env),
				"export "+env+" first, or leave out --"+flagName+" to give the secret another way")
		}
		return providers.Secret(s), nil
	}
	var err error
	if f.clientSecretEnv != "" {
		if p.ClientSecret, err = get("client-secret-env", f.clientSecretEnv); err != nil {
			return err
		}
	}
	if f.passwordEnv != "" {
		if p.Password, err = get("password-env", f.passwordEnv); err != nil {
			return err
		}
	}
	if f.basicAuthEnv != "" {
		if p.BasicAuth, err = get("basic-auth-env", f.basicAuthEnv); err != nil {
			return err
		}
	}
	for i, h := range f.headerEnv.keys {
		s, err := get("header-env", f.headerEnv.values[i])
		if err != nil {
			return err
		}
		if p.Headers == nil {
			p.Headers = map[string]providers.Secret{}
		}
		p.Headers[h] = s
	}
	return nil
}
