package ghl_test

import (
	"encoding/csv"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Every catalog operation (testdata/operations.csv) must be answered with a
// 2xx, through the SDK, by the emulator in some integration test. Clients
// made by emulatorClient record each call they send; after a full run (no
// -run or -skip filter) TestMain fails the package if an operation was
// never answered successfully, naming it, so coverage stays visible.

// sdkCalls records the calls of every emulator client: "METHOD path" →
// whether one was answered 2xx.
var sdkCalls = struct {
	sync.Mutex
	ok map[string]bool
}{ok: map[string]bool{}}

// recordingTransport records each request it sends and its status.
type recordingTransport struct{ base http.RoundTripper }

func (rt recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := rt.base.RoundTrip(r)
	key := r.Method + " " + r.URL.EscapedPath()
	sdkCalls.Lock()
	sdkCalls.ok[key] = sdkCalls.ok[key] || (err == nil && resp.StatusCode/100 == 2)
	sdkCalls.Unlock()
	return resp, err
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" {
		if missing, err := uncoveredCatalogOps(); err != nil {
			fmt.Fprintln(os.Stderr, "catalog coverage:", err)
			code = 1
		} else if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: %d catalog operations have no successful SDK call on the emulator in the integration tests:\n\t%s\n",
				len(missing), strings.Join(missing, "\n\t"))
			code = 1
		}
	}
	os.Exit(code)
}

// catalogServices are the services of the 13 catalog spec files; the rest
// of the v2 API is answered from the spec's examples, without state.
var catalogServices = map[string]bool{"Contacts": true, "Businesses": true, "Calendars": true, "Opportunities": true,
	"Conversations": true, "Users": true, "Workflows": true, "Campaigns": true, "Snapshots": true, "Locations": true,
	"CustomFields": true, "Companies": true, "Associations": true, "Blogs": true}

// catalogOp is an operation of testdata/operations.csv.
type catalogOp struct {
	id, method string
	segs       []string // path segments; "{x}" matches any one
}

func loadCatalogOps() ([]catalogOp, error) {
	f, err := os.Open("testdata/operations.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	var ops []catalogOp
	for _, r := range rows[1:] {
		if !catalogServices[r[0]] {
			continue
		}
		ops = append(ops, catalogOp{id: r[0] + "." + r[1] + " (" + r[3] + " " + r[4] + ")", method: r[3], segs: strings.Split(r[4], "/")})
	}
	return ops, nil
}

// matchOp returns the operation a request names: same method and segment
// count, literal segments equal; the one with the most literal segments
// wins (as in the emulator's router, /contacts/search beats
// /contacts/{contactId}).
func matchOp(ops []catalogOp, method, path string) int {
	segs := strings.Split(path, "/")
	best, bestLit := -1, -1
	for i, op := range ops {
		if op.method != method || len(op.segs) != len(segs) {
			continue
		}
		lit := 0
		for j, s := range op.segs {
			if strings.HasPrefix(s, "{") {
				if segs[j] == "" {
					lit = -1
					break
				}
				continue
			}
			if s != segs[j] {
				lit = -1
				break
			}
			lit++
		}
		if lit > bestLit {
			best, bestLit = i, lit
		}
	}
	return best
}

func uncoveredCatalogOps() ([]string, error) {
	ops, err := loadCatalogOps()
	if err != nil {
		return nil, err
	}
	covered := make([]bool, len(ops))
	sdkCalls.Lock()
	for key, ok := range sdkCalls.ok {
		method, path, _ := strings.Cut(key, " ")
		if i := matchOp(ops, method, path); i >= 0 && ok {
			covered[i] = true
		}
	}
	sdkCalls.Unlock()
	var missing []string
	for i, op := range ops {
		if !covered[i] {
			missing = append(missing, op.id)
		}
	}
	sort.Strings(missing)
	return missing, nil
}

func TestMatchOpPrefersLiteralSegments(t *testing.T) {
	ops := []catalogOp{
		{id: "get", method: "GET", segs: strings.Split("/contacts/{contactId}", "/")},
		{id: "dup", method: "GET", segs: strings.Split("/contacts/search/duplicate", "/")},
		{id: "search", method: "POST", segs: strings.Split("/contacts/search", "/")},
		{id: "byID", method: "POST", segs: strings.Split("/contacts/{contactId}", "/")},
	}
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/contacts/abc", 0}, {"GET", "/contacts/search/duplicate", 1}, {"POST", "/contacts/search", 2},
		{"POST", "/contacts/abc", 3}, {"GET", "/contacts/", -1}, {"DELETE", "/contacts/abc", -1},
	} {
		if got := matchOp(ops, c.method, c.path); got != c.want {
			t.Errorf("matchOp(%s %s) = %d, want %d", c.method, c.path, got, c.want)
		}
	}
}
