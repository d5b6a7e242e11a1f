package ghltest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// FaultKind names what an injected [Fault] does to a request.
type FaultKind string

// The fault kinds. "Before" kinds never reach the API handler, so they change
// no state; "after" kinds run the handler (state changes, rate limits count)
// and then spoil the response.
const (
	// FaultStatus answers with Fault.Status (required, 200..599) and a JSON body
	// {"statusCode":N,"message":"<status text>","traceId":...} without running
	// the handler. For 429 the body is the emulator's rate-limit body and
	// Fault.RetryAfter, if set, is sent as the Retry-After header.
	FaultStatus FaultKind = "status"
	// FaultResetBefore resets the TCP connection (RST) before the handler
	// runs: no response, no state change.
	FaultResetBefore FaultKind = "reset_before"
	// FaultResetAfter runs the handler (the state changes), then resets the
	// connection without sending any of the response.
	FaultResetAfter FaultKind = "reset_after"
	// FaultLatency delays the request by Fault.Delay (real time, not the
	// injected clock), then serves it normally. Latency faults combine with
	// one other matching fault.
	FaultLatency FaultKind = "latency"
	// FaultTruncate runs the handler (the state changes), sends the status,
	// the headers with the full Content-Length and only the first half of the
	// body, then closes the connection.
	FaultTruncate FaultKind = "truncate"
)

// Fault describes failures to inject into matching requests. Faults do not
// apply to the /_emulator/ control endpoints.
//
// Matching: Method ("" = any) and PathPattern ("" = any path). A pattern
// containing any of *?[ is matched with path.Match (so "*" does not cross a
// "/": "/contacts/*" matches "/contacts/abc" but not "/contacts/abc/notes");
// any other pattern is a prefix of the request path ("/contacts/" matches
// everything under it).
//
// Frequency: of the matching requests, a share Rate (0 < Rate <= 1; 0 means
// 1, i.e. every one) is hit, sampled with the server's seeded generator.
// Times > 0 stops the fault after it has hit that many requests (a script
// such as "the next 2 requests fail"); Times 0 keeps it forever.
//
// When several faults match, they are tried in the order they were injected:
// every firing latency fault adds its delay, and the first firing fault of
// another kind decides the outcome.
//
// Note that Go's http.Transport transparently retries an idempotent request
// (GET, HEAD, OPTIONS, TRACE, or one with an Idempotency-Key header) that
// fails on a reused keep-alive connection before any response byte arrives,
// so a reset of such a request may be invisible to a Go client (and consume
// two hits of the fault).
type Fault struct {
	Kind        FaultKind     `json:"kind"`
	Status      int           `json:"status,omitempty"`
	Delay       time.Duration `json:"-"`
	PathPattern string        `json:"pathPattern,omitempty"`
	Method      string        `json:"method,omitempty"`
	Rate        float64       `json:"rate,omitempty"`
	Times       int           `json:"times,omitempty"`
	RetryAfter  string        `json:"retryAfter,omitempty"`
}

// MarshalJSON encodes the fault with lowerCamel field names and Delay as a
// Go duration string ("250ms").
func (f Fault) MarshalJSON() ([]byte, error) {
	type plain Fault
	var d string
	if f.Delay != 0 {
		d = f.Delay.String()
	}
	return json.Marshal(struct {
		plain
		Delay string `json:"delay,omitempty"`
	}{plain(f), d})
}

