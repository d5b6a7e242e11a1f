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
//	POST   /_emulator/tokens    body: {"locationId"|"companyId", "scopes"} → 201 {"token"}
//	POST   /_emulator/webhooks  body: {"url", "events"} → 201, deliveries start
//	GET    /_emulator/webhooks  → 200 [deliveries so far]
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
	case "POST /_emulator/tokens":
		var spec struct {
			LocationID string   `json:"locationId"`
			CompanyID  string   `json:"companyId"`
			Scopes     []string `json:"scopes"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&spec); err != nil || (spec.LocationID == "") == (spec.CompanyID == "") {
			bad(http.StatusBadRequest, "body must be {\"locationId\" or \"companyId\", \"scopes\": [...]}")
			return
		}
		tok, err := s.mintControlToken(TokenSpec{Location: spec.LocationID, Company: spec.CompanyID, Scopes: spec.Scopes})
		if err != nil {
			bad(http.StatusNotFound, err.Error())
			return
		}
		reply(http.StatusCreated, map[string]any{"token": tok, "scopes": spec.Scopes})
	case "POST /_emulator/webhooks":
		var reg struct {
			URL    string   `json:"url"`
			Events []string `json:"events"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&reg); err != nil ||
			!(strings.HasPrefix(reg.URL, "http://") || strings.HasPrefix(reg.URL, "https://")) {
			bad(http.StatusBadRequest, "body must be {\"url\": \"http(s)://...\", \"events\": [...]}")
			return
		}
		s.RegisterWebhook(reg.URL, reg.Events...)
		reply(http.StatusCreated, reg)
	case "GET /_emulator/webhooks":
		type delivery struct {
			URL        string          `json:"url"`
			Event      string          `json:"event"`
			WebhookID  string          `json:"webhookId"`
			Body       json.RawMessage `json:"body"`
			Attempts   int             `json:"attempts"`
			StatusCode int             `json:"statusCode"`
			Err        string          `json:"error,omitempty"`
			Delivered  bool            `json:"delivered"`
		}
		out := []delivery{}
		for _, d := range s.WebhookDeliveries() {
			out = append(out, delivery{d.URL, d.Event, d.WebhookID, d.Body, d.Attempts, d.StatusCode, d.Err, d.Delivered})
		}
		reply(http.StatusOK, out)
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

// mintControlToken is MintToken for the control endpoint: an unknown
// location or company is an error, not a panic.
func (s *Server) mintControlToken(spec TokenSpec) (tok string, err error) {
	s.mu.RLock()
	known := false
	if spec.Location != "" {
		_, known = s.st.locations[spec.Location]
	} else {
		_, known = s.st.companies[spec.Company]
	}
	s.mu.RUnlock()
	if !known {
		return "", errors.New("no such location or company")
	}
	return s.MintToken(spec), nil
}
