package ghl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	retryablehttp "github.com/hashicorp/go-retryablehttp"
)

// operation describes one endpoint of the API, as the official spec does.
// Generated code declares one per method.
type operation struct {
	Name    string // the SDK method, e.g. "Contacts.Get"; used in errors and logs
	ID      string // the spec's operationId, e.g. "get-contact"
	Method  string
	Path    string // the spec's path template, e.g. "/contacts/{contactId}"
	Version string // the Version header this operation declares
}

// Response is HighLevel's answer to one call, after retries. Its embedded
// *http.Response has the final status and headers; the body has already
// been read and decoded into the result.
type Response struct {
	*http.Response
	// Operation names the SDK method, such as "Contacts.Get".
	Operation string
	// Rate is the quota the final response reported.
	Rate Rate
	// Attempts is how many times the request was sent (1 without retries).
	Attempts int
	// Total is the number of matching records a list or search reported
	// (its count, total or meta.total), when it reported one.
	Total int
	// Meta is the paging block of list operations that return one.
	Meta *PageMeta
}

// PageMeta is the "meta" paging block of HighLevel list responses.
type PageMeta struct {
	Total        int    `json:"total,omitempty"`
	NextPageURL  string `json:"nextPageUrl,omitempty"`
	StartAfterID string `json:"startAfterId,omitempty"`
	StartAfter   int64  `json:"startAfter,omitempty"`
	CurrentPage  int    `json:"currentPage,omitempty"`
	NextPage     int    `json:"nextPage,omitempty"`
	PrevPage     *int   `json:"prevPage,omitempty"`
}

// expand fills the operation's path template with args, in order. Each arg
// is escaped with url.PathEscape; "", "." and ".." are rejected, since they
// would silently address another endpoint.
func (op *operation) expand(args ...string) (string, error) {
	tpl := op.Path
	var b strings.Builder
	b.Grow(len(tpl) + 32)
	n := 0
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			b.WriteString(tpl)
			break
		}
		j := strings.IndexByte(tpl[i:], '}')
		if j < 0 {
			return "", errorf(op, "bad path template %q", op.Path)
		}
		name := tpl[i+1 : i+j]
		if n >= len(args) {
			return "", errorf(op, "missing path argument %s", name)
		}
		arg := args[n]
		n++
		switch strings.TrimSpace(arg) {
		case "":
			return "", &ArgError{Operation: op.Name, Arg: name, Reason: "is empty"}
		case ".", "..":
			return "", &ArgError{Operation: op.Name, Arg: name, Reason: "must not be " + arg}
		}
		b.WriteString(tpl[:i])
		b.WriteString(url.PathEscape(arg))
		tpl = tpl[i+j+1:]
	}
	if n != len(args) {
		return "", errorf(op, "%d path arguments for %q", len(args), op.Path)
	}
	return b.String(), nil
}

// missing is the error for a required field left empty.
func missing(op *operation, field string) error {
	return &ArgError{Operation: op.Name, Arg: field, Reason: "is required"}
}

// errNoCredentials is returned when the client has no token at all.
var errNoCredentials = errors.New("no credentials: use WithAccessToken or WithTokenSource")

// rateLimitKeyer is implemented by token sources that know which location
// or company they act for.
type rateLimitKeyer interface{ RateLimitKey() string }

type keyCache struct{ token, key string }

// bucketKey names the rate-limit bucket for this call.
func (c *Client) bucketKey(token string) string {
	if c.limitKey != "" {
		return c.limitKey
	}
	if k, ok := c.tokens.(rateLimitKeyer); ok {
		if key := k.RateLimitKey(); key != "" {
			return key
		}
	}
	if kc := c.lastKey.Load(); kc != nil && kc.token == token {
		return kc.key
	}
	key := tokenKey(token)
	c.lastKey.Store(&keyCache{token: token, key: key})
	return key
}

