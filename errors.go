package ghl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors, matched with [errors.Is] against the typed errors this
// package returns. For example, errors.Is(err, ghl.ErrNotFound) is true for an
// [*APIError] with status 404.
var (
	// ErrBadRequest matches a 400 response.
	ErrBadRequest = errors.New("ghl: bad request")
	// ErrUnauthorized matches a 401 response: a missing, invalid or expired
	// token, or a token without the scope the operation needs.
	ErrUnauthorized = errors.New("ghl: unauthorized")
	// ErrForbidden matches a 403 response, such as a token used on another
	// location.
	ErrForbidden = errors.New("ghl: forbidden")
	// ErrNotFound matches a 404 response.
	ErrNotFound = errors.New("ghl: not found")
	// ErrValidation matches a 422 response, whose messages list the failed
	// validations.
	ErrValidation = errors.New("ghl: validation failed")
	// ErrRateLimited matches a 429 response and a [*RateLimitError].
	ErrRateLimited = errors.New("ghl: rate limited")
	// ErrServer matches a 5xx response.
	ErrServer = errors.New("ghl: server error")
	// ErrInvalidArgument matches an [*ArgError]: bad input caught before any
	// request was sent.
	ErrInvalidArgument = errors.New("ghl: invalid argument")
	// ErrOutcomeUnknown matches a failed write (POST or PATCH) that may have
	// reached HighLevel: a connection lost after sending, a truncated
	// response, or a 5xx. The write may or may not have been applied; check
	// before sending it again. It is never retried automatically unless the
	// RetryPolicy opts in.
	ErrOutcomeUnknown = errors.New("ghl: outcome of write unknown")
	// ErrEmptyResponse matches a [*DecodeError] for a 2xx answer that
	// carries no result: an empty body, a 204, null, {} or an envelope
	// without the operation's result field. The request reached HighLevel;
	// for a write, check its effect before sending it again.
	ErrEmptyResponse = errors.New("ghl: response has no result")
	// ErrAttemptTimeout matches a [*RequestError] for an attempt cut by
	// [Timeouts].Attempt: the server did not answer in full in time. A
	// write cut this way may have been applied.
	ErrAttemptTimeout = errors.New("ghl: no complete answer within the attempt timeout")
	// ErrResponseTooLarge matches a [*ResponseTooLargeError].
	ErrResponseTooLarge = errors.New("ghl: response too large")
	// ErrTooManyPages matches a [*PageError] for an iteration that reached
	// the client's page ceiling (see [WithMaxPages]).
	ErrTooManyPages = errors.New("ghl: too many pages")
	// ErrCursorRepeated matches a [*PageError] for a server whose paging
	// cursor came back to a page already read.
	ErrCursorRepeated = errors.New("ghl: paging cursor repeated")
)

// maxErrorBody bounds the copy of an error body kept on an [*APIError].
const maxErrorBody = 4 << 10

// APIError is a non-2xx answer from HighLevel.
type APIError struct {
	// Operation names the SDK method, such as "Contacts.Get".
	Operation string
	// Method and Path are the request's method and path, without the query.
	Method, Path string
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is the error text; for a 422 the messages joined with "; ".
	Message string
	// Messages holds every message: GHL sends one string, or an array on 422.
	Messages []string
	// ErrorName is the body's "error" field, such as "Unprocessable Entity".
	ErrorName string
	// TraceID is HighLevel's id for the request, worth quoting to support.
	TraceID string
	// Body is the start of the response body (at most 4 KiB).
	Body []byte
	// Attempts is how many times the request was sent.
	Attempts int
}

// Error describes the failure; it never contains a token or secret.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("ghl: ")
	b.WriteString(e.Operation)
	b.WriteString(" (")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString("): ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Message != "" {
		b.WriteByte(' ')
		b.WriteString(e.Message)
	} else {
		b.WriteByte(' ')
		b.WriteString(http.StatusText(e.StatusCode))
	}
	if e.TraceID != "" {
		b.WriteString(" (traceId ")
		b.WriteString(e.TraceID)
		b.WriteByte(')')
	}
	return b.String()
}

// Is reports whether target is the sentinel for e's status.
func (e *APIError) Is(target error) bool {
	if target == ErrOutcomeUnknown {
		return e.StatusCode >= 500 && !idempotent(e.Method)
	}
	return statusIs(e.StatusCode, target)
}

// statusIs reports whether target is the sentinel for an HTTP status.
func statusIs(status int, target error) bool {
	switch target {
	case ErrBadRequest:
		return status == http.StatusBadRequest
	case ErrUnauthorized:
		return status == http.StatusUnauthorized
	case ErrForbidden:
		return status == http.StatusForbidden
	case ErrNotFound:
		return status == http.StatusNotFound
	case ErrValidation:
		return status == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return status == http.StatusTooManyRequests
	case ErrServer:
		return status >= 500
	}
	return false
}

