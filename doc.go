// Package ghl is a typed client for the HighLevel (GoHighLevel,
// LeadConnector) API v2.
//
// Create one [Client] and share it; each API category is a service field:
//
//	client, err := ghl.NewClient(ghl.WithAccessToken(os.Getenv("GHL_ACCESS_TOKEN")))
//	contact, resp, err := client.Contacts.Get(ctx, contactID)
//
// # Authentication
//
// [WithAccessToken] takes a Private Integration token or any fixed access
// token. [WithTokenSource] takes any oauth2.TokenSource; this package's OAuth
// helpers provide one that refreshes HighLevel's single-use refresh tokens
// safely and persists each new pair before it is used.
//
// # Versions
//
// Every operation sends the Version header its official spec declares
// (2021-07-28 for contacts, 2021-04-15 for calendars and conversations), never
// one global value. [ContextWithVersion] overrides it for the calls made with
// a context.
//
// # Errors
//
// Bad input is reported as an [*ArgError] before anything is sent. HighLevel's
// error answers are [*APIError] values, matched by status with [errors.Is]
// against [ErrNotFound], [ErrUnauthorized], [ErrForbidden], [ErrValidation],
// [ErrBadRequest] and [ErrServer]. A 429 that outlasted the retries, or a spent
// daily quota, is a [*RateLimitError]. A request with no usable answer is a
// [*RequestError]; when it was a write that may have been applied,
// errors.Is(err, [ErrOutcomeUnknown]) is true.
//
// # Retries and rate limits
//
// See [RetryPolicy] and [RateLimit]: 429s are retried after the server's
// wait; 5xx and lost connections only for idempotent methods. A token bucket
// per location or company keeps requests under HighLevel's 100 per 10 s.
//
// # Pagination
//
// Every list or search method has an Iter variant returning an
// iter.Seq2[*T, error], lazy and safe to break out of.
//
// # Testing
//
// Package [github.com/salesnexus/ghl-go/ghltest] is a local, stateful
// emulator of the API; point a client at it with [WithBaseURL].
package ghl
