package store

import (
	"context"
	"testing"
)

// SetBatches makes import batches of n rows on both databases for one test.
func SetBatches(tb testing.TB, n int) {
	old, oldPG := registryBatch, registryBatchPG
	registryBatch, registryBatchPG = n, n
	tb.Cleanup(func() { registryBatch, registryBatchPG = old, oldPG })
}

// Loading tells whether the import is loading a table from empty, and whether its
// batches still go straight in with COPY.
func (t *RegistryTx) Loading(table string) (loading, direct bool) {
	l := t.loading(table)
	return l != nil, l != nil && l.direct
}

// Checkpoint runs a checkpoint on the store's checkpointer.
func Checkpoint(s *Store) (logFrames, copied int, err error) {
	return s.ckpt.checkpoint(context.Background())
}

// Checkpoints is how many checkpoints the store's checkpointer has done.
func Checkpoints(s *Store) int64 { return s.ckpt.runs.Load() }

// HoldMerges keeps the card log from being merged until release is called.
func HoldMerges(s *Store) (release func()) {
	s.cards.mu.Lock()
	return s.cards.mu.Unlock
}
