package ghl

// Ptr returns a pointer to v, for optional request fields:
// ghl.Ptr("Jane") or, since Go 1.26, new("Jane").
func Ptr[T any](v T) *T { return &v }
