package ghl

// The services (contacts.go, calendars.go, ...), the Client type
// (client_gen.go), their tests (*_gen_test.go), testdata/<service>/, the
// operation table (testdata/operations.csv) and the gap report
// (testdata/gaps.csv) are generated from HighLevel's official OpenAPI specs,
// kept in ../shared/ghl-openapi, and the table in internal/gen. Then
// testdata/api.txt lists every exported name of the package with its
// signature, so that a rename in the specs shows up as a reviewed diff. CI
// runs both with -check and fails on stale files.
//go:generate go run ./internal/gen -spec ../shared/ghl-openapi -out .
//go:generate go run ./internal/apireport -out testdata/api.txt