// call sends one API request and decodes a 2xx body into out (when out is
// not nil). path is relative to the base URL and already escaped; body, when
// not nil, is sent as JSON.
func (c *Client) call(ctx context.Context, op *operation, path string, query url.Values, body, out any) (*Response, error) {
	if ctx == nil {
		return nil, &ArgError{Operation: op.Name, Arg: "ctx", Reason: "is nil"}
	}
	if err := ctx.Err(); err != nil {
		return nil, &RequestError{Operation: op.Name, Method: op.Method, Path: path, Err: err}
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = marshalJSON(body); err != nil {
			return nil, errorf(op, "encoding request: %v", err)
		}
	}
	if c.tokens == nil {
		return nil, errorf(op, "%v", errNoCredentials)
	}
	tok, err := c.token(ctx)
	if err != nil {
		return nil, tokenError(op, err)
	}
	if tok == nil || tok.AccessToken == "" {
		return nil, errorf(op, "token source returned no access token")
	}
	st := &callState{op: op, bucket: c.limiter.bucket(c.bucketKey(tok.AccessToken))}
	if err := c.limiter.checkDaily(st.bucket, op); err != nil {
		return nil, err
	}
	sctx := context.WithValue(ctx, callStateKey{}, st)
	target := c.resolve(path, query)

	hresp, err := c.send(sctx, op, target, payload, tok)
	if err == nil && hresp.StatusCode == http.StatusUnauthorized {
		// An expired access token is refreshed once and the request sent
		// again, when the token source can refresh (see TokenInvalidator).
		if inv, ok := c.tokens.(TokenInvalidator); ok && tokenRejected(st.body) {
			rejected := tok
			inv.InvalidateToken(rejected)
			if tok, err = c.token(ctx); err != nil {
				return &Response{Response: hresp, Operation: op.Name, Rate: st.rate, Attempts: st.attempts}, tokenError(op, err)
			}
			// The same token again: the source will not refresh (it came
			// from a refresh on a 401 already), so the 401 stands.
			if tok != nil && tok.AccessToken != rejected.AccessToken {
				hresp, err = c.send(sctx, op, target, payload, tok)
			}
		}
	}
	resp := &Response{Response: hresp, Operation: op.Name, Rate: st.rate, Attempts: st.attempts}
	if err != nil {
		return resp, c.requestError(ctx, op, path, st, err)
	}
	if hresp.StatusCode >= 200 && hresp.StatusCode < 300 {
		if out != nil && len(bytes.TrimSpace(st.body)) > 0 {
			if err := json.Unmarshal(st.body, out); err != nil {
				return resp, &DecodeError{Operation: op.Name, StatusCode: hresp.StatusCode,
					Body: bytes.Clone(st.body[:min(len(st.body), maxErrorBody)]), Err: err}
			}
		}
		return resp, nil
	}
	apiErr := newAPIError(op, op.Method, path, hresp.StatusCode, st.body)
	apiErr.Attempts = st.attempts
	if hresp.StatusCode == http.StatusTooManyRequests {
		rl := &RateLimitError{Operation: op.Name, Rate: st.rate, API: apiErr,
			Daily: st.rate.HasDailyRemaining() && st.rate.DailyRemaining == 0}
		if d, ok := retryAfter(hresp.Header, c.limiter.now()); ok {
			rl.RetryAfter = d
		} else if !rl.Daily {
			rl.RetryAfter = st.rate.Interval
		}
		return resp, rl
	}
	return resp, apiErr
}

// contextTokenSource is implemented by token sources that can honour the
// caller's context while they refresh, as this package's OAuth sources do.
type contextTokenSource interface {
	TokenContext(ctx context.Context) (*oauth2.Token, error)
}

// token gets the access token for one call, with ctx when the source takes it.
func (c *Client) token(ctx context.Context) (*oauth2.Token, error) {
	if ts, ok := c.tokens.(contextTokenSource); ok {
		return ts.TokenContext(ctx)
	}
	return c.tokens.Token()
}