// RateLimitError reports a request refused for rate limits: either HighLevel
// answered 429 after the client's retries, or the client did not send it
// because the daily quota is spent (Daily is true and API is nil).
type RateLimitError struct {
	// Operation names the SDK method.
	Operation string
	// Rate is the last quota HighLevel reported for this location or company.
	Rate Rate
	// Daily is true when the daily quota, not the burst limit, is spent.
	Daily bool
	// RetryAfter is how long to wait before trying again, when known.
	RetryAfter time.Duration
	// API is HighLevel's 429 answer; nil when the client refused to send.
	API *APIError
}

// Error describes the failure; it never contains a token or secret.
func (e *RateLimitError) Error() string {
	var b strings.Builder
	b.WriteString("ghl: ")
	b.WriteString(e.Operation)
	if e.Daily {
		b.WriteString(": daily request quota spent")
		if e.API == nil {
			b.WriteString(", not sent")
		}
	} else {
		b.WriteString(": rate limited (429)")
	}
	if e.RetryAfter > 0 {
		b.WriteString("; retry after ")
		b.WriteString(e.RetryAfter.Round(time.Millisecond).String())
	}
	return b.String()
}

// Is matches [ErrRateLimited].
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// Unwrap returns HighLevel's 429 answer, if there was one.
func (e *RateLimitError) Unwrap() error {
	if e.API == nil {
		return nil
	}
	return e.API
}

// ArgError reports bad input caught before any request was sent, such as an
// empty or ".." ID or a missing required field.
type ArgError struct {
	// Operation names the SDK method.
	Operation string
	// Arg names the argument or field, as the API spells it.
	Arg string
	// Reason says what is wrong with it.
	Reason string
}

// Error describes the failure; it never contains a token or secret.
func (e *ArgError) Error() string {
	return "ghl: " + e.Operation + ": " + e.Arg + " " + e.Reason
}

// Is matches [ErrInvalidArgument].
func (e *ArgError) Is(target error) bool { return target == ErrInvalidArgument }

// RequestError reports a request that got no usable HTTP answer: the
// connection failed, was reset, or the body was cut short.
type RequestError struct {
	// Operation names the SDK method.
	Operation string
	// Method and Path are the request's method and path, without the query.
	Method, Path string
	// Sent is true when the request may have reached HighLevel (the failure
	// came after the connection was made). A POST with Sent true may have
	// been applied: see [ErrOutcomeUnknown].
	Sent bool
	// Attempts is how many times the request was sent.
	Attempts int
	// Err is the underlying error.
	Err error
}

// Error describes the failure; it never contains a token or secret.
func (e *RequestError) Error() string {
	s := "ghl: " + e.Operation + " (" + e.Method + " " + e.Path + "): " + e.Err.Error()
	if e.Is(ErrOutcomeUnknown) {
		s += " (the write may have been applied)"
	}
	return s
}

// Unwrap returns the underlying error, such as context.Canceled.
func (e *RequestError) Unwrap() error { return e.Err }

// Is matches [ErrOutcomeUnknown] for a write that may have been applied.
func (e *RequestError) Is(target error) bool {
	return target == ErrOutcomeUnknown && e.Sent && !idempotent(e.Method)
}

// DecodeError reports a 2xx response whose body could not be decoded into the
// operation's result. When a value had the wrong type, [DecodeError.Field]
// and [DecodeError.Kind] say where and what it was, and the message names
// them and the Go type expected, as in
//
//	ghl: Contacts.Get: decoding 200 response: field contact.tags: got string, want []string
type DecodeError struct {
	// Operation names the SDK method.
	Operation string
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Body is the start of the response body (at most 4 KiB).
	Body []byte
	// Err is the JSON error.
	Err error
}

// Error describes the failure; it never contains a token or secret.
func (e *DecodeError) Error() string {
	prefix := "ghl: " + e.Operation + ": decoding " + strconv.Itoa(e.StatusCode) + " response: "
	if m, ok := typeMismatch(e.Err); ok {
		where := "top level"
		if m.field != "" {
			where = "field " + m.field
		}
		return prefix + where + ": got " + m.kind + ", want " + m.want
	}
	return prefix + e.Err.Error()
}

// Unwrap returns the JSON error, or [ErrEmptyResponse].
func (e *DecodeError) Unwrap() error { return e.Err }

