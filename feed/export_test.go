package feed

// SetReadAhead sets how many changes s reads ahead before delivering them
// (default 1,000), so that the storm tests, with pages of 10, interleave
// their writes with a read that still pages rather than one already done.
func SetReadAhead[T any](s *Snapshot[T], n int) *Snapshot[T] {
	s.readAhead = n
	return s
}
