package ghl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
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
	// TraceID is HighLevel's ID of the request, from the answer's
	// traceId, when it has one: quote it to HighLevel support.
	TraceID string
	// NextCursor is the cursor of the next page, for lists paged by an
	// opaque cursor (lastMessageId with nextPage, nextCursor); "" when the
	// answer says there is none.
	NextCursor string
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

// call is the entry of every generated method: a nil service (a nil or
// zero Client's) is a typed error, not a panic.
func (s *service) call(ctx context.Context, op *operation, path string, query url.Values, body, out any) (*Response, error) {
	if s == nil || s.client == nil {
		return nil, &ArgError{Operation: op.Name, Arg: "client", Reason: "is nil or was not made by NewClient"}
	}
	return s.client.call(ctx, op, path, query, body, out)
}

// noResult is the error for a 2xx answer whose envelope lacks the field
// that holds the operation's result (generated methods check it).
func noResult(op *operation, resp *Response, field string) error {
	e := &DecodeError{Operation: op.Name, Err: fmt.Errorf("%w: no %q in the answer", ErrEmptyResponse, field)}
	if resp != nil && resp.Response != nil {
		e.StatusCode = resp.StatusCode
	}
	return e
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
	contentType := ""
	if mb, ok := body.(multipartBody); ok {
		var err error
		if contentType, payload, err = encodeMultipart(mb); err != nil {
			return nil, errorf(op, "encoding request: %v", err)
		}
	} else if body != nil {
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
	st := &callState{op: op, bucket: c.limiter.bucket(c.bucketKey(tok.AccessToken)), contentType: contentType}
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
		resp.TraceID = traceIDOf(st.body)
		if out == nil {
			return resp, nil
		}
		if f, ok := out.(*File); ok {
			// A file answer (a recording, a transcription): its bytes as
			// they came, within the response size limit.
			f.ContentType = hresp.Header.Get("Content-Type")
			f.Filename = attachmentName(hresp.Header.Get("Content-Disposition"))
			f.Data = st.body
			if code := errorStatus(bytes.TrimSpace(st.body)); strings.HasPrefix(f.ContentType, "application/json") && code != 0 {
				return resp, newAPIError(op, op.Method, path, code, st.body)
			}
			return resp, nil
		}
		return resp, decodeResult(op, path, hresp.StatusCode, st.attempts, st.body, out, tok.AccessToken)
	}
	apiErr := newAPIError(op, op.Method, path, hresp.StatusCode, st.body)
	apiErr.Attempts = st.attempts
	if hresp.StatusCode >= 300 && hresp.StatusCode < 400 {
		apiErr.Message = redirectMessage(c.baseURL, hresp.Header.Get("Location"))
		apiErr.Messages = []string{apiErr.Message}
	}
	apiErr.redactSecrets(tok.AccessToken)
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

// decodeResult decodes a 2xx body into out. An answer with no result (an
// empty body, a 204, null or {}) is a *DecodeError matching
// ErrEmptyResponse, and an error body sent with a 2xx status (HighLevel
// does this) is the *APIError it describes, so that no caller gets a nil
// result with a nil error.
func decodeResult(op *operation, path string, status, attempts int, body []byte, out any, secrets ...string) error {
	trimmed := bytes.TrimSpace(body)
	if _, raw := out.(*json.RawMessage); !raw && (len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) || emptyObject(trimmed)) {
		return &DecodeError{Operation: op.Name, StatusCode: status, Body: bytes.Clone(trimmed),
			Err: fmt.Errorf("%w: the %d answer is %s", ErrEmptyResponse, status, describeEmpty(trimmed))}
	}
	if code := errorStatus(trimmed); len(trimmed) > 0 && code != 0 {
		e := newAPIError(op, op.Method, path, code, body)
		e.Attempts = attempts
		e.redactSecrets(secrets...)
		return e
	}
	if raw, ok := out.(*json.RawMessage); ok {
		// The spec gives no shape: the answer as it came, even empty.
		*raw = bytes.Clone(trimmed)
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		d := &DecodeError{Operation: op.Name, StatusCode: status,
			Body: []byte(redactText(string(body[:min(len(body), maxErrorBody)]), secrets)), Err: err}
		return d
	}
	return nil
}

func describeEmpty(b []byte) string {
	if len(b) == 0 {
		return "empty"
	}
	return string(b)
}

// emptyObject reports whether b is {} (with any whitespace inside).
func emptyObject(b []byte) bool {
	return len(b) >= 2 && b[0] == '{' && b[len(b)-1] == '}' && len(bytes.TrimSpace(b[1:len(b)-1])) == 0
}

// errorStatus returns the status of an error body that came with a 2xx
// status: a small JSON object whose top-level statusCode (or status) is a
// number of 400 or more. It returns 0 for anything else.
func errorStatus(b []byte) int {
	if len(b) == 0 || len(b) > 4*maxErrorBody || b[0] != '{' || !mayBeErrorBody(b) {
		return 0
	}
	var eb struct {
		StatusCode json.RawMessage `json:"statusCode"`
		Status     json.RawMessage `json:"status"`
	}
	if json.Unmarshal(b, &eb) != nil {
		return 0
	}
	for _, raw := range []json.RawMessage{eb.StatusCode, eb.Status} {
		var n int
		if len(raw) > 0 && raw[0] != '"' && json.Unmarshal(raw, &n) == nil && n >= 400 && n <= 599 {
			return n
		}
	}
	return 0
}

