// Package registry is the pure domain of the insurance registry (PRODUCT.md M3):
// identifiers (số định danh cá nhân, mã số BHXH, mã thẻ BHYT, mã đối tượng), the row
// types the registry holds (persons, residents, BHYT cards, participation periods,
// denominators, targets) and streaming readers for the plain layouts of PRODUCT.md §5
// and for the BHXH offices' own lists D02-LT, D03-TS and D05-TS (forms-and-codes.md
// §2–4), each given as CSV or as an XLSX workbook, plus one-pass duplicate detection.
//
// Nothing here touches a database or the network. A reader checks every row of a
// file, hands good rows to the caller's emit function while the file is still clean,
// and returns importer.Problems at the end when any row was bad, so that the caller
// rolls back its transaction: an import is all or nothing (PRODUCT.md §4, M15).
package registry
