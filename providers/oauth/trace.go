package oauth

import (
	"context"
	"time"
)

// Exchange is one request and its answer as the trace shows them, for a
// caller that keeps them (the explorer's exchange log) rather than
// printing them: every secret masked as Options.Trace masks it.
type Exchange struct {
	// At is when the request was sent, on the engine's clock.
	At time.Time
	// Method and URL are the request's, the URL's secrets masked. They
	// are the server's text no more than the caller's: show them through
	// display.Text.
	Method, URL string
	// Status is the answer's HTTP status; zero when there was no answer.
	Status int
	// Elapsed is the time to the answer, or to the failure.
	Elapsed time.Duration
	// Text is the whole exchange exactly as Options.Trace receives it:
	// request line, headers and body, then the status line, headers and
	// body of the answer, every secret masked and every line made safe to
	// show (display.Block).
	Text string
}

// traceKey is the context key of a trace hook.
type traceKey struct{}

// WithTrace returns a context under which every exchange a Client sends
// is also handed to fn, in the goroutine that sent it, once its answer
// (or failure) is in. It is for one operation's caller: a tea.Cmd keeps
// what its own requests exchanged and returns it in its message. fn may
// be called from several goroutines at once when the context is shared.
func WithTrace(ctx context.Context, fn func(Exchange)) context.Context {
	return context.WithValue(ctx, traceKey{}, fn)
}

// traceHook is the hook WithTrace put in ctx, or nil.
func traceHook(ctx context.Context) func(Exchange) {
	fn, _ := ctx.Value(traceKey{}).(func(Exchange))
	return fn
}
