package ghl_test

import (
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite README.md's coverage table from testdata/operations.csv and the emulator's route table")

const (
	coverageStart = "<!-- coverage table: go test -run TestREADMECoverageTable -update-readme . -->"
	coverageEnd   = "<!-- end of coverage table -->"
)

// TestREADMECoverageTable keeps README.md's coverage table equal to what
// the SDK generates (testdata/operations.csv) and what the emulator answers
// with state (ghltest's Routes), so that the README cannot claim more or
// less than the code does.
func TestREADMECoverageTable(t *testing.T) {
	want := coverageTable(t)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok := strings.Cut(string(readme), coverageStart)
	_, after, ok2 := strings.Cut(rest, coverageEnd)
	if !ok || !ok2 {
		t.Fatalf("README.md lacks the coverage table markers %q and %q", coverageStart, coverageEnd)
	}
	got := strings.TrimSpace(rest[:len(rest)-len(after)-len(coverageEnd)])
	if got == strings.TrimSpace(want) {
		return
	}
	if *updateREADME {
		out := before + coverageStart + "\n" + want + coverageEnd + after
		if err := os.WriteFile("README.md", []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's coverage table is stale; run go test -run TestREADMECoverageTable -update-readme .\nwant:\n%s", want)
}

// coverageTable is the README's table: per service, its operations, how
// many the emulator answers with state, and the spec file.
func coverageTable(t *testing.T) string {
	t.Helper()
	f, err := os.Open("testdata/operations.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	srv := ghltest.NewHandler()
	routes := map[string]ghltest.Route{}
	for _, r := range srv.Routes() {
		routes[r.Method+" "+r.Path] = r
	}
	type counts struct {
		ops, state int
		spec       string
	}
	by := map[string]*counts{}
	total, state := 0, 0
	for _, row := range rows[1:] {
		svc, method, path := row[0], row[3], row[4]
		r, ok := routes[method+" "+path]
		if !ok {
			t.Errorf("%s %s %s is not in the emulator's route table", svc, method, path)
			continue
		}
		c := by[svc]
		if c == nil {
			c = &counts{spec: r.SpecFile}
			by[svc] = c
		}
		c.ops++
		total++
		if r.Answer == "state" {
			c.state++
			state++
		}
	}
	names := make([]string, 0, len(by))
	for n := range by {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if by[names[i]].ops != by[names[j]].ops {
			return by[names[i]].ops > by[names[j]].ops
		}
		return names[i] < names[j]
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%d operations in %d services, every one of the %d of HighLevel's v2 specs; the emulator answers %d of them with state and the others from the spec.\n\n", total, len(by), len(routes), state)
	b.WriteString("| service | spec | operations | with state on the emulator |\n|---|---|---:|---:|\n")
	for _, n := range names {
		c := by[n]
		fmt.Fprintf(&b, "| `%s` | %s | %d | %d |\n", n, c.spec, c.ops, c.state)
	}
	return b.String()
}