// Field returns the JSON path of the value that had the wrong type, such as
// "contact.dateAdded" or "contacts.tags" (array indices are not written),
// as encoding/json reports it in its [json.UnmarshalTypeError]. It is "" for
// the body itself, and for a failure that is not a type mismatch.
func (e *DecodeError) Field() string {
	m, _ := typeMismatch(e.Err)
	return m.field
}

// Kind returns the kind of JSON value received where a value had the wrong
// type: "string", "number", "bool", "array", "object" or "null". It is ""
// when the failure is not a type mismatch.
func (e *DecodeError) Kind() string {
	m, _ := typeMismatch(e.Err)
	return m.kind
}

// mismatch describes a JSON value of the wrong type.
type mismatch struct {
	field, kind, want string
}

// typeMismatch reads the field, the kind of value received and the Go type
// expected from a *json.UnmarshalTypeError in err's chain.
func typeMismatch(err error) (mismatch, bool) {
	var ute *json.UnmarshalTypeError
	if !errors.As(err, &ute) {
		return mismatch{}, false
	}
	// Value is "number 300" for a number out of range: keep the kind only.
	kind, _, _ := strings.Cut(ute.Value, " ")
	m := mismatch{field: ute.Field, kind: kind, want: "?"}
	if ute.Type != nil {
		m.want = ute.Type.String()
	}
	return m, true
}

// ResponseTooLargeError reports an answer whose body is larger than the
// client reads (64 MiB by default, see [WithMaxResponseSize]). It is found
// from Content-Length before anything is allocated when the server declares
// it, and the request is not sent again. HighLevel did answer: StatusCode
// says how, so a 2xx write was applied.
type ResponseTooLargeError struct {
	// Operation names the SDK method.
	Operation string
	// Method and Path are the request's method and path, without the query.
	Method, Path string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Size is the declared Content-Length, or -1 when the body was not
	// declared and passed Limit while it was read.
	Size int64
	// Limit is the most the client reads of a body.
	Limit int64
}

// Error describes the failure; it never contains a token or secret.
func (e *ResponseTooLargeError) Error() string {
	size := "more"
	if e.Size >= 0 {
		size = strconv.FormatInt(e.Size, 10) + " bytes"
	}
	return "ghl: " + e.Operation + " (" + e.Method + " " + e.Path + "): " + strconv.Itoa(e.StatusCode) +
		" response body of " + size + " is over the limit of " + strconv.FormatInt(e.Limit, 10) + " bytes"
}

// Is matches [ErrResponseTooLarge].
func (e *ResponseTooLargeError) Is(target error) bool { return target == ErrResponseTooLarge }

// PageError ends an iteration that cannot go on safely: the server's cursor
// came back to a page already read (a cycle that would never end), or the
// iteration read as many pages as the client allows ([WithMaxPages]). The
// items yielded before it are valid; the rest were not read.
type PageError struct {
	// Operation names the SDK method whose pages were read.
	Operation string
	// Pages is how many pages were read.
	Pages int
	// Err is [ErrCursorRepeated] or [ErrTooManyPages].
	Err error
}

// Error describes the failure.
func (e *PageError) Error() string {
	return "ghl: " + e.Operation + ": " + strings.TrimPrefix(e.Err.Error(), "ghl: ") + " after " + strconv.Itoa(e.Pages) + " pages"
}

// Unwrap returns [ErrCursorRepeated] or [ErrTooManyPages].
func (e *PageError) Unwrap() error { return e.Err }

// errorBody is the shape of HighLevel error bodies: statusCode (or status),
// message as a string or an array of strings, error, traceId. The v3 OAuth
// form nests them under "error".
type errorBody struct {
	StatusCode int             `json:"statusCode"`
	Status     int             `json:"status"`
	Message    json.RawMessage `json:"message"`
	Error      json.RawMessage `json:"error"`
	TraceID    string          `json:"traceId"`
}

// Bounds on decoding an error body, whatever the server sends: only the
// first maxErrorDecode bytes are parsed as JSON, message arrays are followed
// maxMessageDepth levels deep, and at most maxMessages messages of at most
// maxMessageLen bytes each are kept. Decoding therefore costs time and
// memory linear in min(body, maxErrorDecode), never depth times size.
const (
	maxErrorDecode  = 64 << 10
	maxMessageDepth = 3
	maxMessages     = 50
	maxMessageLen   = 1 << 10
	maxErrorNesting = 16
)

