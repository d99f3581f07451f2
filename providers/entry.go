package providers

// Entry is one provider as it is kept: the provider, its current token
// (nil when it has none), its history of events, newest last, and the
// metadata of its issuer as last fetched (nil when it has no issuer or
// none was fetched yet). A change to what is kept answers with the entry
// as it is then held, so whoever shows it keeps no copy of the keeper's
// rules (how long a history is, which edits drop a token).
type Entry struct {
	Provider Provider  `json:"provider"`
	Token    *Token    `json:"token,omitempty"`
	History  []Event   `json:"history,omitempty"`
	Metadata *Metadata `json:"metadata,omitempty"`
}
