package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const seedJSON = `{
  "apps": [{"clientId": "6578278e879ad2646715ba9c-lq4abcde", "clientSecret": "secret"}],
  "locations": [
    {
      "id": "ve9EPM428h8vShlRW1KT", "name": "Acme Plumbing", "companyId": "l1C08ntBrFjLS0elLIYU",
      "token": "pit-acme-dev-token", "seedContacts": 3,
      "businesses": [{"name": "Acme Corp"}],
      "records": {"workflows": [{"id": "wf-onboarding", "name": "Onboarding"}], "users": [{"firstName": "John", "email": "john@deo.com"}]},
      "contacts": [{
        "firstName": "Rosan", "lastName": "Deo", "email": "rosan@deos.com", "tags": ["vip"], "businessName": "Acme Corp",
        "tasks": [{"title": "Call back", "dueDate": "2025-01-10T10:00:00Z", "completed": false}],
        "notes": [{"body": "Met at the trade show"}],
        "appointments": [{"title": "Site visit"}]
      }]
    },
    {"name": "Second"}
  ]
}`

// start runs the program on a random port and returns its printed
// variables and a stop function that checks run's result.
func start(t *testing.T, args ...string) (map[string]string, []string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw)
		pw.CloseWithError(err)
		done <- err
	}()
	vars := map[string]string{}
	var comments []string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		if line == "# ready" {
			break
		}
		if strings.HasPrefix(line, "# ") {
			comments = append(comments, line)
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("unexpected output line %q", line)
		}
		vars[k] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading output: %v", err)
	}
	go io.Copy(io.Discard, pr)
	return vars, comments, func() {
		t.Helper()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}
}

