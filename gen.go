package ghl

// The Contacts service (contacts.go), its tests (contacts_gen_test.go) and
// testdata/contacts/ are generated from HighLevel's official OpenAPI specs,
// kept in ../shared/ghl-openapi, and the overrides in internal/gen. CI runs
// the generator with -check to fail on stale files.
//go:generate go run ./internal/gen -spec ../shared/ghl-openapi -out .
