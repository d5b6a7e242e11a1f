package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fixture is a small package exercising every kind of line of the report.
var fixture = map[string]string{
	"a.go": `// Package fix is a fixture.
package fix

import (
	"context"
	"errors"
	"iter"
)

// Version is exported; private is not.
const Version = "1"

const private = 2

// Kind is a string enum.
type Kind string

// Kinds, the second one typed by repetition.
const (
	KindA Kind = "a"
	KindB
	kindHidden
)

// ErrGone is a sentinel error.
var ErrGone = errors.New("gone")

// Limit is a typed variable.
var Limit int = 3

// base is an unexported struct embedded by Client.
type base struct {
	URL    string
	secret string
	inner
}

// inner is embedded two levels down.
type inner struct {
	Depth int
	URL   int // hidden by base.URL
}

// BaseURL is promoted to Client.
func (b *base) BaseURL() string { return b.URL }

func (b *base) hidden() {}

// Client embeds base.
type Client struct {
	base
	Contacts *ContactsService
}

// Contact is a model.
type Contact struct {
	ID, Name  string
	Email     string ` + "`json:\"email,omitempty\"`" + `
	Tags      []string ` + "`json:\"tags\"`" + `
	Extra     map[string]any ` + "`json:\"-\"`" + `
	Kind      Kind
	notes     string
}

type service struct{ client *Client }

// ContactsService is the contacts API.
type ContactsService service

// Get returns one contact.
func (s *ContactsService) Get(ctx context.Context, id string) (*Contact, error) { return nil, nil }

// List lists contacts.
func (s *ContactsService) List(ctx context.Context, ids ...string) iter.Seq2[*Contact, error] {
	return nil
}

func (s *ContactsService) list() {}

// hiddenType is unexported, with an exported method.
type hiddenType struct{ Exported int }

// Exported is not reported: its type is unexported.
func (hiddenType) Exported() {}

// Ptr returns a pointer to v.
func Ptr[T any](v T) *T { return &v }

// Page is a generic page.
type Page[T any, K comparable] struct {
	Items []T
	Next  K ` + "`json:\"next\"`" + `
}

// All ranges the page.
func (p Page[T, K]) All(yield func(int, T) bool) {}

// Store is an interface.
type Store interface {
	Locker
	Load(ctx context.Context, key string) (value []byte, err error)
	unexported()
}

// Locker locks.
type Locker interface{ Lock(context.Context) (func() error, error) }

// Handler is a func type; Alias an alias.
type (
	Handler func(ctx context.Context, c *Contact) error
	Alias   = Contact
)

func helper(a, b int) int { return a + b }
`,
	"a_test.go":   "package fix\n\n// FromTest is in a test file.\nfunc FromTest() {}\n",
	"win.go":      "//go:build windows\n\npackage fix\n\n// OnWindows is built for windows only.\nfunc OnWindows() {}\n",
	"b_darwin.go": "package fix\n\n// OnDarwin is built for darwin only.\nfunc OnDarwin() {}\n",
	"c_linux.go":  "//go:build linux && (amd64 || arm64)\n\npackage fix\n\n// OnLinux is built for linux/amd64.\nfunc OnLinux(n int, s ...string) (ok bool) { return }\n",
}

func writeFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range fixture {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func reportLines(t *testing.T, dir string) []string {
	t.Helper()
	rep, err := build(dir)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(rep.render("api.txt")), "\n")
}