type versionKey struct{}

// ContextWithVersion returns a context whose calls send version as the
// Version header instead of each operation's own value from the spec, for
// example to try an operation under a newer published version ("2023-02-21",
// "v3") before the SDK adopts it. An empty version restores the default.
//
// Docs: https://marketplace.gohighlevel.com/docs/Versioning
func ContextWithVersion(ctx context.Context, version string) context.Context {
	return context.WithValue(ctx, versionKey{}, version)
}

func versionFor(ctx context.Context, op *operation) string {
	if v, ok := ctx.Value(versionKey{}).(string); ok && v != "" {
		return v
	}
	return op.Version
}

// send runs one request through the retry loop.
func (c *Client) send(ctx context.Context, op *operation, target string, payload []byte, tok *oauth2.Token) (*http.Response, error) {
	var body any // nil, or []byte for a body that can be rewound for retries
	if payload != nil {
		body = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, op.Method, target, body)
	if err != nil {
		return nil, err
	}
	h := req.Header
	h["Version"] = []string{versionFor(ctx, op)}
	h["Accept"] = []string{"application/json"}
	h["User-Agent"] = []string{c.userAgent}
	h["Authorization"] = []string{tokenType(tok.TokenType) + " " + tok.AccessToken}
	if payload != nil {
		h["Content-Type"] = []string{"application/json"}
	}
	return c.http.Do(req)
}

// TokenInvalidator is implemented by token sources that can refresh on
// demand. When HighLevel answers 401 because the access token is invalid or
// expired, the client calls InvalidateToken with the rejected token, asks for
// a new one and sends the request once more. Implementations should refresh
// only if the rejected token is still their current one, so that many
// callers failing at once cause a single refresh.
type TokenInvalidator interface {
	InvalidateToken(rejected *oauth2.Token)
}

// tokenRejected reports whether a 401 body says the token itself is bad or
// expired, rather than lacking a scope (which a refresh cannot fix).
func tokenRejected(body []byte) bool {
	b := bytes.ToLower(body)
	if bytes.Contains(b, []byte("scope")) || bytes.Contains(b, []byte("version header")) {
		return false
	}
	return bytes.Contains(b, []byte("token")) || bytes.Contains(b, []byte("jwt")) || bytes.Contains(b, []byte("expired"))
}

// requestError turns what the retry loop returned into a typed error.
func (c *Client) requestError(ctx context.Context, op *operation, path string, st *callState, err error) error {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl
	}
	re := &RequestError{Operation: op.Name, Method: op.Method, Path: path, Attempts: st.attempts, Err: err}
	var se *sendError
	if errors.As(err, &se) {
		re.Sent = se.sent
		re.Err = se.err
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(re.Err, ctxErr) {
		re.Err = ctxErr
	}
	return re
}

func tokenType(t string) string {
	if t == "" || strings.EqualFold(t, "bearer") {
		return "Bearer"
	}
	return t
}

// tokenError wraps a token-source failure; the token source is responsible
// for keeping secrets out of its errors.
func tokenError(op *operation, err error) error {
	return &RequestError{Operation: op.Name, Method: op.Method, Path: op.Path, Err: err}
}

func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// maxBody bounds what the client reads of any response.
const maxBody = 64 << 20

// readBody reads the whole body, so that a truncated body is a transport
// failure the retry policy can see, and replaces it with an empty one.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	var buf []byte
	if n := resp.ContentLength; n > 0 && n <= maxBody {
		buf = make([]byte, 0, n+1)
	}
	b := bytes.NewBuffer(buf)
	_, err := b.ReadFrom(io.LimitReader(resp.Body, maxBody))
	resp.Body = http.NoBody
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > 0 && int64(b.Len()) < resp.ContentLength {
		return nil, io.ErrUnexpectedEOF
	}
	return b.Bytes(), nil
}
