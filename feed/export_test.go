package feed

// SetSnapshotBatch sets how many changes a snapshot reads ahead, so that
// the storm tests interleave their writes with a read that pages (pages
// of 10) rather than with a read already complete. Call it before any
// feed runs (TestMain).
func SetSnapshotBatch(n int) { snapBatch = n }