// UnmarshalJSON decodes the lowerCamel form. "delay" is a Go duration string
// ("250ms", "1.5s") or a number of milliseconds.
func (f *Fault) UnmarshalJSON(b []byte) error {
	type plain Fault
	var aux struct {
		plain
		Delay json.RawMessage `json:"delay"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*f = Fault(aux.plain)
	if len(aux.Delay) > 0 && string(aux.Delay) != "null" {
		var s string
		if err := json.Unmarshal(aux.Delay, &s); err == nil {
			d, err := time.ParseDuration(s)
			if err != nil {
				return &FaultError{Field: "delay", Reason: strings.TrimPrefix(err.Error(), "time: ")}
			}
			f.Delay = d
		} else {
			ms, err := strconv.ParseFloat(string(aux.Delay), 64)
			if err != nil {
				return &FaultError{Field: "delay", Reason: "must be a duration string or milliseconds"}
			}
			// Saturate instead of overflowing, so that validate rejects it.
			switch ns := ms * float64(time.Millisecond); {
			case ns >= math.MaxInt64:
				f.Delay = math.MaxInt64
			case ns <= math.MinInt64:
				f.Delay = math.MinInt64
			default:
				f.Delay = time.Duration(ns)
			}
		}
	}
	return nil
}

// MaxFaultDelay is the longest Delay a latency fault may have.
const MaxFaultDelay = 10 * time.Minute

// faultKinds lists the kinds for error messages.
const faultKinds = "status, reset_before, reset_after, latency or truncate"

// validate is the one check of a fault, used by WithFaults, InjectFault and
// POST /_emulator/faults.
func (f Fault) validate() error {
	bad := func(field, format string, args ...any) error {
		return &FaultError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	switch f.Kind {
	case FaultStatus, FaultResetBefore, FaultResetAfter, FaultLatency, FaultTruncate:
	case "":
		return bad("kind", "required (%s)", faultKinds)
	default:
		return bad("kind", "unknown kind %q (want %s)", f.Kind, faultKinds)
	}
	if f.Kind == FaultStatus {
		switch {
		case f.Status == 0:
			return bad("status", "required for kind status (200..599)")
		case f.Status < 200 || f.Status > 599:
			// A 1xx is an interim response: clients would read the real
			// response that follows, so it would not inject anything.
			return bad("status", "%d is outside 200..599", f.Status)
		}
	} else {
		if f.Status != 0 {
			return bad("status", "applies only to kind status")
		}
		if f.RetryAfter != "" {
			return bad("retryAfter", "applies only to kind status")
		}
	}
	switch {
	case f.Delay < 0:
		return bad("delay", "%v is negative", f.Delay)
	case f.Delay > MaxFaultDelay:
		return bad("delay", "%v exceeds %v", f.Delay, MaxFaultDelay)
	case f.Kind == FaultLatency && f.Delay == 0:
		return bad("delay", "required for kind latency (a positive duration up to %v)", MaxFaultDelay)
	case f.Kind != FaultLatency && f.Delay != 0:
		return bad("delay", "applies only to kind latency")
	}
	if !(f.Rate >= 0 && f.Rate <= 1) { // also NaN
		return bad("rate", "%v is outside 0..1", f.Rate)
	}
	if f.Times < 0 {
		return bad("times", "%d is negative", f.Times)
	}
	if f.PathPattern != "" {
		if f.PathPattern[0] != '/' {
			return bad("pathPattern", "%q must start with %q", f.PathPattern, "/")
		}
		if strings.ContainsAny(f.PathPattern, "*?[") {
			if _, err := path.Match(f.PathPattern, "/"); err != nil {
				return bad("pathPattern", "%q is malformed: %v", f.PathPattern, err)
			}
		}
	}
	return nil
}

type activeFault struct {
	Fault
	left int // remaining hits when Times > 0
}

func (a *activeFault) matches(method, p string) bool {
	if a.Method != "" && !strings.EqualFold(a.Method, method) {
		return false
	}
	if a.PathPattern == "" {
		return true
	}
	if strings.ContainsAny(a.PathPattern, "*?[") {
		ok, _ := path.Match(a.PathPattern, p)
		return ok
	}
	return strings.HasPrefix(p, a.PathPattern)
}

// InjectFault adds a fault. It panics with a *[FaultError] if the fault is
// invalid (see [Fault.Validate]); the control endpoint answers 400 instead.
func (s *Server) InjectFault(f Fault) {
	if err := s.addFault(f); err != nil {
		panic(err)
	}
}

func (s *Server) addFault(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	s.faultMu.Lock()
	s.faults = append(s.faults, &activeFault{Fault: f, left: f.Times})
	s.faultMu.Unlock()
	return nil
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	s.faults = nil
	s.faultMu.Unlock()
}

// Faults returns the active faults; Times holds the hits left for scripted
// faults.
func (s *Server) Faults() []Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, a := range s.faults {
		out[i] = a.Fault
		if a.Times > 0 {
			out[i].Times = a.left
		}
	}
	return out
}

// pickFault decides which faults hit this request: the summed delay of the
// firing latency faults and the first firing fault of another kind.
func (s *Server) pickFault(method, p string) (*Fault, time.Duration) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if len(s.faults) == 0 {
		return nil, 0
	}
	var delay time.Duration
	var hit *Fault
	kept := s.faults[:0]
	for _, a := range s.faults {
		fires := false
		if (hit == nil || a.Kind == FaultLatency) && a.matches(method, p) {
			fires = a.Rate == 0 || a.Rate >= 1 || s.faultRng.Float64() < a.Rate
		}
		if fires {
			if a.Kind == FaultLatency {
				delay += a.Delay
			} else {
				f := a.Fault
				hit = &f
			}
			if a.Times > 0 {
				a.left--
			}
		}
		if a.Times == 0 || a.left > 0 {
			kept = append(kept, a)
		}
	}
	for i := len(kept); i < len(s.faults); i++ {
		s.faults[i] = nil
	}
	s.faults = kept
	return hit, delay
}

// injectedStatus builds the response of a FaultStatus fault. The rate-limit
// headers report the caller's current counters without counting the request.
func (c *reqCtx) injectedStatus(f *Fault) {
	if p, _ := c.s.lookupToken(bearerToken(c.r)); p != nil {
		c.rl, c.rlSet = c.s.rl.peek(p.rateKey()), true
	}
	if f.Status == http.StatusTooManyRequests {
		if f.RetryAfter != "" {
			c.header("Retry-After", f.RetryAfter)
		}
		c.fail(f.Status, "Too Many Requests", "")
		return
	}
	if f.RetryAfter != "" {
		c.header("Retry-After", f.RetryAfter)
	}
	msg := http.StatusText(f.Status)
	if msg == "" {
		msg = "Error"
	}
	c.fail(f.Status, msg, "")
}

// FaultError reports an invalid [Fault]: the field at fault (its JSON name,
// e.g. "status") and why. [Fault.Validate], [Server.InjectFault] (as a panic)
// and POST /_emulator/faults (as a 400) report it.
type FaultError struct {
	Field  string // JSON name of the field: kind, status, delay, rate, times, pathPattern, retryAfter, ...
	Reason string // e.g. "100 is outside 200..599"
}

// Error returns "ghltest: invalid fault: <field>: <reason>".
func (e *FaultError) Error() string {
	return "ghltest: invalid fault: " + e.Field + ": " + e.Reason
}

// Validate reports whether the fault can be injected, and if not, why, as a
// *[FaultError]. A fault needs a known Kind; kind status needs a Status in
// 200..599 (1xx are interim responses, which clients skip) and is the only
// kind that takes Status and RetryAfter; kind latency needs a Delay in
// (0, [MaxFaultDelay]] and is the only kind that takes one; Rate is in
// 0..1; Times is not negative; a PathPattern starts with "/" and, if it is a
// glob, is well-formed.
func (f Fault) Validate() error { return f.validate() }
