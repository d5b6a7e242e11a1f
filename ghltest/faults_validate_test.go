package ghltest_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

// invalidFaults are rejected, each naming its field, through the Go API
// (f) and over HTTP (json; "" where JSON cannot express the fault).
var invalidFaults = []struct {
	name   string
	f      ghltest.Fault
	json   string
	field  string
	reason string
}{
	{"1xx status", ghltest.Fault{Kind: ghltest.FaultStatus, Status: 100}, `{"kind":"status","status":100}`, "status", "100 is outside 200..599"},
	{"199 status", ghltest.Fault{Kind: ghltest.FaultStatus, Status: 199}, `{"kind":"status","status":199}`, "status", "199 is outside 200..599"},
	{"600 status", ghltest.Fault{Kind: ghltest.FaultStatus, Status: 600}, `{"kind":"status","status":600}`, "status", "600 is outside 200..599"},
	{"negative status", ghltest.Fault{Kind: ghltest.FaultStatus, Status: -503}, `{"kind":"status","status":-503}`, "status", "-503 is outside 200..599"},
	{"missing status", ghltest.Fault{Kind: ghltest.FaultStatus}, `{"kind":"status","times":1}`, "status", "required for kind status (200..599)"},
	{"status of another kind", ghltest.Fault{Kind: ghltest.FaultResetBefore, Status: 503}, `{"kind":"reset_before","status":503}`, "status", "applies only to kind status"},
	{"retryAfter of another kind", ghltest.Fault{Kind: ghltest.FaultTruncate, RetryAfter: "1"}, `{"kind":"truncate","retryAfter":"1"}`, "retryAfter", "applies only to kind status"},
	{"unknown kind", ghltest.Fault{Kind: "explode"}, `{"kind":"explode"}`, "kind", `unknown kind "explode" (want status, reset_before, reset_after, latency or truncate)`},
	{"missing kind", ghltest.Fault{Status: 503}, `{"status":503}`, "kind", "required (status, reset_before, reset_after, latency or truncate)"},
	{"rate above 1", ghltest.Fault{Kind: ghltest.FaultStatus, Status: 503, Rate: 1.5}, `{"kind":"status","status":503,"rate":1.5}`, "rate", "1.5 is outside 0..1"},
	{"negative rate", ghltest.Fault{Kind: ghltest.FaultStatus, Status: 503, Rate: -0.1}, `{"kind":"status","status":503,"rate":-0.1}`, "rate", "-0.1 is outside 0..1"},
	{"NaN rate", ghltest.Fault{Kind: ghltest.FaultStatus, Status: 503, Rate: math.NaN()}, "", "rate", "NaN is outside 0..1"},
	{"negative times", ghltest.Fault{Kind: ghltest.FaultResetAfter, Times: -1}, `{"kind":"reset_after","times":-1}`, "times", "-1 is negative"},
	{"latency without delay", ghltest.Fault{Kind: ghltest.FaultLatency}, `{"kind":"latency"}`, "delay", "required for kind latency (a positive duration up to 10m0s)"},
	{"negative delay", ghltest.Fault{Kind: ghltest.FaultLatency, Delay: -time.Second}, `{"kind":"latency","delay":"-1s"}`, "delay", "-1s is negative"},
	{"negative delay in ms", ghltest.Fault{Kind: ghltest.FaultLatency, Delay: -5 * time.Millisecond}, `{"kind":"latency","delay":-5}`, "delay", "-5ms is negative"},
	{"delay over 10m", ghltest.Fault{Kind: ghltest.FaultLatency, Delay: 10*time.Minute + time.Nanosecond}, `{"kind":"latency","delay":"10m0.000000001s"}`, "delay", "10m0.000000001s exceeds 10m0s"},
	{"huge delay in ms", ghltest.Fault{Kind: ghltest.FaultLatency, Delay: math.MaxInt64}, `{"kind":"latency","delay":1e300}`, "delay", "2562047h47m16.854775807s exceeds 10m0s"},
	{"delay of another kind", ghltest.Fault{Kind: ghltest.FaultStatus, Status: 503, Delay: time.Second}, `{"kind":"status","status":503,"delay":"1s"}`, "delay", "applies only to kind latency"},
	{"malformed pattern", ghltest.Fault{Kind: ghltest.FaultResetBefore, PathPattern: "/contacts/["}, `{"kind":"reset_before","pathPattern":"/contacts/["}`, "pathPattern", `"/contacts/[" is malformed: syntax error in pattern`},
	{"relative pattern", ghltest.Fault{Kind: ghltest.FaultResetBefore, PathPattern: "contacts/*"}, `{"kind":"reset_before","pathPattern":"contacts/*"}`, "pathPattern", `"contacts/*" must start with "/"`},
	{"unknown JSON field", ghltest.Fault{}, `{"kind":"status","stauts":503}`, "stauts", "unknown field"},
}

