package ghltest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
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
	{"POST", "/_emulator/tokens", `{"locationId":"no-such-location","scopes":["contacts.readonly"]}`, 404},
	{"GET", "/_emulator/webhooks", "", 200},
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

// TestControlTokensAndWebhooks: a program using cmd/ghl-emulator mints a
// token with chosen scopes and registers a webhook URL over HTTP, as a Go
// test does with MintToken and RegisterWebhook.
func TestControlTokensAndWebhooks(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("Control")

	r := rawControl(t, srv, "POST", "/_emulator/tokens", `{"locationId":"`+loc.ID+`","scopes":["contacts.readonly"]}`, "", "")
	r.expect(t, 201)
	tok, _ := r.body["token"].(string)
	if tok == "" {
		t.Fatalf("no token in %s", r.raw)
	}
	ro := newAPI(t, srv, tok)
	ro.do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
	ro.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "Ann"}).expect(t, 401)
	rawControl(t, srv, "POST", "/_emulator/tokens", `{"scopes":["contacts.readonly"]}`, "", "").expect(t, 400)

	got := make(chan []byte, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get(ghltest.WebhookSignatureHeader) == "" {
			w.WriteHeader(400)
			return
		}
		select {
		case got <- b:
		default:
		}
	}))
	defer hook.Close()
	rawControl(t, srv, "POST", "/_emulator/webhooks", `{"url":"ftp://x"}`, "", "").expect(t, 400)
	rawControl(t, srv, "POST", "/_emulator/webhooks", `{"url":"`+hook.URL+`","events":["ContactCreate"]}`, "", "").expect(t, 201)
	newAPI(t, srv, loc.Token).do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "Bo"}).expect(t, 201)
	if err := srv.FlushWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	body := <-got
	if !strings.Contains(string(body), `"ContactCreate"`) {
		t.Errorf("delivery body %s", body)
	}
	list := rawControl(t, srv, "GET", "/_emulator/webhooks", "", "", "")
	list.expect(t, 200)
	if !strings.Contains(string(list.raw), `"event":"ContactCreate"`) || !strings.Contains(string(list.raw), `"delivered":true`) {
		t.Errorf("deliveries %s", list.raw)
	}
}