// mayBeErrorBody is a cheap scan that gates errorStatus's decode, so that
// a success body pays nothing: it is true when b has a "statusCode" key or
// a "status" whose value starts with 4 or 5.
func mayBeErrorBody(b []byte) bool {
	if bytes.Contains(b, []byte(`"statusCode"`)) {
		return true
	}
	if len(b) > 512 {
		// A "status" error body is a few fields long; a larger body is a
		// result whose records may have a status of their own.
		return false
	}
	for {
		i := bytes.Index(b, []byte(`"status"`))
		if i < 0 {
			return false
		}
		b = bytes.TrimLeft(b[i+len(`"status"`):], " \t\r\n")
		if len(b) > 0 && b[0] == ':' {
			if v := bytes.TrimLeft(b[1:], " \t\r\n"); len(v) > 0 && (v[0] == '4' || v[0] == '5') {
				return true
			}
		}
	}
}

// redirectMessage explains a redirect the client did not follow, naming
// only the target's origin (its path and query may hold anything).
func redirectMessage(base *url.URL, location string) string {
	u, err := base.Parse(location)
	if err != nil || location == "" {
		return "redirect not followed"
	}
	return "redirect to " + u.Scheme + "://" + u.Host + " not followed: the client only follows redirects within " + base.Scheme + "://" + base.Host
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
		ct := "application/json"
		if st := stateFrom(ctx); st != nil && st.contentType != "" {
			ct = st.contentType // a multipart upload
		}
		h["Content-Type"] = []string{ct}
	}
	return c.http.Do(req)
}

// TokenInvalidator is implemented by token sources that can refresh on
// demand. When HighLevel answers 401 because the access token is invalid or
// expired, the client calls InvalidateToken with the rejected token and asks
// for a token again; it sends the request once more only if it got a
// different token, so a token that keeps being rejected costs one refresh,
// not one per call. Implementations should refresh only if the rejected
// token is still their current one (so that many callers failing at once
// cause a single refresh), and at most once per token lifetime.
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
	var tl *ResponseTooLargeError
	if errors.As(err, &tl) {
		tl.Operation, tl.Method, tl.Path = op.Name, op.Method, path
		return tl
	}
	// Sent is what every attempt taught, not only the last error: a
	// deadline, a cancel or a refused retry must not hide that an earlier
	// attempt may have reached HighLevel.
	re := &RequestError{Operation: op.Name, Method: op.Method, Path: path, Attempts: st.attempts, Err: err, Sent: st.reached}
	var se *sendError
	if errors.As(err, &se) {
		re.Sent = re.Sent || se.sent
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

// DefaultMaxResponseSize bounds what the client reads of any response
// body, unless [WithMaxResponseSize] says otherwise.
const DefaultMaxResponseSize = 64 << 20

// readBody reads the whole body, so that a truncated body is a transport
// failure the retry policy can see, and replaces it with an empty one. A
// body over limit is a *ResponseTooLargeError, found from Content-Length
// before anything is allocated when the server declares it.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	n := resp.ContentLength
	if n > limit {
		resp.Body = http.NoBody
		return nil, &ResponseTooLargeError{StatusCode: resp.StatusCode, Size: n, Limit: limit}
	}
	var buf []byte
	if n > 0 {
		buf = make([]byte, 0, n+1)
	}
	b := bytes.NewBuffer(buf)
	_, err := b.ReadFrom(io.LimitReader(resp.Body, limit+1))
	resp.Body = http.NoBody
	if err != nil {
		return nil, err
	}
	if int64(b.Len()) > limit {
		return nil, &ResponseTooLargeError{StatusCode: resp.StatusCode, Size: -1, Limit: limit}
	}
	if n > 0 && int64(b.Len()) < n {
		return nil, io.ErrUnexpectedEOF
	}
	return b.Bytes(), nil
}

// mapEntries decodes an answer keyed by data (free slots keyed by date):
// every entry that is a JSON object, leaving out the others (the traceId
// HighLevel adds beside the dates).
func mapEntries[T any](op *operation, resp *Response, raw map[string]json.RawMessage) (map[string]T, error) {
	out := make(map[string]T, len(raw))
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		if len(v) == 0 || v[0] != '{' {
			continue
		}
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			var ute *json.UnmarshalTypeError
			if errors.As(err, &ute) {
				ute.Field = strings.TrimSuffix(strconv.Quote(k)+"."+ute.Field, ".")
			}
			e := &DecodeError{Operation: op.Name, Err: fmt.Errorf("entry %q: %w", k, err)}
			if resp != nil && resp.Response != nil {
				e.StatusCode = resp.StatusCode
			}
			return nil, e
		}
		out[k] = x
	}
	return out, nil
}

// File is an answer that is not JSON, such as a call recording (audio/x-wav)
// or a transcription (text/plain). Its size is bounded by
// [WithMaxResponseSize].
type File struct {
	// ContentType is the answer's Content-Type header.
	ContentType string
	// Filename is the name the Content-Disposition header gives, if any.
	Filename string
	// Data is the body.
	Data []byte
}

// attachmentName reads the filename of a Content-Disposition header.
func attachmentName(cd string) string {
	if cd == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(cd)
	if err != nil {
		return ""
	}
	return params["filename"]
}

// traceIDOf finds the top-level "traceId" HighLevel puts last in its
// answers, without decoding the body: the last occurrence of the key, whose
// value is a short string.
func traceIDOf(body []byte) string {
	key := []byte(`"traceId":"`)
	i := bytes.LastIndex(body, key)
	if i < 0 {
		return ""
	}
	rest := body[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 || j > 128 || bytes.IndexByte(rest[:j], '\\') >= 0 {
		return ""
	}
	return string(rest[:j])
}
