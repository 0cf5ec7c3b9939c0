package store

import "testing"

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
