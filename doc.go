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
// errors.Is(err, [ErrOutcomeUnknown]) is true, whatever ended it (a lost
// connection, the caller's deadline or cancel, exhausted retries). A 2xx
// answer with no result (empty, 204, null, {}, or no result field) is a
// [*DecodeError] matching [ErrEmptyResponse], and an error body sent with a
// 2xx status is the [*APIError] it describes: no method returns a nil result
// with a nil error unless its doc says nil means "none". A body over
// [WithMaxResponseSize] is a [*ResponseTooLargeError]. Errors never hold the
// token: anything token-shaped the server echoes back is redacted.
//
// # Safety limits
//
// Redirects are followed only within the base URL's origin, so the bearer
// token and request bodies never reach another scheme, host or port. Every
// attempt is bounded by [Timeouts] (see [DefaultTimeouts]), a Retry-After
// is capped, error bodies are decoded within fixed bounds, and an iteration
// ends with a [*PageError] when the server's cursor repeats a page or after
// [WithMaxPages] pages.
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
