// Command apireport writes the API report of ghl-go: one sorted line per
// exported name of the root package ghl (constants, variables, functions,
// types, struct fields with their JSON names, interface methods and
// methods), with signatures but no parameter names.
//
//	go run ./internal/apireport -out testdata/api.txt          # write the report
//	go run ./internal/apireport -out testdata/api.txt -check   # exit 1 when it is stale
//
// The report is committed, so a rename in HighLevel's specs, which reaches
// the generated code, also shows up as a short diff of this file in review.
//
// It reads the package's non-test .go files with go/parser and go/ast only:
// no type checking. Build constraints (//go:build lines and _GOOS/_GOARCH
// file names) are evaluated for linux/amd64 whatever the host, so the report
// does not depend on the machine that writes it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it parses args, writes or checks the
// report and returns the exit code (0 ok, 1 stale, 2 error).
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("apireport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".", "folder of the package to report")
	out := fs.String("out", "testdata/api.txt", "the report file, written or (with -check) compared")
	check := fs.Bool("check", false, "write nothing; exit 1 with the differing lines when -out is stale")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "apireport: unexpected arguments %q\n", fs.Args())
		return 2
	}

	rep, err := build(*dir)
	if err != nil {
		fmt.Fprintln(stderr, "apireport:", err)
		return 2
	}
	text := rep.render(*out)

	if *check {
		old, err := os.ReadFile(*out)
		if err != nil {
			fmt.Fprintln(stderr, "apireport:", err)
			return 1
		}
		if bytes.Equal(old, text) {
			return 0
		}
		fmt.Fprintf(stderr, "apireport: %s is stale; run go run ./internal/apireport -out %s\n", *out, *out)
		fmt.Fprint(stderr, diff(string(old), string(text), 20))
		return 1
	}
	if err := os.WriteFile(*out, text, 0o644); err != nil {
		fmt.Fprintln(stderr, "apireport:", err)
		return 2
	}
	fmt.Fprintf(stdout, "apireport: wrote %s (%s)\n", *out, rep.counts())
	return 0
}