func TestReportLines(t *testing.T) {
	lines := reportLines(t, writeFixture(t))
	want := []string{
		"# API report of package fix, generated: go run ./internal/apireport -out api.txt",
		"# 9 types, 2 functions, 4 methods, 11 fields, 3 interface methods, 3 constants, 2 variables",
		"## constants (3)",
		"const KindA Kind",
		"const KindB Kind",
		"const Version",
		"## variables (2)",
		"var ErrGone",
		"var Limit int",
		"## functions (2)",
		"func OnLinux(int, ...string) bool",
		"func Ptr[T any](T) *T",
		"## types (9)",
		"type Alias = Contact",
		"type Client struct",
		"type Contact struct",
		"type ContactsService service",
		"type Handler func(context.Context, *Contact) error",
		"type Kind string",
		"type Locker interface",
		"type Page[T any, K comparable] struct",
		"type Store interface",
		"## fields (json name after the type) (11)",
		"Client.Contacts *ContactsService",
		"Client.Depth int",
		"Client.URL string",
		"Contact.Email string json:\"email\"",
		"Contact.Extra map[string]any json:\"-\"",
		"Contact.ID string",
		"Contact.Kind Kind",
		"Contact.Name string",
		"Contact.Tags []string json:\"tags\"",
		"Page.Items []T",
		"Page.Next K json:\"next\"",
		"## interface methods (3)",
		"Locker.Lock(context.Context) (func() error, error)",
		"Store.Load(context.Context, string) ([]byte, error)",
		"Store embeds Locker",
		"## methods (4)",
		"func (*Client) BaseURL() string",
		"func (*ContactsService) Get(context.Context, string) (*Contact, error)",
		"func (*ContactsService) List(context.Context, ...string) iter.Seq2[*Contact, error]",
		"func (Page[T, K]) All(func(int, T) bool)",
	}
	got := slices.DeleteFunc(slices.Clone(lines), func(l string) bool { return l == "" })
	if !slices.Equal(got, want) {
		t.Errorf("report:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReportOmits(t *testing.T) {
	text := strings.Join(reportLines(t, writeFixture(t)), "\n")
	for _, s := range []string{"hiddenType", "Exported", "private", "kindHidden", "secret", "notes",
		"helper", "hidden", "unexported", "FromTest", "OnWindows", "OnDarwin", "base", "inner", "service)"} {
		if strings.Contains(text, s) {
			t.Errorf("report mentions %q:\n%s", s, text)
		}
	}
}

func TestRunCheck(t *testing.T) {
	dir := writeFixture(t)
	out := filepath.Join(t.TempDir(), "api.txt")
	var stdout, stderr bytes.Buffer

	if code := run([]string{"-dir", dir, "-out", out, "-check"}, &stdout, &stderr); code != 1 {
		t.Errorf("check of a missing report: exit %d, want 1", code)
	}
	if code := run([]string{"-dir", dir, "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("write: exit %d: %s", code, stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"-dir", dir, "-out", out, "-check"}, &stdout, &stderr); code != 0 {
		t.Fatalf("check of a fresh report: exit %d: %s", code, stderr.String())
	}

	// A rename in the package makes the committed report stale.
	src := strings.Replace(fixture["a.go"], "Tags      []string `json:\"tags\"`", "Labels    []string `json:\"labels\"`", 1)
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	if code := run([]string{"-dir", dir, "-out", out, "-check"}, &stdout, &stderr); code != 1 {
		t.Fatalf("check of a stale report: exit %d, want 1", code)
	}
	msg := stderr.String()
	for _, want := range []string{"is stale", "- Contact.Tags []string json:\"tags\"", "+ Contact.Labels []string json:\"labels\""} {
		if !strings.Contains(msg, want) {
			t.Errorf("check output lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "Contact.Email") {
		t.Errorf("check output lists an unchanged line:\n%s", msg)
	}
}

func TestRunErrors(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-dir", t.TempDir(), "-out", filepath.Join(t.TempDir(), "x")}, &stdout, &stderr); code != 2 {
		t.Errorf("empty folder: exit %d, want 2", code)
	}
	if code := run([]string{"extra"}, &stdout, &stderr); code != 2 {
		t.Errorf("extra argument: exit %d, want 2", code)
	}
}

func TestDiffOrderOnly(t *testing.T) {
	got := diff("a\nb\n", "b\na\n", 5)
	if got != "line 1: have \"a\", want \"b\"\n" {
		t.Errorf("diff = %q", got)
	}
}

func TestMatchFileName(t *testing.T) {
	for name, want := range map[string]bool{
		"a.go": true, "a_linux.go": true, "a_windows.go": false, "a_linux_amd64.go": true,
		"a_linux_arm64.go": false, "a_arm64.go": false, "webhook_events.go": true, "linux.go": true,
	} {
		if got := matchFileName(name); got != want {
			t.Errorf("matchFileName(%q) = %v, want %v", name, got, want)
		}
	}
}