func get(t *testing.T, base, path, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Version", "2021-07-28")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestRunDefault(t *testing.T) {
	vars, comments, stop := start(t, "-contacts", "7", "-client-id", "app-1", "-client-secret", "s")
	defer stop()
	for _, k := range []string{"GHL_BASE_URL", "GHL_COMPANY_ID", "GHL_COMPANY_TOKEN", "GHL_LOCATION_ID", "GHL_LOCATION_TOKEN", "GHL_ACCESS_TOKEN", "GHL_CLIENT_ID", "GHL_AUTH_CODE"} {
		if vars[k] == "" {
			t.Errorf("%s not printed: %v", k, vars)
		}
	}
	if len(comments) != 1 || !strings.Contains(comments[0], "contacts=7") {
		t.Errorf("location lines %q", comments)
	}
	base := vars["GHL_BASE_URL"]
	status, body := get(t, base, "/contacts/?locationId="+vars["GHL_LOCATION_ID"], vars["GHL_LOCATION_TOKEN"])
	if status != 200 || body["count"] != float64(7) {
		t.Errorf("GET /contacts/: %d %v", status, body)
	}
	// The printed install code exchanges for tokens.
	resp, err := http.PostForm(base+"/oauth/token", url.Values{"client_id": {"app-1"}, "client_secret": {"s"}, "grant_type": {"authorization_code"}, "code": {vars["GHL_AUTH_CODE"]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("code exchange: %d", resp.StatusCode)
	}
	// Control endpoints are served.
	resp, err = http.Get(base + "/_emulator/stats")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("stats: %d", resp.StatusCode)
	}
}

func TestRunSeedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(path, []byte(seedJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	vars, comments, stop := start(t, "-seed", path, "-contacts", "2")
	defer stop()
	if vars["GHL_LOCATION_ID"] != "ve9EPM428h8vShlRW1KT" || vars["GHL_LOCATION_TOKEN"] != "pit-acme-dev-token" || vars["GHL_COMPANY_ID"] != "l1C08ntBrFjLS0elLIYU" {
		t.Errorf("vars %v", vars)
	}
	if len(comments) != 2 || !strings.Contains(comments[0], "contacts=6") || !strings.Contains(comments[1], `"Second"`) || !strings.Contains(comments[1], "contacts=2") {
		t.Errorf("location lines %q", comments)
	}
	base, tok := vars["GHL_BASE_URL"], vars["GHL_LOCATION_TOKEN"]
	status, body := get(t, base, "/contacts/?locationId=ve9EPM428h8vShlRW1KT&query=rosan", tok)
	if status != 200 || body["count"] != float64(1) {
		t.Fatalf("query: %d %v", status, body)
	}
	c := body["contacts"].([]any)[0].(map[string]any)
	id := c["id"].(string)
	if c["businessId"] == nil {
		t.Errorf("businessName not resolved: %v", c)
	}
	for path, key := range map[string]string{"/tasks": "tasks", "/notes": "notes", "/appointments": "events"} {
		status, body := get(t, base, "/contacts/"+id+path, tok)
		if l, _ := body[key].([]any); status != 200 || len(l) != 1 {
			t.Errorf("%s: %d %v", path, status, body)
		}
	}
	status, body = get(t, base, "/workflows/?locationId=ve9EPM428h8vShlRW1KT", tok)
	if l, _ := body["workflows"].([]any); status != 200 || len(l) != 1 || l[0].(map[string]any)["name"] != "Onboarding" {
		t.Errorf("seeded workflows: %d %v", status, body)
	}
	status, body = get(t, base, "/users/?locationId=ve9EPM428h8vShlRW1KT", tok)
	if l, _ := body["users"].([]any); status != 200 || len(l) != 1 || l[0].(map[string]any)["email"] != "john@deo.com" {
		t.Errorf("seeded users: %d %v", status, body)
	}
	status, _ = get(t, base, "/oauth/installedLocations?companyId=l1C08ntBrFjLS0elLIYU&appId=6578278e879ad2646715ba9c", vars["GHL_COMPANY_TOKEN"])
	if status != 200 {
		t.Errorf("installedLocations with the printed company token: %d", status)
	}
}

func TestRunErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"locations":[{"name":"A","contacts":[{"email":7}]}]}`), 0o600)
	unknown := filepath.Join(dir, "unknown.json")
	os.WriteFile(unknown, []byte(`{"locatons":[]}`), 0o600)
	for name, args := range map[string][]string{
		"flag":          {"-nope"},
		"missing file":  {"-seed", filepath.Join(dir, "none.json")},
		"invalid field": {"-seed", bad},
		"unknown key":   {"-seed", unknown},
		"bad addr":      {"-addr", "256.0.0.1:1"},
		"half app":      {"-client-id", "x"},
	} {
		if err := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), io.Discard); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// control sends a control request with the given Authorization ("" for
// none) and returns the status.
func control(t *testing.T, base, method, path, auth string) int {
	t.Helper()
	req, err := http.NewRequest(method, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// On loopback without -control-token the control endpoints stay open and no
// control token is printed.
func TestRunLoopbackControlOpen(t *testing.T) {
	vars, _, stop := start(t)
	defer stop()
	if _, ok := vars["GHL_EMULATOR_CONTROL_TOKEN"]; ok {
		t.Errorf("control token printed on loopback: %v", vars)
	}
	if s := control(t, vars["GHL_BASE_URL"], "GET", "/_emulator/requests", ""); s != 200 {
		t.Errorf("GET /_emulator/requests: %d", s)
	}
}

func TestRunControlTokenFlag(t *testing.T) {
	vars, _, stop := start(t, "-control-token", "my-control-token-0123456789")
	defer stop()
	base := vars["GHL_BASE_URL"]
	if vars["GHL_EMULATOR_CONTROL_TOKEN"] != "my-control-token-0123456789" {
		t.Errorf("vars %v", vars)
	}
	for _, p := range []string{"/_emulator/requests", "/_emulator/stats", "/_emulator/faults"} {
		if s := control(t, base, "GET", p, ""); s != 401 {
			t.Errorf("GET %s without the control token: %d", p, s)
		}
		if s := control(t, base, "GET", p, "Bearer "+vars["GHL_LOCATION_TOKEN"]); s != 401 {
			t.Errorf("GET %s with the location token: %d", p, s)
		}
		if s := control(t, base, "GET", p, "Bearer my-control-token-0123456789"); s != 200 {
			t.Errorf("GET %s with the control token: %d", p, s)
		}
	}
	if status, _ := get(t, base, "/contacts/?locationId="+vars["GHL_LOCATION_ID"], vars["GHL_LOCATION_TOKEN"]); status != 200 {
		t.Errorf("API with a control token set: %d", status)
	}
}

// Listening beyond loopback without -control-token generates one, prints it
// and requires it.
func TestRunNonLoopbackGeneratesControlToken(t *testing.T) {
	vars, _, stop := start(t, "-addr", "0.0.0.0:0")
	defer stop()
	tok := vars["GHL_EMULATOR_CONTROL_TOKEN"]
	if len(tok) != 26 || tok == vars["GHL_LOCATION_TOKEN"] {
		t.Fatalf("control token %q", tok)
	}
	_, port, err := net.SplitHostPort(strings.TrimPrefix(vars["GHL_BASE_URL"], "http://"))
	if err != nil {
		t.Fatalf("GHL_BASE_URL %q: %v", vars["GHL_BASE_URL"], err)
	}
	base := "http://127.0.0.1:" + port
	if s := control(t, base, "GET", "/_emulator/requests", ""); s != 401 {
		t.Errorf("GET /_emulator/requests without the control token: %d", s)
	}
	if s := control(t, base, "GET", "/_emulator/requests", "Bearer "+tok); s != 200 {
		t.Errorf("GET /_emulator/requests with the control token: %d", s)
	}

	// Another run generates another token.
	vars2, _, stop2 := start(t, "-addr", "0.0.0.0:0")
	defer stop2()
	if vars2["GHL_EMULATOR_CONTROL_TOKEN"] == tok {
		t.Error("the generated control token repeats")
	}
}
