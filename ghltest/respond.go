package ghltest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// reqCtx carries one API request through the pipeline and buffers its
// response, so that faults can decide what reaches the wire.
type reqCtx struct {
	s       *Server
	r       *http.Request
	body    []byte
	traceID string
	rt      *route   // the operation routed to
	params  []string // name, value pairs from the route pattern
	pbuf    [2 * maxParams]string
	p       *principal
	query   url.Values

	rl      rlState
	rlSet   bool
	status  int
	out     []byte
	headers [][2]string
}

// param returns the decoded path parameter name.
func (c *reqCtx) param(name string) string {
	for i := 0; i+1 < len(c.params); i += 2 {
		if c.params[i] == name {
			return c.params[i+1]
		}
	}
	return ""
}

// q returns the parsed query string.
func (c *reqCtx) q() url.Values {
	if c.query == nil {
		c.query = c.r.URL.Query()
	}
	return c.query
}

// qArray returns the values of an array query parameter, accepting both the
// bracket form (x[]=a&x[]=b, as the official Node SDK sends) and the
// repeated form (x=a&x=b). Comma-separated single values are not split.
func (c *reqCtx) qArray(name string) []string {
	q := c.q()
	out := append([]string(nil), q[name]...)
	return append(out, q[name+"[]"]...)
}

// rawJSON sets a JSON response.
func (c *reqCtx) rawJSON(status int, b []byte) {
	c.status = status
	c.out = b
}

// json sets a JSON response encoded from v.
func (c *reqCtx) json(status int, v any) { c.rawJSON(status, marshal(v)) }

func (c *reqCtx) header(k, v string) { c.headers = append(c.headers, [2]string{k, v}) }

// errBody is the NestJS-style error body HighLevel returns.
type errBody struct {
	StatusCode int    `json:"statusCode"`
	Message    any    `json:"message"`
	Error      string `json:"error,omitempty"`
	Meta       any    `json:"meta,omitempty"`
	TraceID    string `json:"traceId"`
}

// fail sets an error response. msg is a string or []string; errText is the
// optional "error" field.
func (c *reqCtx) fail(status int, msg any, errText string) {
	c.json(status, errBody{StatusCode: status, Message: msg, Error: errText, TraceID: c.traceID})
}

func (c *reqCtx) badRequest(msg string) { c.fail(http.StatusBadRequest, msg, "Bad Request") }
func (c *reqCtx) notFound(msg string)   { c.fail(http.StatusNotFound, msg, "Not Found") }

// unprocessable sets a 422 with the array form of message.
func (c *reqCtx) unprocessable(msgs ...string) {
	c.fail(http.StatusUnprocessableEntity, msgs, "Unprocessable Entity")
}

func (c *reqCtx) unauthorized(msg string, withError bool) {
	c.s.counters.unauthorized.Add(1)
	e := ""
	if withError {
		e = "Unauthorized"
	}
	c.fail(http.StatusUnauthorized, msg, e)
}

func (c *reqCtx) forbiddenLocation() {
	c.fail(http.StatusForbidden, "The token does not have access to this location", "")
}

// setHeaders writes the buffered headers, including the rate-limit ones.
func (c *reqCtx) setHeaders(h http.Header, contentLength int) {
	if !c.rlSet {
		c.rl = c.s.rl.peek("")
	}
	c.rl.set(h)
	h.Set("Content-Type", "application/json; charset=utf-8") // a handler's own header overrides it
	for _, kv := range c.headers {
		h.Set(kv[0], kv[1])
	}
	h.Set("Content-Length", strconv.Itoa(contentLength))
}

// write sends the buffered response.
func (c *reqCtx) write(w http.ResponseWriter) {
	if c.status == 0 {
		c.notFound("Cannot " + c.r.Method + " " + c.r.URL.Path)
	}
	c.setHeaders(w.Header(), len(c.out))
	w.WriteHeader(c.status)
	if c.r.Method != http.MethodHead {
		w.Write(c.out)
	}
}

// writeTruncated sends the headers with the full Content-Length but only the
// first half of the body, then closes the connection (FIN, not RST, so the
// client reads the partial body and then an unexpected EOF).
func (c *reqCtx) writeTruncated(w http.ResponseWriter) {
	c.setHeaders(w.Header(), len(c.out))
	w.WriteHeader(c.status)
	w.Write(c.out[:len(c.out)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	abortConn(w, false)
}

// abortConn closes the client connection without (completing) a response.
// With rst it sets SO_LINGER 0 so the peer sees a TCP reset; otherwise it
// closes normally. Connections that cannot be hijacked (HTTP/2) are aborted
// with http.ErrAbortHandler.
func abortConn(w http.ResponseWriter, rst bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if buf != nil && buf.Writer.Buffered() > 0 {
		buf.Flush()
	}
	if rst {
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
	}
	conn.Close()
}

// decodeBody decodes a JSON request body into a map. An empty body, or a body
// sent with a non-JSON Content-Type, decodes to an empty map (as Express's
// JSON parser leaves req.body empty), so required-field validation answers.
// Malformed JSON answers 400 and returns false.
func (c *reqCtx) decodeBody() (map[string]any, bool) {
	m := map[string]any{}
	b := bytes.TrimSpace(c.body)
	if len(b) == 0 {
		return m, true
	}
	ct := c.r.Header.Get("Content-Type")
	if ct != "" && !strings.Contains(strings.ToLower(ct), "json") {
		return m, true
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		c.badRequest(jsonErrorMessage(b, err))
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.Decode(&v)
	obj, ok := v.(map[string]any)
	if !ok {
		c.badRequest("Request body must be a JSON object")
		return nil, false
	}
	return obj, true
}

// jsonErrorMessage words a JSON syntax error in b as Node.js's JSON.parse
// does (Express answers it with 400).
func jsonErrorMessage(b []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if se.Offset >= int64(len(b)) {
			return "Unexpected end of JSON input"
		}
		return "Unexpected token in JSON at position " + strconv.FormatInt(se.Offset-1, 10)
	}
	return "Unexpected token in JSON"
}
