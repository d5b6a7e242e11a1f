// Command gen writes the generated services of ghl-go from HighLevel's
// official OpenAPI specs and the hand-kept overrides in overrides.go.
//
//	go run ./internal/gen -spec ../shared/ghl-openapi -out .
//	go run ./internal/gen -check   # exit 1 when a generated file is stale
//
// For each service it writes the Go file (models, options, methods and
// iterators), its generated tests, the example payloads under
// testdata/<service>/ and testdata/operations.csv. Output is deterministic
// and gofmt'ed. Only the generator reads the specs; the SDK and its tests
// read nothing outside the repository.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	spec := flag.String("spec", "../shared/ghl-openapi", "folder holding apps/*.json and common/ of the official specs")
	out := flag.String("out", ".", "root of the ghl-go repository")
	check := flag.Bool("check", false, "write nothing; exit 1 listing the files that differ from what would be generated")
	flag.Parse()

	files, err := generate(*spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
	if *check {
		stale := staleFiles(*out, files)
		if len(stale) > 0 {
			fmt.Fprintf(os.Stderr, "gen: %d generated file(s) are stale; run go generate ./...\n", len(stale))
			for _, s := range stale {
				fmt.Fprintln(os.Stderr, "  "+s)
			}
			os.Exit(1)
		}
		return
	}
	for _, name := range sortedKeys(files) {
		path := filepath.Join(*out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(2)
		}
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, files[name]) {
			continue
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(2)
		}
	}
	// Example files of operations that no longer exist would linger.
	for _, s := range orphans(*out, files) {
		if err := os.Remove(filepath.Join(*out, filepath.FromSlash(s))); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(2)
		}
	}
}

// generate returns every generated file by slash-separated path.
func generate(specDir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	var models []*model
	reg := newRegistry()
	enumNames, globalEnums = map[string]bool{}, map[string]string{} // one run's enums
	for _, svc := range services {
		if !svc.Auto {
			// A hand-named service claims its names first.
			for _, t := range svc.Types {
				reg.owner[t.Name] = "hand:" + svc.Name
				reg.server[t.Name] = svc.Name
			}
		}
	}
	for _, svc := range services {
		svc.reg = reg
		if svc.Auto {
			if err := autoFill(specDir, svc, reg); err != nil {
				return nil, fmt.Errorf("%s: %w", svc.Name, err)
			}
		}
		m, err := buildModel(specDir, svc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", svc.Name, err)
		}
		models = append(models, m)
		if files[svc.File], err = emitService(m); err != nil {
			return nil, fmt.Errorf("%s: %w", svc.File, err)
		}
		if files[svc.TestFile], err = emitTests(m); err != nil {
			return nil, fmt.Errorf("%s: %w", svc.TestFile, err)
		}
		if err := m.testdata(files); err != nil {
			return nil, fmt.Errorf("%s: %w", svc.Name, err)
		}
	}
	csv, err := operationsCSV(models)
	if err != nil {
		return nil, err
	}
	files["testdata/operations.csv"] = csv
	if files["testdata/gaps.csv"], err = gapsCSV(models); err != nil {
		return nil, err
	}
	if files["client_gen.go"], err = emitClient(models); err != nil {
		return nil, err
	}
	return files, nil
}

// staleFiles lists generated files that are missing, differ, or linger.
func staleFiles(out string, files map[string][]byte) []string {
	var stale []string
	for _, name := range sortedKeys(files) {
		old, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		switch {
		case err != nil:
			stale = append(stale, name+" (missing)")
		case !bytes.Equal(old, files[name]):
			stale = append(stale, name+" (differs)")
		}
	}
	for _, s := range orphans(out, files) {
		stale = append(stale, s+" (no longer generated)")
	}
	return stale
}

// orphans lists example files in the services' testdata folders that the
// generator no longer writes.
func orphans(out string, files map[string][]byte) []string {
	var list []string
	for _, svc := range services {
		dir := "testdata/" + svc.Testdata
		entries, err := os.ReadDir(filepath.Join(out, filepath.FromSlash(dir)))
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := dir + "/" + e.Name()
			if !e.IsDir() && strings.HasSuffix(name, ".json") && files[name] == nil {
				list = append(list, name)
			}
		}
	}
	sort.Strings(list)
	return list
}
