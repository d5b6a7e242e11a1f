package ghl

// testdata/api.txt lists every exported name of this package with its
// signature, so that a rename in the specs shows up as a reviewed diff; CI
// fails when it is stale. go generate runs this file's directive before
// gen.go's, so after regenerating the services run it again (or run the
// command below).
//go:generate go run ./internal/apireport -out testdata/api.txt
