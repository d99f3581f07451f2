package ui

import (
	"github.com/tokenscope/tokenscope/ui/detail"
	"github.com/tokenscope/tokenscope/ui/list"
	"github.com/tokenscope/tokenscope/ui/session"
)

// itemOf is an entry's row in the list.
func itemOf(e *session.Entry) list.Item {
	return list.Item{
		Name: e.Provider.Name, Preset: e.Provider.Preset, Insecure: e.Provider.Exposure() != "",
		HasToken: e.HasToken(), Span: e.Span(), Busy: e.BusyText(), Failed: e.Failed,
	}
}

// dataOf is what the detail pane shows of an entry; fetchKey names the key
// that fetches a token, for the pane's hint.
func dataOf(e *session.Entry, fetchKey string) detail.Data {
	sig := e.Signature()
	d := detail.Data{
		Provider: e.Provider, Token: e.Token, History: e.History, Busy: e.BusyText(),
		LastErr: e.LastErr, LastErrAt: e.LastErrAt, Try: e.Try, TryErr: e.TryErr, TryAt: e.TryAt,
		AutoFailures: e.AutoFails, Signature: detail.Signature{Status: sig.Status, Reason: sig.Reason},
	}
	switch {
	case e.Provider.Grant.Interactive() && e.Idle() && fetchKey != "":
		// f opens the sign-in pane.
		d.NoTokenHint = "press " + fetchKey + " to sign in with a browser"
		if e.Provider.Grant.Device() {
			d.NoTokenHint = "press " + fetchKey + " to sign in on any device"
		}
	case fetchKey != "" && e.Idle():
		d.NoTokenHint = "press " + fetchKey + " to fetch one"
		if e.Failed {
			d.NoTokenHint = "press " + fetchKey + " to retry"
		}
	}
	if e.HasToken() {
		d.AutoRefreshAt = e.AutoAt
		if e.NeedsSignIn() && fetchKey != "" {
			d.NoAutoRefresh = "none without a refresh token · press " + fetchKey + " to sign in again"
		}
	}
	d.Metadata = e.Metadata
	return d
}

// withDiscoverHint adds to d, for a provider with an issuer, the key that
// fetches its metadata again.
func withDiscoverHint(d detail.Data, e *session.Entry, discoverKey string) detail.Data {
	if e.Provider.Issuer != "" && discoverKey != "" && e.Idle() {
		d.DiscoverHint = "press " + discoverKey + " to fetch it again"
	}
	return d
}
