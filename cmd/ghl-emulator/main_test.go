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
      "records": {"workflows": [{"id": "wf-onboarding", "name": "Onboarding"}], "users": [{"firstName": "John", "email": "john@deo.com"}],
                  "snapshots": [{"id": "snap-1", "name": "Plumbing Starter"}]},
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
	// 7 generated contacts and the demo's 4.
	if len(comments) != 3 || !strings.Contains(comments[0], "contacts=11") {
		t.Errorf("location lines %q", comments)
	}
	base := vars["GHL_BASE_URL"]
	status, body := get(t, base, "/contacts/?locationId="+vars["GHL_LOCATION_ID"], vars["GHL_LOCATION_TOKEN"])
	if status != 200 || body["count"] != float64(11) {
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
	if len(comments) != 4 || !strings.Contains(comments[0], "contacts=6") ||
		comments[1] != "# records location=ve9EPM428h8vShlRW1KT appointments=1 businesses=1 workflows=1" ||
		comments[2] != "# records company=l1C08ntBrFjLS0elLIYU snapshots=1 users=1" ||
		!strings.Contains(comments[3], `"Second"`) || !strings.Contains(comments[3], "contacts=2") {
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
	status, body = get(t, base, "/snapshots/?companyId=l1C08ntBrFjLS0elLIYU", vars["GHL_COMPANY_TOKEN"])
	if l, _ := body["snapshots"].([]any); status != 200 || len(l) != 1 || l[0].(map[string]any)["id"] != "snap-1" {
		t.Errorf("seeded snapshots: %d %v", status, body)
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

// TestRunDemo reads every category of the demo location back through the
// API, and checks the printed record counts.
func TestRunDemo(t *testing.T) {
	vars, comments, stop := start(t)
	defer stop()
	base, loc, tok, co := vars["GHL_BASE_URL"], vars["GHL_LOCATION_ID"], vars["GHL_LOCATION_TOKEN"], vars["GHL_COMPANY_ID"]
	wantLines := []string{
		"# records location=" + loc + " appointments=2 associations=1 blogAuthors=2 blogCategories=2 blogSites=1 businesses=2 " +
			"calendarGroups=1 calendars=2 campaigns=2 conversations=2 customFields=2 customSubtypes=1 customValues=1 lostReasons=4 " +
			"messages=10 opportunities=3 pipelines=2 recordings=2 relations=1 tags=3 templates=2 transcriptions=2 workflows=2",
		"# records company=" + co + " snapshotPushes=1 snapshots=2 users=3",
	}
	if len(comments) != 3 || !strings.Contains(comments[0], "contacts=4") || comments[1] != wantLines[0] || comments[2] != wantLines[1] {
		t.Errorf("printed\n%s\nwant the location line and\n%s", strings.Join(comments, "\n"), strings.Join(wantLines, "\n"))
	}
	for _, c := range []struct {
		path, token, key string
		n                int
	}{
		{"/contacts/?locationId=" + loc, tok, "contacts", 4},
		{"/businesses/?locationId=" + loc, tok, "businesses", 2},
		{"/users/?locationId=" + loc, tok, "users", 3},
		{"/calendars/?locationId=" + loc, tok, "calendars", 2},
		{"/calendars/groups?locationId=" + loc, tok, "groups", 1},
		{"/opportunities/search?location_id=" + loc, tok, "opportunities", 3},
		{"/opportunities/pipelines?locationId=" + loc, tok, "pipelines", 2},
		{"/conversations/search?locationId=" + loc, tok, "conversations", 2},
		{"/workflows/?locationId=" + loc, tok, "workflows", 2},
		{"/campaigns/?locationId=" + loc, tok, "campaigns", 2},
		{"/locations/" + loc + "/customFields", tok, "customFields", 2},
		{"/locations/" + loc + "/customValues", tok, "customValues", 1},
		{"/locations/" + loc + "/tags", tok, "tags", 3},
		{"/locations/" + loc + "/templates?originId=" + loc, tok, "templates", 2},
		{"/blogs/site/all?locationId=" + loc + "&skip=0&limit=10", tok, "data", 1},
		{"/blogs/authors?locationId=" + loc + "&offset=0&limit=10", tok, "authors", 2},
		{"/snapshots/?companyId=" + co, vars["GHL_COMPANY_TOKEN"], "snapshots", 2},
	} {
		status, body := get(t, base, c.path, c.token)
		if list, _ := body[c.key].([]any); status != 200 || len(list) != c.n {
			t.Errorf("GET %s: %d, %d %s, want %d (%v)", c.path, status, len(list), c.key, c.n, body)
		}
	}
	// The links: a contact's business, tasks, notes and appointments.
	_, list := get(t, base, "/contacts/?locationId="+loc, tok)
	var rosa map[string]any
	for _, c := range list["contacts"].([]any) {
		if m := c.(map[string]any); m["email"] == "rosa.diaz@example.com" {
			rosa = m
		}
	}
	if rosa == nil {
		t.Fatalf("no demo contact Rosa in %v", list)
	}
	id := rosa["id"].(string)
	_, members := get(t, base, "/contacts/business/"+rosa["businessId"].(string)+"?locationId="+loc, tok)
	if got, _ := members["contacts"].([]any); len(got) != 2 {
		t.Errorf("contacts of Rosa's business: %v", members)
	}
	for _, sub := range []string{"tasks", "notes", "appointments"} {
		key := map[string]string{"tasks": "tasks", "notes": "notes", "appointments": "events"}[sub]
		if _, body := get(t, base, "/contacts/"+id+"/"+sub, tok); len(asList(body[key])) != 1 {
			t.Errorf("GET /contacts/%s/%s: %v", id, sub, body)
		}
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

func TestRunDemoOff(t *testing.T) {
	vars, comments, stop := start(t, "-demo=false", "-contacts", "2")
	defer stop()
	if len(comments) != 1 || !strings.Contains(comments[0], "contacts=2") {
		t.Errorf("printed %q, want only the location line", comments)
	}
	status, body := get(t, vars["GHL_BASE_URL"], "/businesses/?locationId="+vars["GHL_LOCATION_ID"], vars["GHL_LOCATION_TOKEN"])
	if status != 200 || len(asList(body["businesses"])) != 0 {
		t.Errorf("GET /businesses/: %d %v", status, body)
	}
}