func TestInvalidFaultsRejected(t *testing.T) {
	for _, tc := range invalidFaults {
		t.Run(tc.name, func(t *testing.T) {
			srv := ghltest.NewServer()
			defer srv.Close()
			ctl := newAPI(t, srv, "")
			ctl.version = ""
			msg := "invalid fault: " + tc.field + ": " + tc.reason
			if tc.name != "unknown JSON field" {
				err := tc.f.Validate()
				var fe *ghltest.FaultError
				if !errors.As(err, &fe) || fe.Field != tc.field || fe.Reason != tc.reason || err.Error() != "ghltest: "+msg {
					t.Errorf("Validate() = %v, want %q", err, "ghltest: "+msg)
				}
				if got := panicOf(func() { srv.InjectFault(tc.f) }); got != "ghltest: "+msg {
					t.Errorf("InjectFault panicked with %q, want %q", got, "ghltest: "+msg)
				}
				if got := panicOf(func() { ghltest.NewHandler(ghltest.WithFaults(tc.f)) }); got != "ghltest: "+msg {
					t.Errorf("WithFaults panicked with %q, want %q", got, "ghltest: "+msg)
				}
			}
			if tc.json != "" {
				r := ctl.do("POST", "/_emulator/faults", tc.json)
				r.errorBody(t, 400, msg)
				exactKeys(t, r.body, "statusCode", "message", "error", "traceId")
				if r.body["error"] != "Bad Request" {
					t.Errorf("error %v", r.body["error"])
				}
			}
			if fs := srv.Faults(); len(fs) != 0 {
				t.Errorf("an invalid fault was installed: %+v", fs)
			}
			if got := string(ctl.do("GET", "/_emulator/faults", nil).expect(t, 200).raw); got != "[]" {
				t.Errorf("faults %s", got)
			}
		})
	}
}

// The edges of every range are accepted.
func TestFaultValidationEdges(t *testing.T) {
	valid := []ghltest.Fault{
		{Kind: ghltest.FaultStatus, Status: 200},
		{Kind: ghltest.FaultStatus, Status: 599, Rate: 1, RetryAfter: "3"},
		{Kind: ghltest.FaultStatus, Status: 429, Rate: 0, Times: 0},
		{Kind: ghltest.FaultLatency, Delay: 10 * time.Minute},
		{Kind: ghltest.FaultLatency, Delay: time.Nanosecond, PathPattern: "/contacts/*/notes"},
		{Kind: ghltest.FaultResetBefore, PathPattern: "/"},
		{Kind: ghltest.FaultResetAfter, Method: "POST", Times: 1},
		{Kind: ghltest.FaultTruncate, Rate: 0.5},
	}
	srv := ghltest.NewServer()
	defer srv.Close()
	for _, f := range valid {
		if err := f.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v", f, err)
		}
	}
	ctl := newAPI(t, srv, "")
	ctl.version = ""
	for _, js := range []string{`{"kind":"status","status":200}`, `{"kind":"status","status":599,"rate":1}`, `{"kind":"latency","delay":"10m"}`, `{"kind":"latency","delay":600000}`} {
		ctl.do("POST", "/_emulator/faults", js+"\n").expect(t, 201)
	}
	if fs := srv.Faults(); len(fs) != 4 || fs[3].Delay != 10*time.Minute {
		t.Errorf("faults %+v", fs)
	}
}

func panicOf(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}