// nestedDeeper reports whether the JSON text b nests arrays or objects more
// than limit levels deep, in one pass without allocating. HighLevel's error
// bodies nest three levels at most; a deeper one is not decoded, since the
// JSON decoder's own stack grows with depth.
func nestedDeeper(b []byte, limit int) bool {
	depth, inString, escaped := 0, false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			if depth++; depth > limit {
				return true
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return false
}

// newAPIError builds an *APIError from a non-2xx response body.
func newAPIError(op *operation, method, path string, status int, body []byte) *APIError {
	e := &APIError{
		Operation:  op.Name,
		Method:     method,
		Path:       path,
		StatusCode: status,
		Body:       bytes.Clone(body[:min(len(body), maxErrorBody)]),
	}
	var eb errorBody
	if len(body) > maxErrorDecode || nestedDeeper(body, maxErrorNesting) || json.Unmarshal(body, &eb) != nil {
		// Not JSON (or too large to be an error body): keep a short
		// plain-text message.
		if s := strings.TrimSpace(string(e.Body)); s != "" && len(s) <= 200 && len(body) <= maxErrorBody {
			e.Message = s
			e.Messages = []string{s}
		}
		return e
	}
	e.TraceID = eb.TraceID
	e.Messages = decodeMessages(eb.Message)
	if name, nested := decodeErrorField(eb.Error); nested != nil {
		// v3 form: {"error":{"code","message","details","resolution"}}
		if len(e.Messages) == 0 && nested.Message != "" {
			e.Messages = []string{clip(nested.Message)}
		}
		e.ErrorName = clip(nested.Code)
	} else {
		e.ErrorName = clip(name)
	}
	if len(e.Messages) == 0 && e.ErrorName != "" {
		e.Messages = []string{e.ErrorName}
	}
	e.Message = strings.Join(e.Messages, "; ")
	return e
}

// decodeMessages reads "message": a string, an array of strings (422), or
// an object with its own message, within the bounds above.
func decodeMessages(raw json.RawMessage) []string {
	var out []string
	appendMessages(&out, raw, 0)
	return out
}

func appendMessages(out *[]string, raw json.RawMessage, depth int) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || len(*out) >= maxMessages || bytes.Equal(raw, []byte("null")) {
		return
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil && s != "" {
			*out = append(*out, clip(s))
		}
	case '[':
		if depth >= maxMessageDepth {
			return
		}
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) == nil {
			for _, it := range items {
				if len(*out) >= maxMessages {
					return
				}
				appendMessages(out, it, depth+1)
			}
		}
	case '{':
		if depth >= maxMessageDepth {
			return
		}
		var m struct {
			Message json.RawMessage `json:"message"`
		}
		if json.Unmarshal(raw, &m) == nil {
			appendMessages(out, m.Message, depth+1)
		}
	default:
		*out = append(*out, clip(string(raw)))
	}
}

// clip shortens one message to maxMessageLen bytes, on a rune boundary.
func clip(s string) string {
	if len(s) <= maxMessageLen {
		return s
	}
	i := maxMessageLen
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}

type nestedError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// decodeErrorField reads "error" as a string, or as the v3 object.
func decodeErrorField(raw json.RawMessage) (string, *nestedError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", nil
	}
	if raw[0] == '{' {
		var n nestedError
		if json.Unmarshal(raw, &n) == nil {
			return "", &n
		}
		return "", nil
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s, nil
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// errorf is used for internal errors that name the operation.
func errorf(op *operation, format string, args ...any) error {
	return fmt.Errorf("ghl: %s: %s", op.Name, fmt.Sprintf(format, args...))
}

// tokenShaped matches what looks like a credential in text a server sent
// back: a JWT (HighLevel's access and refresh tokens), a Private
// Integration token, or a bearer credential.
var tokenShaped = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*|\bpit-[0-9A-Fa-f\-]{16,}|(?i)\bbearer\s+[^\s"',;]+`)

// redactSecrets removes secrets (the request's own token, whatever the
// server echoed) and anything token-shaped from the text kept in e, so that
// printing or logging the error never leaks them.
func (e *APIError) redactSecrets(secrets ...string) {
	e.Message = redactText(e.Message, secrets)
	e.ErrorName = redactText(e.ErrorName, secrets)
	for i, m := range e.Messages {
		e.Messages[i] = redactText(m, secrets)
	}
	if len(e.Body) > 0 {
		e.Body = []byte(redactText(string(e.Body), secrets))
	}
}

// redactText replaces each secret (of 8 or more bytes, so that short
// values do not wipe out ordinary words) and each token-shaped run in s.
func redactText(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 8 && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	if strings.Contains(s, "eyJ") || strings.Contains(s, "pit-") || strings.Contains(strings.ToLower(s), "bearer") {
		s = tokenShaped.ReplaceAllStringFunc(s, func(m string) string {
			if len(m) > 6 && strings.EqualFold(m[:6], "bearer") {
				return "Bearer [REDACTED]"
			}
			return "[REDACTED]"
		})
	}
	return s
}
