package ghltest

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"
)

// controlTokenHeader carries the control token as an alternative to
// "Authorization: Bearer <token>".
const controlTokenHeader = "X-Emulator-Control-Token"

// serveControl serves the /_emulator/ control endpoints. They need no API
// token, no Version header, are not rate limited, recorded or faulted; with
// WithControlToken they need the control token.
//
//	POST   /_emulator/faults    body: a Fault as JSON → 201 with the fault
//	GET    /_emulator/faults    → 200 [faults]
//	DELETE /_emulator/faults    → 204, all faults removed
//	GET    /_emulator/stats     → 200 Stats as JSON
//	GET    /_emulator/requests  → 200 [recorded requests] (body as a string)
//	DELETE /_emulator/requests  → 204, request log cleared
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		if v != nil {
			w.Write(marshal(v))
		}
	}
	bad := func(status int, msg string) {
		reply(status, errBody{StatusCode: status, Message: msg, Error: http.StatusText(status), TraceID: newTraceID()})
	}
	if !s.controlAllowed(r) {
		bad(http.StatusUnauthorized, "Invalid control token: send Authorization: Bearer <control token> or "+controlTokenHeader)
		return
	}
	switch r.Method + " " + r.URL.Path {
	case "POST /_emulator/faults":
		f, err := decodeFault(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			bad(http.StatusBadRequest, strings.TrimPrefix(err.Error(), "ghltest: "))
			return
		}
		if err := s.addFault(f); err != nil {
			bad(http.StatusBadRequest, strings.TrimPrefix(err.Error(), "ghltest: "))
			return
		}
		fs := s.Faults()
		reply(http.StatusCreated, fs[len(fs)-1])
	case "GET /_emulator/faults":
		reply(http.StatusOK, s.Faults())
	case "DELETE /_emulator/faults":
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	case "GET /_emulator/stats":
		reply(http.StatusOK, s.Stats())
	case "GET /_emulator/requests":
		reply(http.StatusOK, s.Requests())
	case "DELETE /_emulator/requests":
		s.ResetRequests()
		w.WriteHeader(http.StatusNoContent)
	default:
		bad(http.StatusNotFound, "Cannot "+r.Method+" "+r.URL.Path)
	}
}

// controlAllowed reports whether r may use the control endpoints: always
// without a control token, else only with it (compared in constant time).
func (s *Server) controlAllowed(r *http.Request) bool {
	want := s.cfg.controlToken
	if want == "" {
		return true
	}
	got := r.Header.Get(controlTokenHeader)
	if got == "" {
		got = bearerToken(r)
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// faultFields are the JSON members of a Fault.
var faultFields = map[string]bool{"kind": true, "status": true, "delay": true, "pathPattern": true, "method": true, "rate": true, "times": true, "retryAfter": true}

// decodeFault reads one Fault as JSON, rejecting unknown members (a typo
// would otherwise silently change the fault). Errors read "invalid fault
// JSON: ..." or, for a *FaultError, "invalid fault: <field>: <reason>".
func decodeFault(r io.Reader) (Fault, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Fault{}, errors.New("invalid fault JSON: " + err.Error())
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return Fault{}, errors.New("invalid fault JSON: " + err.Error())
	}
	var unknown []string
	for k := range raw {
		if !faultFields[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return Fault{}, &FaultError{Field: unknown[0], Reason: "unknown field"}
	}
	var f Fault
	if err := json.Unmarshal(b, &f); err != nil {
		var fe *FaultError
		if errors.As(err, &fe) {
			return Fault{}, fe
		}
		return Fault{}, errors.New("invalid fault JSON: " + err.Error())
	}
	return f, nil
}
