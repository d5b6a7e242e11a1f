package ghltest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

const controlToken = "ctl-0123456789abcdef0123456789abcdef"

const controlDenied = "Invalid control token: send Authorization: Bearer <control token> or X-Emulator-Control-Token"

// controlEndpoints are every control request, with a valid body where one
// is needed, and the status each answers when allowed.
var controlEndpoints = []struct {
	method, path, body string
	status             int
}{
	{"GET", "/_emulator/faults", "", 200},
	{"POST", "/_emulator/faults", `{"kind":"status","status":503,"pathPattern":"/nowhere"}`, 201},
	{"DELETE", "/_emulator/faults", "", 204},
	{"GET", "/_emulator/stats", "", 200},
	{"GET", "/_emulator/requests", "", 200},
	{"DELETE", "/_emulator/requests", "", 204},
	{"GET", "/_emulator/nope", "", 404},
	{"GET", "/_emulator", "", 404},
}

func TestControlTokenRequired(t *testing.T) {
	srv := ghltest.NewServer(ghltest.WithControlToken(controlToken))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 502, PathPattern: "/nowhere"})
	newAPI(t, srv, loc.Token).do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)

	// No token, a wrong one, an API token, the right one under another
	// scheme, or a prefix of it: 401, and nothing changes.
	for _, ep := range controlEndpoints {
		for _, auth := range []string{"", "Bearer wrong", "Bearer " + loc.Token, "Basic " + controlToken, "Bearer " + controlToken[:10], controlToken} {
			r := rawControl(t, srv, ep.method, ep.path, ep.body, "Authorization", auth)
			r.errorBody(t, 401, controlDenied)
			exactKeys(t, r.body, "statusCode", "message", "error", "traceId")
			if r.body["error"] != "Unauthorized" {
				t.Errorf("%s %s with %q: error %v", ep.method, ep.path, auth, r.body["error"])
			}
		}
		rawControl(t, srv, ep.method, ep.path, ep.body, "X-Emulator-Control-Token", "wrong").errorBody(t, 401, controlDenied)
	}
	if fs := srv.Faults(); len(fs) != 1 || fs[0].Status != 502 {
		t.Errorf("refused control requests changed the faults: %+v", fs)
	}
	if len(srv.Requests()) != 1 {
		t.Errorf("refused control requests changed the request log: %d entries", len(srv.Requests()))
	}

	// The token, as a bearer token or in its own header: served.
	for _, ep := range controlEndpoints {
		rawControl(t, srv, ep.method, ep.path, ep.body, "Authorization", "Bearer "+controlToken).expect(t, ep.status)
		rawControl(t, srv, ep.method, ep.path, ep.body, "X-Emulator-Control-Token", controlToken).expect(t, ep.status)
	}
	if len(srv.Faults()) != 0 || len(srv.Requests()) != 0 {
		t.Errorf("authorized DELETEs left faults %v and %d requests", srv.Faults(), len(srv.Requests()))
	}

	// The control token is no API token; refusals are not API requests.
	newAPI(t, srv, controlToken).do("GET", "/contacts/?locationId="+loc.ID, nil).errorBody(t, 401, "Invalid token: access token is invalid")
	if st := srv.Stats(); st.Requests != 2 || st.Unauthorized != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestControlEndpointsOpenWithoutControlToken(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	for _, ep := range controlEndpoints {
		rawControl(t, srv, ep.method, ep.path, ep.body, "Authorization", "").expect(t, ep.status)
		rawControl(t, srv, ep.method, ep.path, ep.body, "Authorization", "Bearer anything").expect(t, ep.status)
	}
}

// rawControl sends a control request with one header (none if value is "").
func rawControl(t *testing.T, srv *ghltest.Server, method, path, body, header, value string) result {
	t.Helper()
	a := newAPI(t, srv, "")
	a.version = ""
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if value != "" {
		req.Header.Set(header, value)
	}
	return a.send(req)
}
